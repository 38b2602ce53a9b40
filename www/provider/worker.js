// A local stand-in for an identity provider, doing what its documents (shared/seeds/, cited by
// file number: 000, 001, 002 deepidv; 003 Didit; 004 Verifa) say and, where they are silent,
// only what the block "ASSUMED" below lists. The demo and the end-to-end tests need no account
// and no network. It is deliberately independent of idv-handoff: it checks requests its own way,
// as a remote provider would.
//
// MODE picks the provider imitated ("deepidv" by default, "didit", "verifa"). Other bindings:
// API_KEY, PUBLIC_URL (this worker's origin, for the URLs it hands out), RATE_LIMIT and
// RATE_WINDOW_SECONDS (deepidv and Verifa; a fixed window, 30 per 60 s), TOKEN_BALANCE (deepidv;
// 1000), SLOW_CREATE_MS (a late answer to a successful create, for retry tests),
// DECISION_LAG_MS (a decision that comes that long after the hosted page's outcome, for the
// result page's polling), EXPOSE_STATS
// (serves GET /__stats: { sessions } and, for deepidv, { balance, invites: { email, phone } }),
// WORKFLOWS (deepidv; comma list, wf_standard_kyc,wf_abc123), WORKFLOWS_DIDIT (comma list of
// workflow UUIDs; 11111111-2222-3333-4444-555555555555) and EXPIRES_IN_SECONDS (Verifa; 3600).
//
// deepidv
//   POST /v1/sessions (000, 001)
//     - x-api-key missing or wrong → 401 (000)
//     - over the rate limit → 429 (000), with Retry-After (ASSUMED)
//     - every field in snake_case or camelCase, camelCase winning when both are given (000)
//     - first_name, last_name, email, phone required; phone in E.164 → else 400 naming the
//       field (000); redirect_url an HTTPS URL (001)
//     - workflow_id the account does not have → 404 "Workflow ID not found" (000)
//     - token balance spent → 402 (000)
//     - else 200 { idv_id, session_url, externalId (only if provided), links: [] } (000); with
//       redirect_url, session_url carries it as an encoded query parameter (001)
//     - no idempotency (none documented): every create is a new session and spends a token
//     - send_email_invite / send_phone_invite default to true (000): the session records which
//       invitations were "sent", and /__stats counts them
//   GET  /v1/sessions/:id (path ASSUMED; the guide's client.sessions.retrieve, 002)
//     - 200 { sessionRecord: { id, status, sessionProgress, externalId?, createdAt },
//       resourceLinks: {} } (002); status PENDING at creation, SUBMITTED with sessionProgress
//       "COMPLETED" once the person completes (002)
//   PATCH /v1/sessions/:id/status { "status": … } (path and body ASSUMED; updateStatus, 002)
//     - VERIFIED, REJECTED or VOIDED (002); anything else, PENDING and SUBMITTED included → 400
//   GET  /hosted/:id (ASSUMED path), the hosted page, where a person picks the outcome
//   POST /hosted/:id records it and redirects to redirect_url with session_id, status (success |
//     failed | abandoned) and reason appended (001): omitted on success, user_cancelled when
//     abandoned, one of the six documented reasons or liveness_spoof_detected when failed (001:
//     "New reason values may be added in the future")
//
// Didit
//   POST /v3/session/ (003)
//     - x-api-key (003); missing or wrong → 401 (ASSUMED status and body)
//     - workflow_id required, a UUID; vendor_data a string; callback a URL, custom schemes
//       included; callback_method initiator | completer | both; metadata any JSON; language one
//       of the 55 codes; contact_details and expected_details objects; portrait_image base64 of
//       a JPEG, PNG, WebP or TIFF of at most 2MB (003) → else 400 { detail, field } (ASSUMED)
//     - a workflow_id not in WORKFLOWS_DIDIT → 404 (ASSUMED)
//     - 201 with the session as 003 serialises it: session_id, session_number (sequential),
//       session_token (12 characters), url (/{language}/session/{token} when language is
//       given, else /session/{token}), vendor_data (null when not provided), metadata (null
//       when not provided), status "Not Started", workflow_id, workflow_version, callback (null
//       when not given), session_kind (003)
//     - an unfinished session with the same vendor_data on the workflow is returned instead of
//       a new one, as it is (its own callback kept) (003)
//     - no idempotency, no token balance, no rate limit (none documented)
//   GET  /v3/session/:id/decision/ (path 003; body ASSUMED): { session_id, status, … }, the
//     status in the session's vocabulary (003)
//   GET  /session/:token and /:language/session/:token, the hosted page (003: url)
//   POST the same path records Approved, Declined, In Review or Abandoned, then 303 to the
//     callback with verificationSessionId and status appended to its query (003)
//   callback_method is accepted and stored (003); the single hosted page does not tell devices
//     apart, so every method redirects the device that finishes
//
// Verifa
//   POST /v1/sessions (path ASSUMED; the request and answer, 004)
//     - X-RateLimit-Limit, -Remaining, -Reset on answers (004); over the limit → 429 (004),
//       with Retry-After (ASSUMED)
//     - X-API-Key missing or wrong → 401 (004)
//     - Idempotency-Key of at most 255 characters (004; longer → 400, ASSUMED), cached 24 hours:
//       the same key with the same parameters answers the same session; with different
//       parameters → 422 (004)
//     - Verifa-Version a date (004; else 400, ASSUMED)
//     - Key-Inflection: snake (default) or camel, the casing of the answer's keys (004)
//     - external_ref a string, metadata a map, country 2 characters, checks a list of strings
//       (any: "document.authenticity" too), workflow_id a string, redirect_url a URI (004) →
//       else 400 { message, field } (body ASSUMED)
//     - 201 { id, status, capture_url, is_sandbox, created_at, expires_at, external_ref,
//       qr_code_data_url, tags } (004); qr_code_data_url is bare base64 of a PNG of a QR code
//       pointing to the capture URL (004)
//   GET  /v1/sessions/:id (ASSUMED): the same shape with the current status and failure_reason
//   GET  /capture/:id (ASSUMED), the capture page; past expires_at an expiry page (410)
//   POST /capture/:id (ASSUMED) records completed, failed (with a reason) or cancelled, then 303
//     to redirect_url with verifa_session, verifa_status and verifa_reason (ASSUMED names)
//
// ASSUMED (where the documents are silent)
//   all: a 429 carries Retry-After, whole seconds to the end of the window
//   all: the rate limit is a fixed window of RATE_LIMIT (30) requests per RATE_WINDOW_SECONDS (60)
//   all: the hosted and capture pages simulate document, selfie and liveness by a choice; for a finished session they answer 409, for an unknown one 404
//   all: SLOW_CREATE_MS, DECISION_LAG_MS and EXPOSE_STATS (GET /__stats) are test hooks, not provider behaviour
//   all: with DECISION_LAG_MS, an outcome picked on the hosted page leaves the session non-final for that many ms (deepidv PENDING, sessionProgress null; Didit In Review; Verifa created, failure_reason null), then the session takes the outcome; the page answers 409 meanwhile; the change is made when the session is next read after that time
//   all: with DECISION_LAG_MS, the person is sent back at once; deepidv and Verifa return the outcome picked, Didit the session's status at that moment (In Review)
//   all: Content-Type is not checked (000 marks it required, but no document gives a refusal for it)
//   deepidv: error bodies are { message } and, for a 400 on a field, { message, field } with the snake_case name
//   deepidv: a required field that is an empty string counts as missing; an optional field sent as null counts as absent
//   deepidv: each field must have its documented type (string, or boolean for the invites) → else 400 naming it
//   deepidv: email is not checked beyond being a non-empty string (000's 400 names required fields and phone format only)
//   deepidv: a redirect_url over http is accepted for a loopback host (127.0.0.1, localhost, [::1]) only, for the local demo
//   deepidv: the account's workflows are WORKFLOWS (wf_standard_kyc, wf_abc123: the documents' examples)
//   deepidv: the account starts with TOKEN_BALANCE (1000) tokens; a create spends one, a refused create none
//   deepidv: only creates count against the rate limit; no answer carries X-RateLimit-* headers
//   deepidv: GET /v1/sessions/:id is the REST path of client.sessions.retrieve; an unknown id → 404
//   deepidv: the record holds id, status, sessionProgress, externalId (when given) and createdAt; no analysisData; resourceLinks is {}
//   deepidv: a new session's sessionProgress is null; success sets it to "COMPLETED", the guide's only value
//   deepidv: a failed or abandoned flow leaves the record PENDING (sessionProgress null), the only API-managed status left
//   deepidv: PATCH /v1/sessions/:id/status with { "status": … } is the REST call of updateStatus; it answers 200 with the record as GET does; any session may be moved, again and again
//   deepidv: the hosted page is /hosted/:id; it takes redirect_url from its own query (where 001 puts it), else from the session; without one it ends on a "done" page
//   deepidv: the hosted page takes an outcome only while the record is PENDING (a failed or abandoned flow may be tried again)
//   deepidv: abandoned always carries reason=user_cancelled; failed offers the six documented reasons and liveness_spoof_detected
//   Didit: x-api-key missing or wrong → 401 { detail }
//   Didit: a body that is not a JSON object → 400 { detail }; a malformed field → 400 { detail, field }, nested fields named with dots
//   Didit: a well-formed workflow_id not in WORKFLOWS_DIDIT → 404 { detail }
//   Didit: contact_details and expected_details members are checked as their examples show (email, boolean, language code, E.164; non-empty names, YYYY-MM-DD date, alpha-3 countries, a list of strings)
//   Didit: callback (and Verifa's redirect_url) must be an absolute URL; javascript:, data:, vbscript:, file:, blob: and about: are refused
//   Didit: portrait_image "max 2MB" is 2 MiB of decoded bytes; the image type is recognised by its signature
//   Didit: every workflow is a KYC workflow (session_kind "user") at version 1, without a default callback
//   Didit: "unfinished" means Not Started, In Progress, Resubmitted or Awaiting User (In Review is past the person's part)
//   Didit: GET /v3/session/:id/decision/ answers { session_id, session_number, status, workflow_id, vendor_data, metadata, callback }; an unknown id → 404 { detail }
//   Didit: opening the hosted page moves Not Started to In Progress; the page offers Approved, Declined, In Review and Abandoned, each sent to the callback
//   Didit: without a callback the hosted page ends on a "done" page
//   Verifa: the paths are POST /v1/sessions and GET /v1/sessions/:id
//   Verifa: error bodies are { message } and, for a 400 on a field or header, { message, field }; an unknown session → 404
//   Verifa: every API call counts against the rate limit and carries X-RateLimit-* headers
//   Verifa: an empty Idempotency-Key or one over 255 characters → 400; a Verifa-Version that is not a YYYY-MM-DD date → 400
//   Verifa: Key-Inflection takes snake or camel (004's list of allowed values is empty), anything else → 400; it applies to every answer
//   Verifa: "the same parameters" means the same JSON body, key order and spacing aside; only successful creates are cached; a replay gives the cached answer
//   Verifa: country is two ASCII letters, either case
//   Verifa: is_sandbox is false only for an API key starting vk_live_
//   Verifa: the status words are created, completed, failed and cancelled, and expired once past expires_at; failure_reason (document_unreadable, face_mismatch, liveness_failed; null unless failed) on GET only
//   Verifa: expires_at is EXPIRES_IN_SECONDS (3600) after created_at; tags is [] (no request field sets any)
//   Verifa: the QR code is byte mode, error correction M, 4 pixels a module with a 4-module quiet zone
//   Verifa: the capture page is /capture/:id (410 once expired); its return parameters are verifa_session, verifa_status, verifa_reason
//
// State lives in one Durable Object per mode, so it is consistent under concurrency, modes never
// share data, and, with Miniflare's persistence, it survives a restart.

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const E164 = /^\+[1-9]\d{1,14}$/;

