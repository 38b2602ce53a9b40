// createSession: the I/O loop around fetch. Every decision (what to send, whether and when to
// retry, what the answer means) is made by the wasm core through the two steps it calls.
import { __createSessionPlan, __createSessionStep } from "./idv_handoff.js";

export async function createSession(proxyUrl, request, options) {
  const plan = __createSessionPlan(proxyUrl, request, options);
  const signal = options?.signal;
  for (let attempt = 0; ; attempt++) {
    const answer = await attemptOnce(plan, signal);
    const next = __createSessionStep(
      plan, attempt, answer.failure, answer.status, answer.text,
      answer.retryAfter, answer.rateLimitReset, Date.now(), Math.random(),
    );
    if (typeof next !== "number") return next;
    if (!(await wait(next, signal))) {
      __createSessionStep(plan, attempt, "aborted", 0, "", undefined, undefined, Date.now(), 0);
    }
  }
}

async function attemptOnce(plan, signal) {
  if (signal?.aborted) return { failure: "aborted", status: 0, text: "" };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), plan.timeoutMs);
  const abort = () => controller.abort();
  signal?.addEventListener("abort", abort);
  try {
    const response = await fetch(plan.url, {
      method: "POST",
      headers: plan.headers,
      body: plan.body,
      redirect: "manual",
      signal: controller.signal,
    });
    // A redirect is an answer, never followed (browsers hide it as an opaque status 0).
    const status = response.type === "opaqueredirect" ? 302 : response.status;
    return {
      status,
      text: await response.text(),
      retryAfter: response.headers.get("Retry-After") ?? undefined,
      rateLimitReset: response.headers.get("X-RateLimit-Reset") ?? undefined,
    };
  } catch {
    const failure = signal?.aborted ? "aborted" : controller.signal.aborted ? "timeout" : "network";
    return { failure, status: 0, text: "" };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function wait(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const done = (finished) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", stop);
      resolve(finished);
    };
    const stop = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener("abort", stop);
  });
}
