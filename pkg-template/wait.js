// What createSession's and awaitResult's loops share: one request and the wait between two.

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export function wait(ms, signal) {
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

/**
 * The body of `response` as text, or a rejection as soon as `signal` aborts: Node 20 can leave a
 * body read pending for ever when its fetch is aborted part-way (nodejs/node#56917), which
 * would make the loop outlive its timeout.
 */
function textOf(response, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const stop = () => reject(signal.reason);
    signal.addEventListener("abort", stop, { once: true });
    response
      .text()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener("abort", stop));
  });
}

/**
 * One request of a loop: `{ status, body, headers }`, or `{ failure }` without an answer:
 * "aborted" (the caller's `signal`), "timeout" (after `timeoutMs`) or "network". A redirect is an
 * answer (`init.redirect` "manual": browsers show it as an opaque status 0, read as 302).
 */
export async function fetchOnce(url, init, signal, timeoutMs) {
  if (signal?.aborted) return { failure: "aborted" };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const abort = () => controller.abort();
  signal?.addEventListener("abort", abort);
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    const status = response.type === "opaqueredirect" ? 302 : response.status;
    return { status, body: await textOf(response, controller.signal), headers: response.headers };
  } catch {
    return { failure: signal?.aborted ? "aborted" : controller.signal.aborted ? "timeout" : "network" };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
  }
}
