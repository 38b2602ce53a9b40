// The exact values every client app must compute (inputs: checks.mjs). Compared in the runner.
import { isDeepStrictEqual } from "node:util";

export const EXPECTED = {
  parseCallback: {
    provider: "deepidv",
    sessionId: "abc123",
    status: "failed",
    reason: "face_mismatch",
    rawStatus: "failed",
    rawReason: "face_mismatch",
  },
  buildHandoffUrl: "https://app.deepidv.com/s/abc?redirect_url=https%3A%2F%2Fyourapp.com%2Fdone%3Fstate%3Ds1",
  normalizeSessionRequest: {
    first_name: "Jane",
    last_name: "Doe",
    email: "jane@example.com",
    phone: "+15551234567",
  },
  error: { threw: true, instanceOfIdvError: true, code: "missing_session_id", name: "IdvError" },
};

const show = (v) => JSON.stringify(v);

function failed(name, r) {
  if (!r) return `${name}: no result`;
  if (!r.ok) return `${name} threw ${r.error?.name}: ${r.error?.message}`;
  return null;
}

/** Compares one app's report (from checks.mjs' runChecks) with EXPECTED; returns the differences. */
export function verify(report) {
  if (!report || typeof report !== "object") return [`no report (got ${show(report)})`];
  const problems = [];

  const pc = report.parseCallback;
  const pcFail = failed("parseCallback", pc);
  if (pcFail) problems.push(pcFail);
  else {
    for (const [k, want] of Object.entries(EXPECTED.parseCallback)) {
      if (pc.value[k] !== want) problems.push(`parseCallback.${k}: got ${show(pc.value[k])}, want ${show(want)}`);
    }
  }

  const hu = report.buildHandoffUrl;
  const huFail = failed("buildHandoffUrl", hu);
  if (huFail) problems.push(huFail);
  else if (hu.value !== EXPECTED.buildHandoffUrl) {
    problems.push(`buildHandoffUrl: got ${show(hu.value)}, want ${show(EXPECTED.buildHandoffUrl)}`);
  }

  const ns = report.normalizeSessionRequest;
  const nsFail = failed("normalizeSessionRequest", ns);
  if (nsFail) problems.push(nsFail);
  else if (!isDeepStrictEqual(ns.value, EXPECTED.normalizeSessionRequest)) {
    problems.push(`normalizeSessionRequest: got ${show(ns.value)}, want ${show(EXPECTED.normalizeSessionRequest)}`);
  }

  const er = report.error;
  if (!er) problems.push("error: no result");
  else if (!er.threw) problems.push(`parseCallback("?status=success") did not throw (returned ${show(er.value)})`);
  else {
    for (const [k, want] of Object.entries(EXPECTED.error)) {
      if (er[k] !== want) problems.push(`error.${k}: got ${show(er[k])}, want ${show(want)}`);
    }
  }
  return problems;
}
