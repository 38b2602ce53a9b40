// A fault inside the wasm, in a worker thread of its own (it leaves a 4 GiB wasm memory behind),
// for the export named by workerData.name: through the manual-initialisation entry, take every
// page the fresh module could still grow into, so its first allocation fails and it traps
// (`unreachable`). The call must throw (createSession: reject with) IdvError "internal_error"
// with the WebAssembly.RuntimeError as its cause, and the module must recover: the known-good
// calls (matrix.mjs NORMAL) then answer exactly, REPEAT times each. Posts { result: { step,
// failures } }.
import { parentPort, workerData } from "node:worker_threads";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as api from "idv-handoff/init";
import { NORMAL, REPEAT, same, show } from "./matrix.mjs";

const { initSync, IdvError } = api;
const wasmPath = fileURLToPath(new URL("idv_handoff_bg.wasm", import.meta.resolve("idv-handoff/init")));
const module = readFileSync(wasmPath);
const WASM_PAGES = 65536; // 4 GiB, all a wasm32 memory can ever have

const CALLBACK_URL = "https://yourapp.com/done?session_id=abc123&status=failed&reason=face_mismatch";
const PERSON = { firstName: "Jane", last_name: "Doe", email: "jane@example.com", phone: "+15551234567" };
// Each export, called with valid arguments: its first allocation in the wasm fails.
const CALLS = {
  parseCallback: () => api.parseCallback(CALLBACK_URL),
  buildHandoffUrl: () => api.buildHandoffUrl("https://app.deepidv.com/s/abc", { redirectUrl: "https://yourapp.com/done", state: "s1" }),
  buildReturnUrl: () => api.buildReturnUrl("https://yourapp.com/done", { state: "s1" }),
  createState: () => api.createState(),
  beginHandoff: () => api.beginHandoff("https://app.deepidv.com/s/abc", { redirectUrl: "https://yourapp.com/done" }),
  completeHandoff: () => api.completeHandoff({ maxAgeMs: 1000 }),
  normalizeSessionRequest: () => api.normalizeSessionRequest(PERSON),
  createSession: () => api.createSession("https://proxy.example/idv", PERSON),
};
let step;
const failures = [];

/** The known-good calls, `times` times each; failures name `when`. */
function normalCalls(when, times) {
  for (const [name, fn, expected] of NORMAL) {
    let wrong = 0;
    let first;
    for (let i = 0; i < times; i++) {
      let value;
      try {
        value = fn(api);
      } catch (e) {
        wrong++;
        first ??= `threw ${show(e)}`;
        continue;
      }
      const ok = expected.matches ? typeof value === "string" && expected.matches.test(value) : same(value, expected.returns);
      if (!ok) {
        wrong++;
        first ??= `returned ${show(value)}`;
      }
    }
    if (wrong) failures.push(`${when}: ${name} wrong ${wrong}/${times} times; first: ${first}`);
  }
}

globalThis.fetch = async () => {
  throw new Error("the trap test must fail before any fetch");
};

async function fault(name) {
  const call = CALLS[name];
  const exports = initSync({ module });
  if (!(exports?.memory instanceof WebAssembly.Memory)) {
    failures.push(`${name}: initSync({ module }) returned no wasm exports with a memory: ${show(exports)}`);
    return;
  }
  const pages = exports.memory.buffer.byteLength / 65536;
  try {
    exports.memory.grow(WASM_PAGES - pages);
  } catch (e) {
    failures.push(`${name}: could not grow the wasm memory from ${pages} to ${WASM_PAGES} pages: ${show(e)}`);
    return;
  }
  let outcome;
  try {
    const value = call();
    outcome = value && typeof value.then === "function" ? await value.then((v) => ({ value: v }), (error) => ({ error })) : { value };
  } catch (error) {
    outcome = { error, sync: true };
  }
  const e = outcome.error;
  if (!("error" in outcome)) failures.push(`${name} with no memory left: returned ${show(outcome.value)}, expected IdvError internal_error`);
  else if (!(e instanceof IdvError && e instanceof Error && e.name === "IdvError" && e.code === "internal_error")) {
    failures.push(`${name} with no memory left: threw ${show(e)}, expected IdvError internal_error`);
  } else if (!(e.cause instanceof WebAssembly.RuntimeError)) {
    failures.push(`${name} with no memory left: internal_error's cause is ${show(e.cause)}, expected a WebAssembly.RuntimeError`);
  } else if (name === "createSession" && outcome.sync) {
    failures.push("createSession with no memory left: threw synchronously instead of rejecting");
  } else {
    step = `${name}: grew ${pages} -> ${WASM_PAGES} pages; IdvError internal_error, cause ${e.cause.name}: ${e.cause.message}`;
  }
}

if (workerData?.name) {
  await fault(workerData.name);
  normalCalls(`after ${workerData.name}'s fault`, REPEAT);
  parentPort.postMessage({ result: { step, failures } });
}
