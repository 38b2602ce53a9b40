// The package in real workerd (Miniflare): a worker bundled as wrangler would bundle it (the
// `workerd` export condition, the .wasm kept as a CompiledWasm module), no init call.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { ROOT, outDir } from "./helpers/paths.mjs";
import { bundleWorker } from "../../scripts/bundle-worker.mjs";

let mf;

before(async () => {
  const out = outDir("workerd");
  await bundleWorker(`${ROOT}tests/js/workerd/worker.js`, out);
  mf = new Miniflare({
    scriptPath: `${out}worker.js`,
    modules: true,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
  });
  await mf.ready;
});

after(() => mf?.dispose());

test("a worker importing idv-handoff parses a callback in workerd", async () => {
  const res = await mf.dispatchFetch("https://app.example/idv/return?session_id=abc&status=failed&reason=document_unreadable");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {
    provider: "deepidv",
    sessionId: "abc",
    status: "failed",
    reason: "document_unreadable",
    rawStatus: "failed",
    rawReason: "document_unreadable",
  });
});

test("errors in workerd are IdvError instances with their code", async () => {
  const res = await mf.dispatchFetch("https://app.example/idv/return?session_id=a&status=success&status=failed");
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), { code: "duplicate_parameter", isIdvError: true, isError: true });
});

test("Didit callbacks parse in workerd", async () => {
  const res = await mf.dispatchFetch("https://app.example/cb?verificationSessionId=x-1&status=Approved");
  const cb = await res.json();
  assert.equal(cb.provider, "didit");
  assert.equal(cb.status, "approved");
});
