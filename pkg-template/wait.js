// The wait between two attempts of createSession's and awaitResult's loops, and their read of
// an answer's body.

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
export function textOf(response, signal) {
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
