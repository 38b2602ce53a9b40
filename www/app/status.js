// What the provider's answer (the proxy's summary of it, awaitResult's Summary) means for the
// person: shared by the start page (waiting on a new tab or a phone) and the result page.

const TEXTS = {
  pending: "No result from the provider yet for this session.",
  submitted: "Verification submitted: the provider has your documents and will review them.",
  verified: "Verification approved.",
  rejected: "Verification rejected.",
  voided: "Verification cancelled by the reviewer.",
  approved: "Verification approved.",
  completed: "Verification completed: the provider has your documents.",
  in_review: "Verification in review: the provider will let you know.",
  failed: "Verification failed",
  declined: "Verification declined.",
  abandoned: "Verification abandoned: you left before finishing.",
  cancelled: "Verification cancelled: you left before finishing.",
  expired: "Verification expired: please start again.",
};
const GOOD = new Set(["submitted", "verified", "approved", "completed"]);

/** What the person reads while awaitResult waits: "Checking…", and the provider's word so far. */
export function checkingText(summary) {
  return summary ? `Checking with the provider… (so far: ${summary.status.replaceAll("_", " ")})` : "Checking with the provider…";
}

/**
 * The text for awaitResult's answer: the decision when it is final; when the time ran out first
 * (a manual review, a decision that lags), that it is still in review, unless `settled` (the
 * person's own flow ended without submitting: the provider's word is all there will be).
 */
export function resultText(summary, { settled = false } = {}) {
  if (!summary.final && !settled) return "Still in review: we'll email you when the provider decides.";
  const text = TEXTS[summary.status] ?? summary.status;
  return summary.reason ? `${text}: ${summary.reason}.` : text;
}

/** Whether the answer is good news (green) or not (red; also a pending one). */
export function isGood(summary) {
  return summary.final && GOOD.has(summary.status);
}

/**
 * How long awaitResult waits, in ms: `fallback`, or the demo's setting in localStorage
 * ("idv-demo:wait-ms", a positive integer; the tests set it to keep their waits short).
 */
export function waitMs(fallback) {
  try {
    const set = Number(localStorage.getItem("idv-demo:wait-ms"));
    return Number.isSafeInteger(set) && set > 0 ? set : fallback;
  } catch {
    return fallback;
  }
}
