// The boundary matrix (matrix.mjs) in Node, in a worker thread: boundary.test.mjs terminates the
// worker if it hangs (a synchronous loop inside the wasm cannot be timed out in the test's own
// thread). Posts { progress: row } before each row, { failure } as each is found, then { result }.
import { parentPort, workerData } from "node:worker_threads";
import * as api from "idv-handoff";
import { runBoundary } from "./matrix.mjs";

const result = await runBoundary(api, {
  env: "node",
  repeat: workerData?.repeat,
  onProgress: (row) => parentPort.postMessage({ progress: row }),
  onFailure: (failure) => parentPort.postMessage({ failure }),
});
parentPort.postMessage({ result });