const json = (status, body, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The provider's pages, one look for all modes. */
function htmlPage(title, body, { status = 200, lang = "en" } = {}) {
  const html = `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;background:#f6f7fb}
main{background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 4px #0002}button{font:inherit;padding:.5rem 1rem;margin:.25rem 0}
.note{color:#555;font-size:.9rem}fieldset{border:1px solid #ddd;border-radius:8px;margin:1rem 0}</style></head>
<body><main>${body}</main></body></html>`;
  return new Response(html, { status, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

/** A 303 to `url` with `params` appended: its own query is kept byte for byte, ours form-encoded. */
function withParams(url, params) {
  const added = new URLSearchParams(params).toString();
  url.search = url.search ? `${url.search}&${added}` : `?${added}`;
  return new Response(null, { status: 303, headers: { Location: url.href } });
}

const publicUrl = (env) => String(env.PUBLIC_URL).replace(/\/+$/, "");

/** A real calendar date written YYYY-MM-DD (not 2026-02-30). */
function isDate(value) {
  const m = typeof value === "string" && value.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (!m) return false;
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return date.getUTCFullYear() === +m[1] && date.getUTCMonth() === +m[2] - 1 && date.getUTCDate() === +m[3];
}

const isString = (v) => typeof v === "string";
const isText = (v) => typeof v === "string" && v.trim() !== "";
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isStringList = (v) => Array.isArray(v) && v.every(isString);

function parseUrl(value) {
  // Whitespace and control characters would be silently dropped or encoded by the parser.
  if (typeof value !== "string" || /[\s\x00-\x1f\x7f]/.test(value)) return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];

/** An HTTPS URL (001), or, for the local demo, http on a loopback host (ASSUMED). */
function isHttpsUrl(value) {
  const url = parseUrl(value);
  if (url === null || url.hostname === "") return false;
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.includes(url.hostname));
}

/** An absolute URL a person may be sent to: a web URL, or a custom app scheme (myapp://…). */
function isReturnUrl(value) {
  const url = parseUrl(value);
  if (url === null) return false;
  if (url.protocol === "https:" || url.protocol === "http:") return url.hostname !== "";
  return !["javascript:", "data:", "vbscript:", "file:", "blob:", "about:"].includes(url.protocol);
}

/**
 * Checks the fields `rules` names, skipping absent (undefined or null) ones: a rule is a
 * predicate with the message for a failure, or, for a nested object, the rules of its fields.
 * Returns the first problem as { field, message }, fields named with dots, or null.
 */
function firstProblem(body, rules, prefix = "") {
  for (const [name, rule] of Object.entries(rules)) {
    const value = body[name];
    const field = `${prefix}${name}`;
    if (value === undefined || value === null) continue;
    if (!Array.isArray(rule)) {
      if (!isObject(value)) return { field, message: `${field} must be an object` };
      const nested = firstProblem(value, rule, `${field}.`);
      if (nested) return nested;
    } else if (!rule[0](value)) {
      return { field, message: `${field} ${rule[1]}` };
    }
  }
  return null;
}

/** The request body as an object, or the message saying why it is not one. */
function parseObject(raw) {
  try {
    const body = JSON.parse(raw);
    return isObject(body) ? { body } : { message: "Request body must be a JSON object" };
  } catch {
    return { message: "Request body is not JSON" };
  }
}

const randomHex = (bytes) => [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

/** `length` characters from [A-Za-z0-9], uniformly (bytes of 248 and above are dropped). */
function randomToken(length) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let out = "";
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length))) {
      if (b < 248 && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// deepidv

const DEEPIDV_REASONS = ["document_unreadable", "face_mismatch", "session_expired", "internal_error", "user_cancelled", "unknown"];
// Not (yet) in the documents: the demo offers it to show how clients handle a future reason
// (001: "New reason values may be added in the future").
const FUTURE_REASON = "liveness_spoof_detected";
// Each field's two spellings (000, 001) and the type it must have.
const DEEPIDV_FIELDS = [
  ["first_name", "firstName", "string"],
  ["last_name", "lastName", "string"],
  ["email", "email", "string"],
  ["phone", "phone", "string"],
  ["external_id", "externalId", "string"],
  ["send_email_invite", "sendEmailInvite", "boolean"],
  ["send_phone_invite", "sendPhoneInvite", "boolean"],
  ["workflow_id", "workflowId", "string"],
  ["redirect_url", "redirectUrl", "string"],
];
const DEEPIDV_REQUIRED = ["first_name", "last_name", "email", "phone"];
// "Only VERIFIED, REJECTED, and VOIDED are valid targets" (002).
const DEEPIDV_REVIEWED = ["VERIFIED", "REJECTED", "VOIDED"];

async function deepidv(provider, request, url) {
  if (url.pathname === "/v1/sessions" || url.pathname.startsWith("/v1/sessions/")) {
    if (request.headers.get("x-api-key") !== provider.env.API_KEY) {
      return json(401, { message: "Missing or invalid API key" });
    }
    if (url.pathname === "/v1/sessions" && request.method === "POST") {
      // deepidv documents the 429, not its headers: only Retry-After (ASSUMED) goes out.
      const { refused } = await provider.rateLimit({ message: "Rate limit exceeded" }, { rateHeaders: false });
      if (refused) return refused;
      const [status, body] = await deepidvCreate(provider, await request.text());
      return provider.answerCreate(status, body);
    }
    // ASSUMED (README, Beyond the documents): the REST paths of the guide's retrieve and
    // updateStatus (002), the latter's body { "status": … }, and 404 for an unknown session.
    const [, id, status] = url.pathname.match(/^\/v1\/sessions\/([A-Za-z0-9-]{1,64})(\/status)?$/) ?? [];
    if (id && !status && request.method === "GET") {
      const record = await provider.session(id);
      return record ? json(200, deepidvRetrieved(record)) : json(404, { message: "Session not found" });
    }
    if (id && status && request.method === "PATCH") return deepidvUpdateStatus(provider, id, await request.text());
    return json(404, { message: "Not found" });
  }
  const hosted = url.pathname.match(/^\/hosted\/([A-Za-z0-9-]{1,64})$/);
  if (hosted && request.method === "GET") return deepidvPage(provider, hosted[1], url);
  if (hosted && request.method === "POST") return deepidvFinish(provider, hosted[1], request);
  return null;
}

/** Checks and creates: [status, body]. Every call is a new session (no idempotency is documented). */
async function deepidvCreate(provider, raw) {
  const { body, message } = parseObject(raw);
  if (!body) return [400, { message }];
  // "Both camelCase and snake_case parameter names are accepted. If both are provided for the
  // same field, the camelCase value takes priority." (000); null counts as absent (ASSUMED).
  const fields = {};
  for (const [snake, camel, type] of DEEPIDV_FIELDS) {
    const value = body[camel] !== undefined ? body[camel] : body[snake];
    if (value === undefined || value === null) continue;
    if (typeof value !== type) return [400, { message: `${snake} must be a ${type}`, field: snake }];
    fields[snake] = value;
  }
  for (const field of DEEPIDV_REQUIRED) {
    if (fields[field] === undefined || fields[field].trim() === "") return [400, { message: `${field} is required`, field }];
  }
  if (!E164.test(fields.phone)) return [400, { message: "phone must be in E.164 format", field: "phone" }];
  if (fields.redirect_url !== undefined && !isHttpsUrl(fields.redirect_url)) {
    return [400, { message: "redirect_url must be a valid HTTPS URL", field: "redirect_url" }];
  }
  const workflows = String(provider.env.WORKFLOWS ?? "wf_standard_kyc,wf_abc123").split(",").map((w) => w.trim());
  if (fields.workflow_id !== undefined && !workflows.includes(fields.workflow_id)) {
    return [404, { message: "Workflow ID not found" }];
  }
  if (!(await provider.spend())) return [402, { message: "Insufficient token balance" }];

  // "optionally sends email and SMS invitations to the applicant" (000), each "Defaults to true".
  const invitations = { email: fields.send_email_invite ?? true, phone: fields.send_phone_invite ?? true };
  const id = crypto.randomUUID();
  const record = {
    id,
    firstName: fields.first_name,
    lastName: fields.last_name,
    email: fields.email,
    phone: fields.phone,
    externalId: fields.external_id,
    workflowId: fields.workflow_id,
    redirectUrl: fields.redirect_url,
    invitations,
    status: "PENDING",
    sessionProgress: null,
    createdAt: new Date().toISOString(),
  };
  await provider.storage.put(`session:${id}`, record);
  await provider.countSession();
  await provider.countInvitations(invitations);
  // "If redirect_url is provided, the returned session_url will include it as an encoded
  // query parameter" (001).
  const hosted = new URL(`/hosted/${id}`, provider.env.PUBLIC_URL);
  if (fields.redirect_url !== undefined) hosted.searchParams.set("redirect_url", fields.redirect_url);
  const response = { idv_id: id, session_url: hosted.href };
  if (fields.external_id !== undefined) response.externalId = fields.external_id;
  response.links = [];
  return [200, response];
}

/** What retrieve gives (002): `result.sessionRecord` and `result.resourceLinks`. */
function deepidvRetrieved(record) {
  const sessionRecord = { id: record.id, status: record.status, sessionProgress: record.sessionProgress };
  if (record.externalId !== undefined) sessionRecord.externalId = record.externalId;
  sessionRecord.createdAt = record.createdAt;
  return { sessionRecord, resourceLinks: {} };
}

/** updateStatus (002): the reviewed statuses only; PENDING and SUBMITTED are the API's. */
async function deepidvUpdateStatus(provider, id, raw) {
  const record = await provider.session(id);
  if (!record) return json(404, { message: "Session not found" });
  const { body, message } = parseObject(raw);
  if (!body) return json(400, { message });
  if (!DEEPIDV_REVIEWED.includes(body.status)) {
    return json(400, { message: "status must be VERIFIED, REJECTED or VOIDED", field: "status" });
  }
  record.status = body.status;
  // The reviewer's word is the last: a decision still to come (DECISION_LAG_MS) is dropped.
  delete record.decision;
  await provider.storage.put(`session:${id}`, record);
  return json(200, deepidvRetrieved(record));
}

/** The hosted verification page: document, selfie and liveness, simulated by a choice. */
async function deepidvPage(provider, id, url) {
  const record = await provider.session(id);
  if (!record) return htmlPage("deepidv (local stand-in)", "<h1>Unknown session</h1>", { status: 404 });
  if (record.status !== "PENDING" || record.decision) return deepidvFinished(record);
  const redirect = url.searchParams.get("redirect_url") ?? record.redirectUrl ?? "";
  const reasons = [...DEEPIDV_REASONS, FUTURE_REASON]
    .map((r) => `<option value="${r}">${r}${r === FUTURE_REASON ? " (not yet documented)" : ""}</option>`)
    .join("");
  return htmlPage(
    "deepidv (local stand-in): verify your identity",
    `<h1>Verify your identity</h1>
<p class="note">Local stand-in for deepidv's hosted page. A real one asks for a document, a selfie and a liveness check; here you pick the outcome.</p>
<p>Applicant: <strong>${escapeHtml(`${record.firstName} ${record.lastName}`)}</strong>, session <code>${id}</code></p>
<form method="post"><input type="hidden" name="redirect_url" value="${escapeHtml(redirect)}">
<fieldset><legend>Completed</legend><button name="outcome" value="success" id="success">Submit verification</button></fieldset>
<fieldset><legend>Failed</legend><label>Reason <select name="reason" id="reason">${reasons}</select></label><br>
<button name="outcome" value="failed" id="failed">Fail with this reason</button></fieldset>
<fieldset><legend>Left</legend><button name="outcome" value="abandoned" id="abandoned">Cancel and go back</button></fieldset>
</form>`,
  );
}

const deepidvFinished = (record) =>
  htmlPage("deepidv (local stand-in)", `<h1>Verification finished</h1><p>Status: <strong id="status">${escapeHtml(record.status)}</strong></p>`, { status: 409 });

/** Records the outcome and sends the person back, as deepidv's redirect section documents (001). */
async function deepidvFinish(provider, id, request) {
  const form = await request.formData();
  const outcome = String(form.get("outcome"));
  if (!["success", "failed", "abandoned"].includes(outcome)) return new Response("Bad outcome", { status: 400 });
  // success carries no reason; abandoned is "typically user_cancelled" (001).
  const reason = outcome === "failed" ? String(form.get("reason")) : outcome === "abandoned" ? "user_cancelled" : undefined;
  if (outcome === "failed" && ![...DEEPIDV_REASONS, FUTURE_REASON].includes(reason)) return new Response("Bad reason", { status: 400 });
  const redirect = String(form.get("redirect_url") ?? "");
  if (redirect !== "" && !isHttpsUrl(redirect)) return new Response("No valid redirect_url", { status: 400 });
  const record = await provider.session(id);
  if (!record) return htmlPage("deepidv (local stand-in)", "<h1>Unknown session</h1>", { status: 404 });
  if (record.status !== "PENDING" || record.decision) return deepidvFinished(record);
  if (outcome === "success") {
    // "SUBMITTED: User completed the verification flow" (002), sessionProgress "COMPLETED" (002);
    // with DECISION_LAG_MS (ASSUMED, a test hook), PENDING until then.
    await provider.decide(id, record, { status: "SUBMITTED", sessionProgress: "COMPLETED" }, {});
  }
  // ASSUMED (README, Beyond the documents): a failed or abandoned flow leaves the record PENDING. The documents give the record
  // no status for it ("PENDING: Session created, user hasn't started" (002) is not quite it),
  // but PENDING is the only API-managed status left, SUBMITTED meaning completed.
  if (redirect === "") {
    return htmlPage("deepidv (local stand-in)", `<h1>Verification done</h1><p>Status: <strong id="status">${outcome}</strong>. You can close this page.</p>`);
  }
  const params = { session_id: id, status: outcome };
  if (reason) params.reason = reason;
  return withParams(new URL(redirect), params);
}

// ---------------------------------------------------------------------------------------------
// Didit

const DIDIT_LANGUAGES = [
  "en", "ar", "bg", "bn", "bs", "ca", "cnr", "cs", "da", "de", "el", "es", "et", "fa", "fi", "fr", "he", "hi",
  "hr", "hu", "hy", "id", "it", "ja", "ka", "kk", "ko", "ky", "lt", "lv", "mk", "mn", "ms", "nl", "no", "pl",
  "pt-BR", "pt", "ro", "ru", "sk", "sl", "so", "sq", "sr", "sv", "th", "tr", "uk", "uz", "vi", "zh-CN", "zh-TW", "zh",
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// What the hosted page offers; the other statuses (003) are reached by Didit's back office.
const DIDIT_OUTCOMES = { approved: "Approved", declined: "Declined", in_review: "In Review", abandoned: "Abandoned" };
// ASSUMED: a session in one of these is "unfinished" (003): creating another with its
// vendor_data returns it.
const DIDIT_UNFINISHED = ["Not Started", "In Progress", "Resubmitted", "Awaiting User"];
// "max 2MB" (003), read as 2 MiB of decoded bytes (ASSUMED).
const PORTRAIT_MAX_BYTES = 2 * 1024 * 1024;

/** Base64 of a JPEG, PNG, WebP or TIFF image of at most 2 MB, as portrait_image requires (003). */
function isPortrait(value) {
  if (typeof value !== "string" || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const bytes = atob(value);
  if (bytes.length > PORTRAIT_MAX_BYTES) return false;
  return ["\xff\xd8\xff", "\x89PNG\r\n\x1a\n", "II*\0", "MM\0*"].some((magic) => bytes.startsWith(magic)) ||
    (bytes.startsWith("RIFF") && bytes.slice(8, 12) === "WEBP");
}

const DIDIT_RULES = {
  workflow_id: [(v) => typeof v === "string" && UUID.test(v), "must be a UUID"],
  vendor_data: [isString, "must be a string"],
  callback: [isReturnUrl, "must be an http(s) URL or a custom app scheme"],
  callback_method: [(v) => ["initiator", "completer", "both"].includes(v), "must be initiator, completer or both"],
  language: [(v) => DIDIT_LANGUAGES.includes(v), "is not a supported language"],
  // ASSUMED: the members' types, as the examples (003) show them.
  contact_details: {
    email: [(v) => typeof v === "string" && EMAIL.test(v), "must be an email address"],
    send_notification_emails: [(v) => typeof v === "boolean", "must be a boolean"],
    email_lang: [(v) => DIDIT_LANGUAGES.includes(v), "is not a supported language"],
    phone: [(v) => typeof v === "string" && E164.test(v), "must be in E.164 format"],
  },
  expected_details: {
    first_name: [isText, "must be a non-empty string"],
    last_name: [isText, "must be a non-empty string"],
    date_of_birth: [isDate, "must be a date (YYYY-MM-DD)"],
    nationality: [(v) => typeof v === "string" && /^[A-Z]{3}$/.test(v), "must be an ISO 3166-1 alpha-3 code"],
    id_country: [(v) => typeof v === "string" && /^[A-Z]{3}$/.test(v), "must be an ISO 3166-1 alpha-3 code"],
    expected_document_types: [isStringList, "must be a list of document types"],
  },
  portrait_image: [isPortrait, "must be a base64 JPEG, PNG, WebP or TIFF image of at most 2MB"],
};

async function didit(provider, request, url) {
  if (url.pathname.startsWith("/v3/")) {
    // ASSUMED (README, Beyond the documents): a missing or wrong x-api-key is a 401 { detail }.
    if (request.headers.get("x-api-key") !== provider.env.API_KEY) {
      return json(401, { detail: "Invalid or missing API key" });
    }
    // Didit documents no rate limit, no token balance and no idempotency: none here.
    if (url.pathname === "/v3/session/" && request.method === "POST") {
      const [status, body] = await diditCreate(provider, await request.text());
      return provider.answerCreate(status, body);
    }
    // The documented path (003); ASSUMED (README, Beyond the documents): its body, and 404.
    const id = url.pathname.match(/^\/v3\/session\/([0-9a-f-]{36})\/decision\/$/)?.[1];
    if (id && request.method === "GET") {
      const session = await provider.session(id);
      if (!session) return json(404, { detail: "Session not found" });
      const { session_id, session_number, status, workflow_id, vendor_data, metadata, callback } = session;
      return json(200, { session_id, session_number, status, workflow_id, vendor_data, metadata, callback });
    }
    return json(404, { detail: "Not found" });
  }
  const hosted = url.pathname.match(/^(?:\/([A-Za-z-]{2,5}))?\/session\/([A-Za-z0-9]{12})$/);
  if (!hosted || (hosted[1] !== undefined && !DIDIT_LANGUAGES.includes(hosted[1]))) return null;
  const id = await provider.storage.get(`token:${hosted[2]}`);
  const session = id && (await provider.session(id));
  const lang = hosted[1] ?? session?.language ?? "en";
  if (!session) return htmlPage("Didit (local stand-in)", "<h1>Unknown session</h1>", { status: 404, lang });
  if (!DIDIT_UNFINISHED.includes(session.status) || session.decision) {
    return htmlPage("Didit (local stand-in)", `<h1>Verification finished</h1><p>Status: <strong id="status">${escapeHtml(session.status)}</strong></p>`, { status: 409, lang });
  }
  if (request.method === "GET") return diditPage(provider, session, lang);
  if (request.method === "POST") return diditFinish(provider, session, request, lang);
  return null;
}

/** Checks and creates (or returns the unfinished session of the vendor_data): [status, body]. */
async function diditCreate(provider, raw) {
  const { body, message } = parseObject(raw);
  // ASSUMED (README, Beyond the documents): 400 { detail } and, on a field, { detail, field }.
  if (!body) return [400, { detail: message }];
  if (body.workflow_id === undefined || body.workflow_id === null) {
    return [400, { detail: "workflow_id is required", field: "workflow_id" }];
  }
  const problem = firstProblem(body, DIDIT_RULES);
  if (problem) return [400, { detail: problem.message, field: problem.field }];
  const workflowId = String(provider.env.WORKFLOWS_DIDIT ?? "11111111-2222-3333-4444-555555555555")
    .split(",")
    .find((w) => w.trim().toLowerCase() === body.workflow_id.toLowerCase())
    ?.trim();
  // ASSUMED (README, Beyond the documents): a workflow_id the account does not have is a 404.
  if (!workflowId) return [404, { detail: "Workflow not found" }];
  // "Session created (or returned, if an unfinished session with the same vendor_data already
  // exists on the workflow's latest published version)" (003): returned as it is, its own
  // callback, metadata and language kept.
  const vendorKey = body.vendor_data != null ? `vendor:${workflowId}:${body.vendor_data}` : null;
  if (vendorKey) {
    const existingId = await provider.storage.get(vendorKey);
    const existing = existingId && (await provider.session(existingId));
    if (existing && DIDIT_UNFINISHED.includes(existing.status)) return [201, diditSession(existing, provider.env)];
  }

  const session = {
    session_id: crypto.randomUUID(),
    session_number: await provider.countSession(),
    session_token: randomToken(12),
    vendor_data: body.vendor_data ?? null,
    metadata: body.metadata ?? null,
    status: "Not Started",
    workflow_id: workflowId,
    // ASSUMED: every workflow is KYC, at version 1, with no default callback URL.
    workflow_version: 1,
    callback: body.callback ?? null,
    session_kind: "user",
    language: body.language ?? null,
    // Stored as given (default initiator, 003); the one hosted page below serves every device
    // alike, so the method changes nothing here.
    callback_method: body.callback_method ?? "initiator",
  };
  await provider.storage.put(`session:${session.session_id}`, session);
  await provider.storage.put(`token:${session.session_token}`, session.session_id);
  if (vendorKey) await provider.storage.put(vendorKey, session.session_id);
  return [201, diditSession(session, provider.env)];
}

/** The session as Didit's create answer serialises it (003); the url carries the language, if any. */
function diditSession(session, env) {
  const language = session.language ? `/${session.language}` : "";
  return {
    session_id: session.session_id,
    session_number: session.session_number,
    session_token: session.session_token,
    url: `${publicUrl(env)}${language}/session/${session.session_token}`,
    vendor_data: session.vendor_data,
    metadata: session.metadata,
    status: session.status,
    workflow_id: session.workflow_id,
    workflow_version: session.workflow_version,
    callback: session.callback,
    session_kind: session.session_kind,
  };
}

/** The hosted verification flow: document, selfie and liveness, simulated by a choice. */
async function diditPage(provider, session, lang) {
  if (session.status === "Not Started") {
    session.status = "In Progress";
    await provider.storage.put(`session:${session.session_id}`, session);
  }
  const buttons = Object.entries(DIDIT_OUTCOMES)
    .map(([id, status]) => `<button name="status" value="${status}" id="${id}">${status}</button>`)
    .join(" ");
  return htmlPage(
    "Didit (local stand-in): verify your identity",
    `<h1>Verify your identity</h1>
<p class="note">Local stand-in for Didit's hosted verification. A real one asks for a document, a selfie and a liveness check; here you pick the decision.</p>
<p>Session <code>${session.session_id}</code>${session.vendor_data ? `, for <strong>${escapeHtml(session.vendor_data)}</strong>` : ""}</p>
<form method="post"><fieldset><legend>Decision</legend>${buttons}</fieldset></form>`,
    { lang },
  );
}

/** Records the decision and sends the person to the callback, as Didit documents (003). */
async function diditFinish(provider, session, request, lang) {
  const status = String((await request.formData()).get("status"));
  if (!Object.values(DIDIT_OUTCOMES).includes(status)) return new Response("Bad status", { status: 400 });
  // With DECISION_LAG_MS (ASSUMED, a test hook): In Review until the decision comes.
  await provider.decide(session.session_id, session, { status }, { status: "In Review" });
  if (session.callback === null) {
    return htmlPage("Didit (local stand-in)", `<h1>Verification done</h1><p>Status: <strong id="status">${escapeHtml(session.status)}</strong>. You can close this page.</p>`, { lang });
  }
  // "Didit appends ?verificationSessionId={session_id}&status={status} to this URL" (003): the
  // session's status now (In Review while a lagging decision is still to come).
  return withParams(new URL(session.callback), { verificationSessionId: session.session_id, status: session.status });
}

// ---------------------------------------------------------------------------------------------
// Verifa

const VERIFA_REASONS = ["document_unreadable", "face_mismatch", "liveness_failed"];
// 004: "Allowed values:" is followed by none; snake is the documented default, camel the only
// other casing the stand-in knows (ASSUMED).
const KEY_INFLECTIONS = ["snake", "camel"];

const VERIFA_RULES = {
  external_ref: [isString, "must be a string"],
  metadata: [isObject, "must be a map"],
  country: [(v) => typeof v === "string" && /^[A-Za-z]{2}$/.test(v), "must be 2 characters (ISO 3166-1 alpha-2)"],
  checks: [isStringList, "must be a list of strings"],
  workflow_id: [isString, "must be a string"],
  redirect_url: [isReturnUrl, "must be a URI"],
};

const camelKey = (key) => key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** `body` with its keys in the casing Key-Inflection asks for (004); snake is the default. */
function inflect(body, inflection) {
  if (inflection !== "camel") return body;
  if (Array.isArray(body)) return body.map((v) => inflect(v, inflection));
  if (!isObject(body)) return body;
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [camelKey(k), inflect(v, inflection)]));
}

async function verifa(provider, request, url) {
  if (url.pathname === "/v1/sessions" || url.pathname.startsWith("/v1/sessions/")) {
    // ASSUMED (README, Beyond the documents): the paths POST /v1/sessions and GET
    // /v1/sessions/:id, and error bodies { message } or { message, field }. X-RateLimit-* (004)
    // go on every API answer, every call counted (ASSUMED).
    const { headers, refused } = await provider.rateLimit({ message: "Too many requests" }, { rateHeaders: true });
    if (refused) return refused;
    const reply = (status, body) => json(status, inflect(body, request.headers.get("Key-Inflection")), headers);
    if (request.headers.get("X-API-Key") !== provider.env.API_KEY) return reply(401, { message: "Missing or invalid API key" });
    const inflection = request.headers.get("Key-Inflection");
    if (inflection !== null && !KEY_INFLECTIONS.includes(inflection)) {
      return reply(400, { message: "Key-Inflection must be snake or camel", field: "Key-Inflection" });
    }
    if (url.pathname === "/v1/sessions" && request.method === "POST") return verifaCreate(provider, request, reply);
    const id = url.pathname.match(/^\/v1\/sessions\/(ses_[0-9a-f]{24})$/)?.[1];
    const session = id && request.method === "GET" ? await verifaSession(provider, id) : null;
    if (!session) return reply(404, { message: "Not found" });
    return reply(200, { ...(await verifaAnswer(session, provider.env)), failure_reason: session.failure_reason });
  }
  // ASSUMED (README, Beyond the documents): the capture page, its path, the status words
  // (created, completed, failed, cancelled, expired) and failure_reason.
  const capture = url.pathname.match(/^\/capture\/(ses_[0-9a-f]{24})$/);
  if (!capture) return null;
  const session = await verifaSession(provider, capture[1]);
  if (!session) return htmlPage("Verifa (local stand-in)", "<h1>Unknown session</h1>", { status: 404 });
  if (session.status === "expired") {
    return htmlPage("Verifa (local stand-in)", `<h1>This link has expired</h1><p>It was valid until ${session.expires_at}. Ask for a new one.</p>`, { status: 410 });
  }
  if (session.status !== "created" || session.decision) {
    return htmlPage("Verifa (local stand-in)", `<h1>Capture finished</h1><p>Status: <strong id="status">${session.status}</strong></p>`, { status: 409 });
  }
  if (request.method === "GET") return verifaPage(session);
  if (request.method === "POST") return verifaFinish(provider, session, request);
  return null;
}

/** JSON with object keys sorted, so that key order and spacing do not make parameters differ. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (!isObject(value)) return JSON.stringify(value);
  return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
}

async function verifaCreate(provider, request, reply) {
  // "Idempotency-Key … <=255 characters" (004); an empty or longer one is refused (ASSUMED 400).
  const key = request.headers.get("Idempotency-Key");
  if (key !== null && (key === "" || key.length > 255)) {
    return reply(400, { message: "Idempotency-Key must be 1 to 255 characters", field: "Idempotency-Key" });
  }
  // "Verifa-Version date … (e.g. 2026-02-01)" (004).
  const version = request.headers.get("Verifa-Version");
  if (version !== null && !isDate(version)) {
    return reply(400, { message: "Verifa-Version must be a date (YYYY-MM-DD)", field: "Verifa-Version" });
  }
  const { body, message } = parseObject(await request.text());
  if (!body) return reply(400, { message });
  // "Unique key for idempotent requests. Cached for 24 hours. Sending the same key with
  // different parameters returns 422." (004)
  const params = canonical(body);
  if (key !== null) {
    const seen = await provider.storage.get(`idem:${key}`);
    if (seen && Date.now() - seen.at < IDEMPOTENCY_TTL_MS) {
      if (seen.params !== params) return reply(422, { message: "Idempotency-Key reused with different parameters" });
      return reply(seen.status, seen.response);
    }
  }
  const problem = firstProblem(body, VERIFA_RULES);
  if (problem) return reply(400, problem);
  // Whole seconds, so expires_at is exactly EXPIRES_IN_SECONDS after created_at.
  const now = Math.floor(Date.now() / 1000) * 1000;
  const rfc3339 = (ms) => new Date(ms).toISOString().replace(".000Z", "Z");
  // Only what later answers and the capture page use is kept: metadata, country, checks and
  // workflow_id would steer a real capture flow, which this stand-in replaces by a choice.
  const session = {
    id: `ses_${randomHex(12)}`,
    status: "created",
    // "Keys are prefixed with vk_live_ (production) or vk_sandbox_ (sandbox)" (004).
    is_sandbox: !String(provider.env.API_KEY).startsWith("vk_live_"),
    created_at: rfc3339(now),
    expires_at: rfc3339(now + Number(provider.env.EXPIRES_IN_SECONDS ?? 3600) * 1000),
    external_ref: body.external_ref ?? null,
    redirect_url: body.redirect_url ?? null,
    failure_reason: null,
  };
  await provider.storage.put(`session:${session.id}`, session);
  await provider.countSession();
  const response = await verifaAnswer(session, provider.env);
  if (key !== null) await provider.storage.put(`idem:${key}`, { params, status: 201, response, at: Date.now() });
  await provider.slowCreate();
  return reply(201, response);
}

/** The session as Verifa's create answer documents it (004). */
async function verifaAnswer(session, env) {
  const { id, status, is_sandbox, created_at, expires_at, external_ref } = session;
  const capture_url = `${publicUrl(env)}/capture/${id}`;
  return {
    id,
    status,
    capture_url,
    is_sandbox,
    created_at,
    expires_at,
    external_ref,
    // "Base64-encoded QR code PNG pointing to the capture URL" (004): bare base64, no data: prefix.
    qr_code_data_url: await qrPngBase64(capture_url),
    tags: [],
  };
}

/** The stored session, which becomes expired once past expires_at without an outcome. */
async function verifaSession(provider, id) {
  const session = await provider.session(id);
  if (session?.status === "created" && !session.decision && Date.now() >= Date.parse(session.expires_at)) {
    session.status = "expired";
    await provider.storage.put(`session:${id}`, session);
  }
  return session ?? null;
}

/** The capture page: document, selfie and liveness, simulated by a choice. */
function verifaPage(session) {
  const reasons = VERIFA_REASONS.map((r) => `<option value="${r}">${r}</option>`).join("");
  return htmlPage(
    "Verifa (local stand-in): identity capture",
    `<h1>Identity capture</h1>
<p class="note">Local stand-in for Verifa's capture page. A real one captures a document, a selfie and a liveness check; here you pick the outcome.</p>
<p>Session <code>${session.id}</code>, valid until ${session.expires_at}</p>
<form method="post">
<fieldset><legend>Completed</legend><button name="outcome" value="completed" id="completed">Finish capture</button></fieldset>
<fieldset><legend>Failed</legend><label>Reason <select name="reason" id="reason">${reasons}</select></label><br>
<button name="outcome" value="failed" id="failed">Fail with this reason</button></fieldset>
<fieldset><legend>Cancelled</legend><button name="outcome" value="cancelled" id="cancelled">Cancel and go back</button></fieldset>
</form>`,
  );
}

/** Records the outcome and sends the person to redirect_url with the stand-in's parameters. */
async function verifaFinish(provider, session, request) {
  const form = await request.formData();
  const outcome = String(form.get("outcome"));
  const reason = String(form.get("reason"));
  if (!["completed", "failed", "cancelled"].includes(outcome)) return new Response("Bad outcome", { status: 400 });
  if (outcome === "failed" && !VERIFA_REASONS.includes(reason)) return new Response("Bad reason", { status: 400 });
  // With DECISION_LAG_MS (ASSUMED, a test hook): created until the outcome is taken.
  await provider.decide(session.id, session, { status: outcome, failure_reason: outcome === "failed" ? reason : null }, {});
  if (session.redirect_url === null) {
    return htmlPage("Verifa (local stand-in)", `<h1>Capture done</h1><p>Status: <strong id="status">${outcome}</strong>. You can close this page.</p>`);
  }
  // ASSUMED (README, Beyond the documents): Verifa documents no return parameters; these names
  // are the stand-in's own.
  const params = { verifa_session: session.id, verifa_status: outcome };
  if (outcome === "failed") params.verifa_reason = reason;
  return withParams(new URL(session.redirect_url), params);
}

// ---------------------------------------------------------------------------------------------
// A QR code (ISO/IEC 18004: byte mode, error correction level M, versions 1 to 10) as a PNG,
// for Verifa's qr_code_data_url.

// Per version: error correction codewords per block and number of blocks, at level M.
const QR_M_BLOCKS = [null, [10, 1], [16, 1], [26, 1], [18, 2], [24, 2], [16, 4], [18, 4], [22, 4], [22, 5], [26, 5]];
const QR_SCALE = 4;
const QR_QUIET = 4;

/** Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1. */
function gfMultiply(x, y) {
  let z = 0;
  for (let i = 7; i >= 0; i--) {
    z = (z << 1) ^ ((z >>> 7) * 0x11d);
    z ^= ((y >>> i) & 1) * x;
  }
  return z;
}

/** The Reed–Solomon generator polynomial of `degree`, highest coefficient (1) dropped. */
function rsDivisor(degree) {
  const result = new Array(degree).fill(0);
  result[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      result[j] = gfMultiply(result[j], root);
      if (j + 1 < degree) result[j] ^= result[j + 1];
    }
    root = gfMultiply(root, 2);
  }
  return result;
}

function rsRemainder(data, divisor) {
  const result = divisor.map(() => 0);
  for (const b of data) {
    const factor = b ^ result.shift();
    result.push(0);
    divisor.forEach((coef, i) => (result[i] ^= gfMultiply(coef, factor)));
  }
  return result;
}

/** Modules available for data and error correction in a symbol of `version`. */
function qrRawModules(version) {
  let result = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const align = Math.floor(version / 7) + 2;
    result -= (25 * align - 10) * align - 55;
    if (version >= 7) result -= 36;
  }
  return result;
}

/** The QR code of `text` (UTF-8, byte mode) as rows of booleans, dark = true. */
function qrMatrix(text) {
  const bytes = new TextEncoder().encode(text);
  let version = 1;
  const dataCodewords = (v) => Math.floor(qrRawModules(v) / 8) - QR_M_BLOCKS[v][0] * QR_M_BLOCKS[v][1];
  const countBits = (v) => (v < 10 ? 8 : 16);
  while (4 + countBits(version) + 8 * bytes.length > 8 * dataCodewords(version)) {
    if (++version > 10) throw new Error("Too long for a QR code of version 10");
  }
  // The data bits: mode (byte), count, bytes, terminator, padding.
  const bits = [];
  const push = (value, length) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  push(0b0100, 4);
  push(bytes.length, countBits(version));
  for (const b of bytes) push(b, 8);
  const capacity = 8 * dataCodewords(version);
  push(0, Math.min(4, capacity - bits.length));
  push(0, (8 - (bits.length % 8)) % 8);
  for (let pad = 0xec; bits.length < capacity; pad ^= 0xec ^ 0x11) push(pad, 8);
  const data = [];
  for (let i = 0; i < bits.length; i += 8) data.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));

  // Blocks with their error correction, interleaved.
  const [eccLength, blockCount] = QR_M_BLOCKS[version];
  const rawCodewords = Math.floor(qrRawModules(version) / 8);
  const shortBlocks = blockCount - (rawCodewords % blockCount);
  const shortLength = Math.floor(rawCodewords / blockCount);
  const divisor = rsDivisor(eccLength);
  const blocks = [];
  for (let i = 0, k = 0; i < blockCount; i++) {
    const block = data.slice(k, k + shortLength - eccLength + (i < shortBlocks ? 0 : 1));
    k += block.length;
    const ecc = rsRemainder(block, divisor);
    if (i < shortBlocks) block.push(0);
    blocks.push(block.concat(ecc));
  }
  const codewords = [];
  for (let i = 0; i < blocks[0].length; i++) {
    blocks.forEach((block, j) => {
      if (i !== shortLength - eccLength || j >= shortBlocks) codewords.push(block[i]);
    });
  }

  // Function patterns.
  const size = version * 4 + 17;
  const modules = Array.from({ length: size }, () => new Array(size).fill(false));
  const fixed = Array.from({ length: size }, () => new Array(size).fill(false));
  const set = (x, y, dark) => {
    modules[y][x] = dark;
    fixed[y][x] = true;
  };
  for (let i = 0; i < size; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const x = cx + dx;
        const y = cy + dy;
        const distance = Math.max(Math.abs(dx), Math.abs(dy));
        if (x >= 0 && x < size && y >= 0 && y < size) set(x, y, distance !== 2 && distance !== 4);
      }
    }
  }
  const alignment = [];
  if (version > 1) {
    const count = Math.floor(version / 7) + 2;
    const step = Math.ceil((version * 4 + 4) / (count * 2 - 2)) * 2;
    alignment.push(6);
    for (let pos = size - 7; alignment.length < count; pos -= step) alignment.splice(1, 0, pos);
  }
  const last = alignment.length - 1;
  alignment.forEach((cx, i) =>
    alignment.forEach((cy, j) => {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
    }),
  );
  const drawFormat = (mask) => {
    // Level M is 00; then the mask; a BCH(15,5) code; the fixed XOR mask.
    const value = (0 << 3) | mask;
    let rem = value;
    for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
    const format = ((value << 10) | rem) ^ 0x5412;
    const bit = (i) => ((format >>> i) & 1) === 1;
    for (let i = 0; i <= 5; i++) set(8, i, bit(i));
    set(8, 7, bit(6));
    set(8, 8, bit(7));
    set(7, 8, bit(8));
    for (let i = 9; i < 15; i++) set(14 - i, 8, bit(i));
    for (let i = 0; i < 8; i++) set(size - 1 - i, 8, bit(i));
    for (let i = 8; i < 15; i++) set(8, size - 15 + i, bit(i));
    set(8, size - 8, true);
  };
  drawFormat(0); // reserves the format areas; drawn again with the chosen mask
  if (version >= 7) {
    let rem = version;
    for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
    const value = (version << 12) | rem;
    for (let i = 0; i < 18; i++) {
      const dark = ((value >>> i) & 1) === 1;
      const a = size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      set(a, b, dark);
      set(b, a, dark);
    }
  }

  // The codewords, in the zigzag order.
  let i = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let vert = 0; vert < size; vert++) {
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        const upward = ((right + 1) & 2) === 0;
        const y = upward ? size - 1 - vert : vert;
        if (!fixed[y][x] && i < codewords.length * 8) {
          modules[y][x] = ((codewords[i >>> 3] >>> (7 - (i & 7))) & 1) === 1;
          i++;
        }
      }
    }
  }

  // The mask with the lowest penalty.
  const MASKS = [
    (x, y) => (x + y) % 2 === 0,
    (x, y) => y % 2 === 0,
    (x) => x % 3 === 0,
    (x, y) => (x + y) % 3 === 0,
    (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
    (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
    (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
    (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
  ];
  const applyMask = (mask) => {
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (!fixed[y][x] && MASKS[mask](x, y)) modules[y][x] = !modules[y][x];
  };
  let best = 0;
  let bestPenalty = Infinity;
  for (let mask = 0; mask < 8; mask++) {
    applyMask(mask);
    drawFormat(mask);
    const penalty = qrPenalty(modules);
    if (penalty < bestPenalty) [best, bestPenalty] = [mask, penalty];
    applyMask(mask); // XOR again: undone
  }
  applyMask(best);
  drawFormat(best);
  return modules;
}

/** The penalty score of ISO/IEC 18004 (runs, 2×2 blocks, finder-like patterns, balance). */
function qrPenalty(modules) {
  const size = modules.length;
  let penalty = 0;
  const lines = [];
  for (let k = 0; k < size; k++) {
    lines.push(modules[k]);
    lines.push(modules.map((row) => row[k]));
  }
  const finderLike = [[1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1]];
  for (const line of lines) {
    for (let start = 0; start < size; ) {
      let end = start;
      while (end < size && line[end] === line[start]) end++;
      if (end - start >= 5) penalty += end - start - 2;
      start = end;
    }
    for (let at = 0; at + 11 <= size; at++) {
      if (finderLike.some((p) => p.every((v, k) => line[at + k] === (v === 1)))) penalty += 40;
    }
  }
  let dark = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (modules[y][x]) dark++;
      if (x + 1 < size && y + 1 < size) {
        const c = modules[y][x];
        if (modules[y][x + 1] === c && modules[y + 1][x] === c && modules[y + 1][x + 1] === c) penalty += 3;
      }
    }
  }
  const total = size * size;
  penalty += (Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1) * 10;
  return penalty;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A PNG chunk: length, type, data, CRC of type and data. */
function pngChunk(type, data) {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(new TextEncoder().encode(type), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

const qrCache = new Map();

/** Base64 of a PNG (1-bit greyscale) of the QR code of `text`. */
async function qrPngBase64(text) {
  if (qrCache.has(text)) return qrCache.get(text);
  const modules = qrMatrix(text);
  const side = (modules.length + 2 * QR_QUIET) * QR_SCALE;
  const rowBytes = Math.ceil(side / 8);
  const raw = new Uint8Array((rowBytes + 1) * side); // each row: filter 0, then the bits
  for (let py = 0; py < side; py++) {
    for (let px = 0; px < side; px++) {
      const mx = Math.floor(px / QR_SCALE) - QR_QUIET;
      const my = Math.floor(py / QR_SCALE) - QR_QUIET;
      const dark = mx >= 0 && my >= 0 && mx < modules.length && my < modules.length && modules[my][mx];
      if (!dark) raw[py * (rowBytes + 1) + 1 + (px >>> 3)] |= 0x80 >>> (px & 7); // 1 is white
    }
  }
  const compressed = new Uint8Array(await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream("deflate"))).arrayBuffer());
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, side);
  view.setUint32(4, side);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, adaptive filtering, no interlace
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", header), pngChunk("IDAT", compressed), pngChunk("IEND", new Uint8Array(0))];
  let binary = "";
  for (const part of parts) for (const b of part) binary += String.fromCharCode(b);
  const base64 = btoa(binary);
  if (qrCache.size > 256) qrCache.clear();
  qrCache.set(text, base64);
  return base64;
}

// ---------------------------------------------------------------------------------------------
// The worker and its state

/** Each mode's routes: a Response, or null for a path the mode does not serve. */
const MODES = { deepidv, didit, verifa };

export default {
  async fetch(request, env) {
    const mode = env.MODE ?? "deepidv";
    if (!Object.hasOwn(MODES, mode)) return new Response(`Unknown MODE "${mode}"`, { status: 500 });
    // One object per mode: the modes never share sessions, keys or counters.
    return env.PROVIDER.get(env.PROVIDER.idFromName(mode)).fetch(request);
  },
};

/** Everything the provider remembers: sessions, idempotency records, balance, rate window. */
export class ProviderState {
  constructor(ctx, env) {
    this.storage = ctx.storage;
    this.env = env;
  }

  async fetch(request) {
    const url = new URL(request.url);
    const mode = this.env.MODE ?? "deepidv";
    // Counters for the tests; off unless configured.
    if (url.pathname === "/__stats" && this.env.EXPOSE_STATS) {
      const sessions = (await this.storage.get("count")) ?? 0;
      if (mode !== "deepidv") return json(200, { sessions });
      const balance = (await this.storage.get("balance")) ?? Number(this.env.TOKEN_BALANCE ?? 1000);
      const invites = { email: (await this.storage.get("invites:email")) ?? 0, phone: (await this.storage.get("invites:phone")) ?? 0 };
      return json(200, { sessions, balance, invites });
    }
    const answer = await MODES[mode](this, request, url);
    return answer ?? new Response("Not found", { status: 404 });
  }

  /**
   * A fixed window per API key: RATE_LIMIT requests per RATE_WINDOW_SECONDS. Returns the
   * X-RateLimit-* headers (when `rateHeaders`), and the 429 answer (with `refusal` as its body,
   * and Retry-After) when over.
   */
  async rateLimit(refusal, { rateHeaders }) {
    const limit = Number(this.env.RATE_LIMIT ?? 30);
    const windowMs = Number(this.env.RATE_WINDOW_SECONDS ?? 60) * 1000;
    const now = Date.now();
    let window = (await this.storage.get("rate")) ?? { start: now, count: 0 };
    if (now - window.start >= windowMs) window = { start: now, count: 0 };
    window.count += 1;
    await this.storage.put("rate", window);
    const reset = Math.ceil((window.start + windowMs) / 1000);
    const headers = rateHeaders
      ? { "X-RateLimit-Limit": String(limit), "X-RateLimit-Remaining": String(Math.max(0, limit - window.count)), "X-RateLimit-Reset": String(reset) }
      : {};
    if (window.count <= limit) return { headers };
    const retryAfter = String(Math.max(1, reset - Math.floor(now / 1000)));
    return { headers, refused: json(429, refusal, { ...headers, "Retry-After": retryAfter }) };
  }

  /** A create's answer, late by SLOW_CREATE_MS when it succeeded (the session exists by then). */
  async answerCreate(status, body) {
    if (status < 300) await this.slowCreate();
    return json(status, body);
  }

  /** A slow provider, for the tests: SLOW_CREATE_MS before a successful create answers. */
  async slowCreate() {
    if (this.env.SLOW_CREATE_MS) await new Promise((r) => setTimeout(r, Number(this.env.SLOW_CREATE_MS)));
  }

  /**
   * The session `id`, or undefined: a decision whose time has come (DECISION_LAG_MS) is applied
   * first, so every read after that time sees it.
   */
  async session(id) {
    const record = await this.storage.get(`session:${id}`);
    if (record?.decision && Date.now() >= record.decision.at) {
      Object.assign(record, record.decision.fields);
      delete record.decision;
      await this.storage.put(`session:${id}`, record);
    }
    return record;
  }

  /**
   * Records the hosted page's outcome on session `id`: `fields` at once, or, with
   * DECISION_LAG_MS (a test hook), `interim` now and `fields` once that many ms have passed.
   */
  async decide(id, record, fields, interim) {
    const lag = Number(this.env.DECISION_LAG_MS ?? 0);
    if (lag > 0) {
      Object.assign(record, interim);
      record.decision = { fields, at: Date.now() + lag };
    } else {
      Object.assign(record, fields);
    }
    await this.storage.put(`session:${id}`, record);
  }

  /** Takes one token from the balance; false when it is spent. */
  async spend() {
    const balance = (await this.storage.get("balance")) ?? Number(this.env.TOKEN_BALANCE ?? 1000);
    if (balance <= 0) return false;
    await this.storage.put("balance", balance - 1);
    return true;
  }

  /** Counts a new session; returns its sequential number. */
  async countSession() {
    const count = ((await this.storage.get("count")) ?? 0) + 1;
    await this.storage.put("count", count);
    return count;
  }

  /** Counts the invitations a deepidv create sent. */
  async countInvitations({ email, phone }) {
    for (const [kind, sent] of [["email", email], ["phone", phone]]) {
      if (sent) await this.storage.put(`invites:${kind}`, ((await this.storage.get(`invites:${kind}`)) ?? 0) + 1);
    }
  }
}
