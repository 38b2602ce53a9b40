// awaitResult: the I/O loop that reads the server half's status route until the provider's
// decision is final. Every decision (the URL, when to read again, what an answer means, when to
// stop) is the wasm core's (src/result.rs, src/bindings/result.rs); here are fetch and timers.
import * as wasm from "./idv_handoff.js";
import { IdvError } from "./idv_error.js";
import { guardOf } from "./guard.js";
import { textOf, wait } from "./wait.js";

const { call } = guardOf(wasm, IdvError);
const { awaitResultPlan, awaitResultStep } = wasm;

/** The longest a single read may take before it counts as a lost connection. */
const READ_TIMEOUT_MS = 10_000;

export async function awaitResult(statusUrl, options) {
  const plan = call(awaitResultPlan, statusUrl, options);
  const { signal, onUpdate } = plan;
  const started = Date.now();
  let latest;
  for (let attempt = 0; ; attempt++) {
    const remaining = plan.timeoutMs - (Date.now() - started);
    // Each read within the time left, but never under a second (timeoutMs 0 is one read).
    const outcome = await readOnce(plan.url, signal, Math.min(READ_TIMEOUT_MS, Math.max(remaining, 1_000)));
    const step = call(awaitResultStep, plan, attempt, Date.now() - started, outcome, latest !== undefined);
    if (step.summary !== undefined) {
      latest = step.summary;
      onUpdate?.(latest);
    }
    if (step.done) return latest;
    if (!(await wait(step.retryInMs, signal))) call(awaitResultStep, plan, attempt, 0, { failure: "aborted" }, false);
  }
}

/** One read: `{ status, body, headers }`, or `{ failure }` without an answer. */
async function readOnce(url, signal, timeoutMs) {
  if (signal?.aborted) return { failure: "aborted" };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const abort = () => controller.abort();
  signal?.addEventListener("abort", abort);
  try {
    const response = await fetch(url, {
      headers: { Accept: "application/json" },
      redirect: "manual",
      cache: "no-store",
      signal: controller.signal,
    });
    const status = response.type === "opaqueredirect" ? 302 : response.status;
    return { status, body: await textOf(response, controller.signal), headers: response.headers };
  } catch {
    return { failure: signal?.aborted ? "aborted" : "network" };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
  }
}
