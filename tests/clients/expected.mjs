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

// ---------------------------------------------------------------------------------------------
// The server apps (server-* stacks): what lib/server-checks.mjs' report must hold, exactly.
// `{app}` is the app's origin, `{return}` its return URL, `{state}` the handoff's state.
const SESSION_1 = "00000000-0000-4000-8000-000000000001";
const SESSION_2 = "00000000-0000-4000-8000-000000000002";
const HOSTED_1 = `https://app.deepidv.com/session/${SESSION_1}`;
const CREATED = {
  status: 200,
  headers: { "content-type": "application/json", "idv-idempotency": "deduplicated", "access-control-allow-origin": "{app}" },
  body: { idv_id: SESSION_1, session_url: HOSTED_1, externalId: "user-12345", links: [] },
};

export const EXPECTED_SERVER = {
  // The stand-in's answer as it gave it, and the same again for the same Idempotency-Key.
  create: CREATED,
  replay: CREATED,
  // One create reached the provider, with the key and deepidv's snake_case body.
  provider: {
    creates: 1,
    request: {
      method: "POST",
      path: "/v1/sessions",
      apiKey: "the key",
      contentType: "application/json",
      body: {
        first_name: "Jane",
        last_name: "Doe",
        email: "jane@example.com",
        phone: "+15192223333",
        external_id: "user-12345",
        redirect_url: "{return}",
      },
    },
  },
  foreignReturn: { status: 400, code: "return_url_not_allowed", creates: 1 },
  status: {
    status: 200,
    headers: { "content-type": "application/json" },
    body: {
      provider: "deepidv",
      id: SESSION_1,
      status: "pending",
      final: false,
      raw: { sessionRecord: { id: SESSION_1, status: "PENDING", externalId: "user-12345" } },
    },
  },
  foreignPreflight: { status: 403, code: "origin_not_allowed", allowOrigin: null },
  handoff: {
    start: {
      status: 302,
      location: `${HOSTED_1}?redirect_url={return, URL-encoded}%3Fstate%3D{state}`,
      // The apps run over http on 127.0.0.1 (allowInsecureLocalhost): the development cookie,
      // without Secure (over https it is __Host-idv-state with Secure: tests/js/server.test.mjs).
      setCookie: ["idv-state={state}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600"],
    },
    return: {
      status: 303,
      location: `/?session_id=${SESSION_1}&status=success&state={state}`,
      setCookie: ["idv-state=used.{state}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600"],
    },
    // The status read and the return's confirmation.
    reads: 2,
  },
  pathAuthority: { providerCalled: false, allowOrigin: null },
  // Two creates with one new key in flight together: one reached the provider (the 2nd session).
  concurrent: { statuses: [200, 200], ids: [SESSION_2, SESSION_2], creates: 1 },
  keyInAnswers: [],
  keyInOutput: false,
};

/** Compares a server app's report with EXPECTED_SERVER; returns the differences, one per member. */
export function verifyServer(report) {
  if (!report || typeof report !== "object") return [`no report (got ${show(report)})`];
  const problems = [];
  for (const [k, want] of Object.entries(EXPECTED_SERVER)) {
    if (!isDeepStrictEqual(report[k], want)) problems.push(`${k}: got ${show(report[k])}, want ${show(want)}`);
  }
  return problems;
}
