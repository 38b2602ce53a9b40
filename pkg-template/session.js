// createSession: the I/O loop around fetch. Every decision (what to send, whether and when to
// retry, what the answer means) is made by the wasm core, through the two steps `core` gives:
// `plan` before the first attempt and `step` after each (src/bindings/session.rs).

export async function createSession(core, proxyUrl, request, options) {
  const plan = core.plan(proxyUrl, request, options);
  const signal = plan.signal;
  for (let attempt = 0; ; attempt++) {
    const outcome = await attemptOnce(plan, signal);
    const next = core.step(plan, attempt, outcome);
    if (next.session !== undefined) return next.session;
    if (!(await wait(next.retryInMs, signal))) core.step(plan, attempt, { failure: "aborted" });
  }
}

/** One fetch: `{ status, body, retryAfter, rateLimitReset }`, or `{ failure }` without an answer. */
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
    return {
      status,
      body: await response.text(),
      retryAfter: response.headers.get("Retry-After"),
      rateLimitReset: response.headers.get("X-RateLimit-Reset"),
    };
  } catch {
    return { failure: signal?.aborted ? "aborted" : controller.signal.aborted ? "timeout" : "network" };
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
