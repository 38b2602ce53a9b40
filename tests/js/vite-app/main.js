// A Vite app using the package as a frontend developer would: a plain import, no init.
import { parseCallback, IdvError } from "idv-handoff";

const out = document.getElementById("out");
try {
  out.textContent = JSON.stringify({ ok: parseCallback(location.search) });
} catch (e) {
  out.textContent = JSON.stringify({ code: e.code, isIdvError: e instanceof IdvError });
}
out.dataset.done = "1";
