// createSession: the I/O loop around fetch. Every decision (what to send, whether and when to
// retry, what the answer means) is made by the wasm core, in two steps: the plan before the
// first attempt and the step after each (src/bindings/session.rs).
import * as wasm from "./idv_handoff.js";
import { IdvError } from "./idv_error.js";
import { guardOf } from "./guard.js";
import { textOf, wait } from "./wait.js";

const { call } = guardOf(wasm, IdvError);
const { createSessionPlan, createSessionStep } = wasm;

// The proxies (by origin) that said, in an answer on this page, that they deduplicate creates
// (the `Idv-Idempotency` header): a create to them that timed out before any answer of its own
// may be sent again. Memory only; the core decides (src/session/retry.rs).
const deduplicatingProxies = new Set();

export async function createSession(proxyUrl, request, options) {
  const plan = call(createSessionPlan, proxyUrl, request, options);
  const proxy = new URL(plan.url).origin;
  if (deduplicatingProxies.has(proxy)) plan.proxyDeduplicates = true;
  const signal = plan.signal;
  try {
    for (let attempt = 0; ; attempt++) {
      const outcome = await attemptOnce(plan, signal);
      const next = call(createSessionStep, plan, attempt, outcome);
      if (next.session !== undefined) return next.session;
      if (!(await wait(next.retryInMs, signal))) call(createSessionStep, plan, attempt, { failure: "aborted" });
    }
  } finally {
    if (plan.proxyDeduplicates) deduplicatingProxies.add(proxy);
  }
}

/** One fetch: `{ status, body, headers }`, or `{ failure }` without an answer. */
async function attemptOnce(plan, signal) {
  if (signal?.aborted) return { failure: "aborted" };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), plan.timeoutMs);
  const abort = () => controller.abort();
  signal?.addEventListener("abort", abort);
  try {
    const response = await fetch(plan.url, { ...plan.init, signal: controller.signal });
    // A redirect is an answer, never followed (browsers show it as an opaque status 0).
    const status = response.type === "opaqueredirect" ? 302 : response.status;
    return { status, body: await textOf(response, controller.signal), headers: response.headers };
  } catch {
    return { failure: signal?.aborted ? "aborted" : controller.signal.aborted ? "timeout" : "network" };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
  }
}
