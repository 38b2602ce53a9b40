// Per-call cost of idv-handoff (part 3 of `make bench`, and the scaling rows), in whatever
// runtime imports this file: Node (calls-node.mjs) and the Chromium page (pages/calls.html).
// Beside each call: oauth4webapi's validateAuthResponse for parseCallback (the budget), and the
// hand-written baseline (baseline.mjs) for every call. Plain ESM with relative imports only, so
// both load it as it is; the package and oauth4webapi are handed in by the caller.
import * as baseline from "./baseline.mjs";
import { median } from "./median.mjs";
import {
  CALLBACK_OPTIONS,
  CALLBACK_URL,
  HANDOFF_OPTIONS,
  OAUTH_AS,
  OAUTH_CLIENT,
  OAUTH_RETURN_URL,
  QUERY_SIZES,
  RETURN_OPTIONS,
  RETURN_URL,
  SESSION_REQUEST,
  SESSION_URL,
  STATE,
  callbackUrlWithQueryOf,
} from "./inputs.mjs";

const ROUNDS = 15;
/** Each timed batch runs about this long: far above timer resolution, short enough to interleave. */
const BATCH_MS = 20;
const WARMUP_MS = 150;

/**
 * The measured pairs: the package's call and what it is measured beside. `check` says whether
 * both sides did their job on their input; without it, both must return the same result.
 */
function callCases(api, oauth) {
  const cases = [];
  if (oauth) {
    cases.push({
      name: "parseCallback",
      beside: "oauth4webapi validateAuthResponse",
      part: "oauth",
      // Both start from the return URL as a string (location.href): oauth4webapi takes a URL.
      ours: () => api.parseCallback(RETURN_URL, RETURN_OPTIONS),
      baseline: () => oauth.validateAuthResponse(OAUTH_AS, OAUTH_CLIENT, new URL(OAUTH_RETURN_URL), STATE),
      check: (ours, theirs) =>
        ours.sessionId === "sess_abc123def4" && ours.status === "success" && ours.state === STATE &&
        theirs instanceof URLSearchParams && theirs.get("code") === "abc123",
    });
  }
  cases.push(
    {
      name: "parseCallback",
      beside: "hand-written",
      part: "calls",
      ours: () => api.parseCallback(CALLBACK_URL, CALLBACK_OPTIONS),
      baseline: () => baseline.parseCallback(CALLBACK_URL, CALLBACK_OPTIONS),
    },
    {
      name: "buildHandoffUrl",
      beside: "hand-written",
      part: "calls",
      ours: () => api.buildHandoffUrl(SESSION_URL, HANDOFF_OPTIONS),
      baseline: () => baseline.buildHandoffUrl(SESSION_URL, HANDOFF_OPTIONS),
    },
    {
      name: "normalizeSessionRequest",
      beside: "hand-written",
      part: "calls",
      ours: () => api.normalizeSessionRequest(SESSION_REQUEST),
      baseline: () => baseline.normalizeSessionRequest(SESSION_REQUEST),
    },
  );
  for (const bytes of QUERY_SIZES) {
    const url = callbackUrlWithQueryOf(bytes);
    cases.push({
      name: `parseCallback, ${bytes} B query`,
      beside: "hand-written",
      part: "scaling",
      queryBytes: bytes,
      ours: () => api.parseCallback(url),
      baseline: () => baseline.parseCallback(url),
    });
  }
  return cases;
}

/** JSON with sorted keys, so two results compare equal whatever order their keys were set in. */
function canonical(value) {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v,
  );
}

// Every result is stored here, so no engine can prove a call useless and drop it.
let sink; // eslint-disable-line no-unused-vars

/** Milliseconds that `n` calls of `fn` take. */
function timeBatch(fn, n) {
  const start = performance.now();
  for (let i = 0; i < n; i++) sink = fn();
  return performance.now() - start;
}

/** How many calls of `fn` fill one batch, after warming `fn` up to its optimised tier. */
function batchSize(fn) {
  let n = 1;
  const warmEnd = performance.now() + WARMUP_MS;
  while (performance.now() < warmEnd) timeBatch(fn, n++);
  n = 16;
  let ms;
  while ((ms = timeBatch(fn, n)) < BATCH_MS / 2) n *= 2;
  return Math.max(1, Math.round((n * BATCH_MS) / ms));
}

/**
 * Runs every case: both sides are first checked to return the same result, or for the
 * oauth4webapi pair to have accepted their input (a benchmark of two different jobs, or of a
 * refusal, would mean nothing), then timed in interleaved rounds (which side goes first
 * alternates), so drift and noise hit both alike. ns/op is the median over rounds; the ratio is
 * the median of the per-round ratios ours/baseline.
 */
export function runCallBench(api, { oauth } = {}) {
  const cases = callCases(api, oauth);
  for (const c of cases) {
    if (c.check) {
      if (!c.check(c.ours(), c.baseline())) throw new Error(`${c.name} beside ${c.beside}: a side did not do its job`);
    } else {
      const [ours, base] = [canonical(c.ours()), canonical(c.baseline())];
      if (ours !== base) throw new Error(`${c.name}: the baseline disagrees with idv-handoff:\n${ours}\n${base}`);
    }
    c.n = { ours: batchSize(c.ours), baseline: batchSize(c.baseline) };
    c.samples = { ours: [], baseline: [], ratio: [] };
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      const order = round % 2 ? ["baseline", "ours"] : ["ours", "baseline"];
      const ns = {};
      for (const side of order) ns[side] = (timeBatch(c[side], c.n[side]) * 1e6) / c.n[side];
      c.samples.ours.push(ns.ours);
      c.samples.baseline.push(ns.baseline);
      c.samples.ratio.push(ns.ours / ns.baseline);
    }
  }
  return {
    rounds: ROUNDS,
    batchMs: BATCH_MS,
    results: cases.map((c) => ({
      name: c.name,
      beside: c.beside,
      part: c.part,
      queryBytes: c.queryBytes,
      oursNsPerOp: median(c.samples.ours),
      baselineNsPerOp: median(c.samples.baseline),
      ratio: median(c.samples.ratio),
      callsPerBatch: c.n,
    })),
  };
}
