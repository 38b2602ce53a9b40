// createSession: the I/O loop around fetch. Every decision (what to send, whether and when to
// retry, what the answer means) is made by the wasm core through the two steps it calls.
import { __createSessionPlan, __createSessionStep } from "./idv_handoff.js";

// How an attempt ended without an answer (0: it was answered), as the step reads it.
const ABORTED = 1, TIMED_OUT = 2, NETWORK_ERROR = 3;

export async function createSession(proxyUrl, request, options) {
  const plan = __createSessionPlan(proxyUrl, request, options);
  const signal = options?.signal;
  for (let attempt = 0; ; attempt++) {
    const answer = await attemptOnce(plan, signal);
    const next = step(plan, attempt, answer.failure, answer.status, answer.text,
      answer.retryAfter, answer.rateLimitReset, Math.random());
    if (typeof next !== "number") return next;
    if (!(await wait(next, signal))) step(plan, attempt, ABORTED, 0, "", undefined, undefined, 0);
  }
}

function step(plan, attempt, failure, status, text, retryAfter, rateLimitReset, random) {
  return __createSessionStep(
    plan.maxRetries, plan.maxDelayMs, plan.provider, plan.allowInsecureLocalhost,
    attempt, failure, status, text, retryAfter, rateLimitReset, Date.now(), random,
  );
}

async function attemptOnce(plan, signal) {
  if (signal?.aborted) return { failure: ABORTED, status: 0, text: "" };
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
      failure: 0,
      status,
      text: await response.text(),
      retryAfter: response.headers.get("Retry-After"),
      rateLimitReset: response.headers.get("X-RateLimit-Reset"),
    };
  } catch {
    const failure = signal?.aborted ? ABORTED : controller.signal.aborted ? TIMED_OUT : NETWORK_ERROR;
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
