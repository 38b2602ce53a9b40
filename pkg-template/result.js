// awaitResult: the I/O loop that reads the server half's status route until the provider's
// decision is final. Every decision (the URL, when to read again, what an answer means, when to
// stop) is the wasm core's (src/result.rs, src/bindings/result.rs); here are fetch and timers.
import * as wasm from "./idv_handoff.js";
import { IdvError } from "./idv_error.js";
import { guardOf } from "./guard.js";
import { fetchOnce, wait } from "./wait.js";

const { call } = guardOf(wasm, IdvError);
const { awaitResultPlan, awaitResultStep } = wasm;

/** The longest a single read may take before it counts as a lost connection. */
const READ_TIMEOUT_MS = 10_000;
/** A read of the status route: JSON, never from a cache, a redirect an answer (never followed). */
const READ_INIT = { headers: { Accept: "application/json" }, redirect: "manual", cache: "no-store" };

export async function awaitResult(statusUrl, options) {
  const plan = call(awaitResultPlan, statusUrl, options);
  const { signal, onUpdate } = plan;
  const started = Date.now();
  let latest;
  for (let attempt = 0; ; attempt++) {
    const remaining = plan.timeoutMs - (Date.now() - started);
    // Each read within the time left, but never under a second (timeoutMs 0 is one read).
    // (A read that times out counts as a lost connection.)
    const outcome = await fetchOnce(plan.url, READ_INIT, signal, Math.min(READ_TIMEOUT_MS, Math.max(remaining, 1_000)));
    const step = call(awaitResultStep, plan, attempt, Date.now() - started, outcome, latest !== undefined);
    if (step.summary !== undefined) {
      latest = step.summary;
      onUpdate?.(latest);
    }
    if (step.done) return latest;
    if (!(await wait(step.retryInMs, signal))) call(awaitResultStep, plan, attempt, 0, { failure: "aborted" }, false);
  }
}
