// The baseline of the per-call benchmarks: the minimal JavaScript an integrator would write
// instead, with the platform's own URL and URLSearchParams. It makes the same decisions as
// idv-handoff on the benchmark inputs (calls.mjs checks that both return the same result) but
// covers only deepidv and only the checks a careful hand-written version would have: it is a
// floor for what the work costs, not a replacement for the package.

const MAX_INPUT_LEN = 16 * 1024;
const TOKEN_128 = /^[A-Za-z0-9._~-]{1,128}$/;
const TOKEN_512 = /^[A-Za-z0-9._~-]{1,512}$/;
const CALLBACK_SLOTS = new Map([
  ["session_id", "sessionId"],
  ["sessionId", "sessionId"],
  ["status", "status"],
  ["reason", "reason"],
  ["state", "state"],
]);
const STATUSES = new Map([
  ["success", "success"],
  ["SUBMITTED", "success"],
  ["failed", "failed"],
  ["abandoned", "abandoned"],
]);
const REASONS = new Set([
  "document_unreadable",
  "face_mismatch",
  "session_expired",
  "internal_error",
  "user_cancelled",
  "unknown",
]);

function refuse(code) {
  return new Error(code);
}

/** parseCallback for a deepidv return URL given as a string. */
export function parseCallback(input, { expectedState, expectedSessionId } = {}) {
  if (input.length > MAX_INPUT_LEN) throw refuse("input_too_long");
  const found = {};
  for (const [name, value] of new URL(input).searchParams) {
    const slot = CALLBACK_SLOTS.get(name);
    if (slot === undefined) continue;
    if (found[slot] !== undefined) throw refuse("duplicate_parameter");
    found[slot] = value;
  }
  const state = found.state || undefined;
  if (expectedState !== undefined && state !== expectedState) throw refuse("state_mismatch");
  if (state !== undefined && !TOKEN_512.test(state)) throw refuse("invalid_state");
  const { sessionId } = found;
  if (!sessionId) throw refuse("missing_session_id");
  if (!TOKEN_128.test(sessionId)) throw refuse("invalid_session_id");
  if (expectedSessionId !== undefined && sessionId !== expectedSessionId) throw refuse("session_mismatch");
  if (!found.status) throw refuse("missing_status");
  const status = STATUSES.get(found.status);
  if (status === undefined) throw refuse("invalid_status");
  const rawReason = status === "success" ? undefined : found.reason || undefined;
  return {
    provider: "deepidv",
    sessionId,
    status,
    reason: rawReason === undefined ? undefined : REASONS.has(rawReason) ? rawReason : "unknown",
    rawStatus: found.status,
    rawReason: rawReason?.replace(/[^A-Za-z0-9 _.-]/g, "_").slice(0, 64),
    state,
  };
}

/**
 * An https URL that the parser did not have to repair: no whitespace, controls or backslashes,
 * no credentials, and serialised as it was written (an empty path aside).
 */
function strictHttpsUrl(input) {
  if (/[\u0000-\u0020\u007f\\]/.test(input)) throw refuse("suspicious_url");
  const url = new URL(input);
  if (url.protocol !== "https:") throw refuse("insecure_url");
  if (url.username || url.password || url.host.includes("@")) throw refuse("credentials_in_url");
  if (url.href !== input && url.href !== `${input}/`) throw refuse("suspicious_url");
  return url;
}

/** buildHandoffUrl: the return URL, with the state on it, form-encoded into the session URL. */
export function buildHandoffUrl(sessionUrl, { redirectUrl, state, allowedRedirectOrigins, allowedSessionHosts }) {
  const session = strictHttpsUrl(sessionUrl);
  const redirect = strictHttpsUrl(redirectUrl);
  if (allowedRedirectOrigins && !allowedRedirectOrigins.includes(redirect.origin)) {
    throw refuse("redirect_origin_not_allowed");
  }
  if (allowedSessionHosts && !allowedSessionHosts.includes(session.host)) throw refuse("session_host_not_allowed");
  if (state !== undefined) {
    if (!TOKEN_512.test(state)) throw refuse("invalid_option");
    redirect.searchParams.set("state", state);
  }
  session.searchParams.set("redirect_url", redirect.href);
  return session.href;
}

const NAME = (v) => typeof v === "string" && v.trim() !== "" && v.length <= 256 && !/[\u0000-\u001f\u007f-\u009f]/.test(v);
const ID = NAME;
const FLAG = (v) => typeof v === "boolean";
const EMAIL = (v) => typeof v === "string" && v.length <= 254 && /^[^\s@"(),:;<>[\\\]]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/.test(v);
const PHONE = (v) => typeof v === "string" && /^\+[1-9]\d{1,14}$/.test(v);
/** [snake_case, camelCase, check, required] */
const REQUEST_FIELDS = [
  ["first_name", "firstName", NAME, true],
  ["last_name", "lastName", NAME, true],
  ["email", "email", EMAIL, true],
  ["phone", "phone", PHONE, true],
  ["external_id", "externalId", ID, false],
  ["send_email_invite", "sendEmailInvite", FLAG, false],
  ["send_phone_invite", "sendPhoneInvite", FLAG, false],
  ["workflow_id", "workflowId", ID, false],
  ["redirect_url", "redirectUrl", null, false],
];
const KNOWN_FIELDS = new Set(REQUEST_FIELDS.flatMap(([snake, camel]) => [snake, camel]));

/** normalizeSessionRequest: either spelling in, the validated snake_case body out. */
export function normalizeSessionRequest(request) {
  for (const name of Object.keys(request)) if (!KNOWN_FIELDS.has(name)) throw refuse("invalid_request");
  const body = {};
  for (const [snake, camel, check, required] of REQUEST_FIELDS) {
    const value = request[camel] ?? request[snake];
    if (value === undefined || value === null) {
      if (required) throw refuse("invalid_request");
      continue;
    }
    if (check === null) body[snake] = strictHttpsUrl(value).href;
    else if (check(value)) body[snake] = value;
    else throw refuse("invalid_request");
  }
  return body;
}
