// createSession: the I/O loop around fetch. Every decision (what to send, whether and when to
// retry, what the answer means) is made by the wasm core, in two steps: the plan before the
// first attempt and the step after each (src/bindings/session.rs).
import * as wasm from "./idv_handoff.js";
import { IdvError } from "./idv_error.js";
import { guardOf } from "./guard.js";
import { fetchOnce, wait } from "./wait.js";

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
      const outcome = await fetchOnce(plan.url, plan.init, signal, plan.timeoutMs);
      const next = call(createSessionStep, plan, attempt, outcome);
      if (next.session !== undefined) return next.session;
      if (!(await wait(next.retryInMs, signal))) call(createSessionStep, plan, attempt, { failure: "aborted" });
    }
  } finally {
    if (plan.proxyDeduplicates) deduplicatingProxies.add(proxy);
  }
}
