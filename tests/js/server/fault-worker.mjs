// A fault inside the server half's wasm, in a worker thread of its own (it leaves a 4 GiB wasm
// memory behind): a handler made and used, then every page the module's memory could still grow
// into taken and the allocator's free memory with them, so the next request's first allocation
// fails and the wasm traps (`unreachable`).
// That request must be answered 500 internal_error; the module then has a fresh instance, in which
// the handler must make its configuration again (the old one lived in the old instance's memory)
// and serve as configured: a create goes through, a foreign return URL is refused. Posts
// { steps, failures }.
import { parentPort, workerData } from "node:worker_threads";
import { createIdvHandler } from "idv-handoff/server";

// The glue the handler's module imports (the same module instance): its initSync returns the
// running instance's exports, whose memory the test fills.
const glue = await import(new URL("server/idv_handoff.js", import.meta.resolve("idv-handoff/server")).href);
const WASM_PAGES = 65536; // 4 GiB, all a wasm32 memory can ever have
const { returnUrl } = workerData;

let creates = 0;
globalThis.fetch = async () => {
  creates++;
  return Response.json({ idv_id: `s${creates}`, session_url: `https://app.deepidv.com/s/s${creates}`, links: [] }, { status: 201 });
};

const handler = createIdvHandler({ provider: "deepidv", apiKey: "sk_test_fault", returnUrls: [returnUrl] });
const create = (redirectUrl) =>
  handler(
    new Request("https://yourapp.com/api/idv/sessions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", phone: "+15551234567", redirectUrl }),
    }),
  );

const failures = [];
let steps = 0;
const expect = async (label, answer, status, check) => {
  const text = await answer.text();
  if (answer.status !== status) failures.push(`${label}: ${answer.status} ${text}, not ${status}`);
  else if (check && !check(JSON.parse(text))) failures.push(`${label}: ${text}`);
};

try {
  await expect("before the fault", await create(`${returnUrl}?state=a`), 201, (b) => b.idv_id === "s1");
  steps++;
  const exports = glue.initSync();
  exports.memory.grow(WASM_PAGES - exports.memory.buffer.byteLength / 65536);
  // The allocator cannot grow now; take what it still has free, largest pieces first (an
  // allocation it cannot make traps here, outside the handler).
  for (let size = 1 << 20; size >= 8; size >>= 1) {
    for (;;) {
      try {
        exports.__wbindgen_malloc(size, 8);
      } catch {
        break;
      }
    }
  }
  steps++;
  await expect("the fault", await create(`${returnUrl}?state=b`), 500, (b) => b.code === "internal_error");
  if (creates !== 1) failures.push(`the faulted request reached the provider (${creates} creates)`);
  steps++;
  await expect("after: a create", await create(`${returnUrl}?state=c`), 201, (b) => b.idv_id === "s2");
  await expect("after: a foreign return URL", await create("https://evil.example/idv/return"), 400, (b) => b.code === "return_url_not_allowed");
  await expect("after: another create", await create(`${returnUrl}?state=d`), 201, (b) => b.idv_id === "s3");
  steps++;
} catch (e) {
  failures.push(`step ${steps} threw: ${e?.stack ?? e}`);
}
parentPort.postMessage({ steps, failures });
