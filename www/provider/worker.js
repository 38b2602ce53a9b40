// A local stand-in for an identity provider, behaving as its documents (shared/seeds/) say, so the
// demo and the end-to-end tests need no account and no network. It is deliberately independent
// of idv-handoff: it checks requests its own way, as a remote provider would.
//
// MODE picks the provider imitated ("deepidv" by default, "didit", "verifa"). Other bindings:
// API_KEY, PUBLIC_URL (this worker's origin, for the URLs it hands out), RATE_LIMIT and
// RATE_WINDOW_SECONDS (a fixed window; 30 per 60 s), TOKEN_BALANCE (deepidv and Didit; 1000),
// SLOW_CREATE_MS (a late answer to a successful create, for retry tests), EXPOSE_STATS (serves
// GET /__stats: sessions created, tokens left), WORKFLOWS (deepidv), WORKFLOWS_DIDIT (comma list
// of workflow UUIDs; 11111111-2222-3333-4444-555555555555) and EXPIRES_IN_SECONDS (Verifa; 3600).
//
// deepidv (000_* to 002_*)
//   POST /v1/sessions       x-api-key → 401; rate limit → 429 (Retry-After, X-RateLimit-*);
//                           Idempotency-Key replays for 24 h, 422 when reused with another
//                           body; required fields and E.164 → 400; unknown workflow → 404;
//                           token balance spent → 402; else 200 { idv_id, session_url, … }
//   GET  /v1/sessions/:id   x-api-key → 401; 404; 200 { sessionRecord }
//   GET  /hosted/:id        the hosted page, where a person picks an outcome
//   POST /hosted/:id        records the outcome, then redirects to redirect_url with
//                           session_id, status and reason appended (reason omitted on success)
//
// Didit (003_*)
//   POST /v3/session/                 x-api-key → 401; 429 and Idempotency-Key as deepidv (Didit
//                                     does not document the key, but createSession's retries
//                                     send it); malformed field → 400 { detail, field }, nested
//                                     fields named with dots (contact_details.phone); unknown
//                                     workflow → 404; balance spent → 402; else 201, the session
//                                     as Didit serialises it. As documented, an unfinished session
//                                     with the same vendor_data on the workflow is returned
//                                     instead of a new one.
//   GET  /v3/session/:id/decision/    x-api-key → 401; 404; 200 { session_id, status, … }
//   GET  /session/:token              the hosted page (also /:language/session/:token); opening
//                                     it moves the session to In Progress
//   POST the same path                records Approved, Declined, In Review or Abandoned, then
//                                     303 to the callback with verificationSessionId and status
//                                     appended to its query, as Didit documents
//
// Verifa (004_*)
//   POST /v1/sessions       X-RateLimit-* on every API answer, 429 with Retry-After; X-API-Key →
//                           401; Idempotency-Key over 255 characters or a Verifa-Version that is
//                           not a date → 400; Idempotency-Key replays for 24 h, 422 when reused
//                           with another body; malformed field → 400 { message, field }; else
//                           201, the session as documented (its QR code is a fixed 1×1 PNG)
//   GET  /v1/sessions/:id   the same shape with the current status (created, completed, failed,
//                           cancelled, expired) and failure_reason (null unless failed), which
//                           this stand-in adds: Verifa's document covers creation only
//   GET  /capture/:id       the capture page; past expires_at it shows an expiry page (410) and
//                           the session becomes expired
//   POST /capture/:id       records completed, failed (with a reason) or cancelled, then 303 to
//                           redirect_url with these parameters appended. Verifa documents none,
//                           so the names are this stand-in's own, deliberately unlike deepidv's:
//                             verifa_session  the session id (ses_…)
//                             verifa_status   completed | failed | cancelled
//                             verifa_reason   document_unreadable | face_mismatch |
//                                             liveness_failed (only when failed)
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

/** `url` with `params` appended: its own query is kept byte for byte, ours form-encoded. */
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

const isText = (v) => typeof v === "string" && v.trim() !== "";
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isTextList = (v) => Array.isArray(v) && v.every(isText);

function parseUrl(value) {
  // Whitespace and control characters would be silently dropped or encoded by the parser.
  if (typeof value !== "string" || /[\s\x00-\x1f\x7f]/.test(value)) return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

const isWebUrl = (v) => {
  const url = parseUrl(v);
  return url !== null && (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
};

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
// Not (yet) in the documents: the demo offers it to show how clients handle a future reason.
const FUTURE_REASON = "liveness_spoof_detected";
const DEEPIDV_FIELDS = [
  ["first_name", "firstName"],
  ["last_name", "lastName"],
  ["email", "email"],
  ["phone", "phone"],
  ["external_id", "externalId"],
  ["send_email_invite", "sendEmailInvite"],
  ["send_phone_invite", "sendPhoneInvite"],
  ["workflow_id", "workflowId"],
  ["redirect_url", "redirectUrl"],
];

async function deepidv(provider, request, url) {
  if (url.pathname === "/v1/sessions" || url.pathname.startsWith("/v1/sessions/")) {
    if (request.headers.get("x-api-key") !== provider.env.API_KEY) {
      return json(401, { message: "Missing or invalid API key" });
    }
    if (url.pathname === "/v1/sessions" && request.method === "POST") {
      const { headers, refused } = await provider.rateLimit({ message: "Rate limit exceeded" });
      if (refused) return refused;
      const conflict = { message: "Idempotency-Key reused with a different request body" };
      return provider.once(request, conflict, headers, (raw) => deepidvCreate(provider, raw));
    }
    const id = url.pathname.match(/^\/v1\/sessions\/([A-Za-z0-9-]{1,64})$/)?.[1];
    if (id && request.method === "GET") {
      const record = await provider.storage.get(`session:${id}`);
      return record ? json(200, { sessionRecord: record }) : json(404, { message: "Session not found" });
    }
    return json(404, { message: "Not found" });
  }
  const hosted = url.pathname.match(/^\/hosted\/([A-Za-z0-9-]{1,64})$/);
  if (hosted && request.method === "GET") return deepidvPage(provider, hosted[1], url);
  if (hosted && request.method === "POST") return deepidvFinish(provider, hosted[1], request);
  return null;
}

async function deepidvCreate(provider, raw) {
  let body;
  try {
    body = JSON.parse(raw);
  } catch {
    return [400, { message: "Request body is not JSON" }];
  }
  if (body === null || typeof body !== "object") return [400, { message: "Request body must be an object" }];
  // Both spellings are accepted; camelCase takes priority (000_*).
  const value = (snake, camel) => body[camel] ?? body[snake];
  const fields = Object.fromEntries(DEEPIDV_FIELDS.map(([snake, camel]) => [snake, value(snake, camel)]));
  for (const field of ["first_name", "last_name", "email", "phone"]) {
    if (typeof fields[field] !== "string" || fields[field].trim() === "") {
      return [400, { message: `${field} is required`, field }];
    }
  }
  if (!EMAIL.test(fields.email)) return [400, { message: "email is invalid", field: "email" }];
  if (!E164.test(fields.phone)) return [400, { message: "phone must be in E.164 format", field: "phone" }];
  const workflows = String(provider.env.WORKFLOWS ?? "wf_standard_kyc,wf_abc123").split(",");
  if (fields.workflow_id !== undefined && !workflows.includes(fields.workflow_id)) {
    return [404, { message: "Workflow ID not found" }];
  }
  if (!(await provider.spend())) return [402, { message: "Insufficient token balance" }];

  const id = crypto.randomUUID();
  const record = {
    id,
    firstName: fields.first_name,
    lastName: fields.last_name,
    externalId: fields.external_id,
    workflowId: fields.workflow_id,
    redirectUrl: fields.redirect_url,
    status: "PENDING",
    sessionProgress: "NOT_STARTED",
    outcome: null,
    createdAt: new Date().toISOString(),
  };
  await provider.storage.put(`session:${id}`, record);
  await provider.countSession();
  // "If redirect_url is provided, the returned session_url will include it as an encoded
  // query parameter" (001_*).
  const hosted = new URL(`/hosted/${id}`, provider.env.PUBLIC_URL);
  if (typeof fields.redirect_url === "string") hosted.searchParams.set("redirect_url", fields.redirect_url);
  const response = { idv_id: id, session_url: hosted.href, links: [] };
  if (fields.external_id !== undefined) response.externalId = fields.external_id;
  return [200, response];
}

/** The hosted verification page: document, selfie and liveness, simulated by a choice. */
async function deepidvPage(provider, id, url) {
  const record = await provider.storage.get(`session:${id}`);
  if (!record) return new Response("Unknown session", { status: 404 });
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

/** Records the outcome and sends the person back, as deepidv's redirect section documents. */
async function deepidvFinish(provider, id, request) {
  const form = await request.formData();
  const outcome = String(form.get("outcome"));
  if (!["success", "failed", "abandoned"].includes(outcome)) return new Response("Bad outcome", { status: 400 });
  // Abandoning is a user cancellation ("typically user_cancelled"); success carries no reason.
  const reason = outcome === "failed" ? String(form.get("reason")) : outcome === "abandoned" ? "user_cancelled" : undefined;
  let back;
  try {
    back = new URL(String(form.get("redirect_url")));
    if (back.protocol !== "https:" && back.protocol !== "http:") throw new Error("scheme");
  } catch {
    return new Response("No valid redirect_url", { status: 400 });
  }
  const record = await provider.storage.get(`session:${id}`);
  if (!record) return new Response("Unknown session", { status: 404 });
  record.outcome = { status: outcome, reason };
  record.status = outcome === "success" ? "SUBMITTED" : "PENDING";
  record.sessionProgress = { success: "COMPLETED", failed: "FAILED", abandoned: "ABANDONED" }[outcome];
  await provider.storage.put(`session:${id}`, record);
  back.searchParams.append("session_id", id);
  back.searchParams.append("status", outcome);
  if (reason) back.searchParams.append("reason", reason);
  return Response.redirect(back.href, 303);
}

// ---------------------------------------------------------------------------------------------
// Didit

const DIDIT_LANGUAGES = [
  "en", "ar", "bg", "bn", "bs", "ca", "cnr", "cs", "da", "de", "el", "es", "et", "fa", "fi", "fr", "he", "hi",
  "hr", "hu", "hy", "id", "it", "ja", "ka", "kk", "ko", "ky", "lt", "lv", "mk", "mn", "ms", "nl", "no", "pl",
  "pt-BR", "pt", "ro", "ru", "sk", "sl", "so", "sq", "sr", "sv", "th", "tr", "uk", "uz", "vi", "zh-CN", "zh-TW", "zh",
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// What the hosted page offers; the other statuses are reached by Didit's back office.
const DIDIT_OUTCOMES = { approved: "Approved", declined: "Declined", in_review: "In Review", abandoned: "Abandoned" };
// A session in one of these is unfinished: creating another with its vendor_data returns it.
const DIDIT_UNFINISHED = ["Not Started", "In Progress", "Resubmitted", "Awaiting User"];
const PORTRAIT_MAX_BYTES = 2 * 1024 * 1024;

/** Base64 of a JPEG, PNG, WebP or TIFF image of at most 2 MB, as portrait_image requires. */
function isPortrait(value) {
  if (typeof value !== "string" || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const bytes = atob(value);
  if (bytes.length > PORTRAIT_MAX_BYTES) return false;
  return ["\xff\xd8\xff", "\x89PNG\r\n\x1a\n", "II*\0", "MM\0*"].some((magic) => bytes.startsWith(magic)) ||
    (bytes.startsWith("RIFF") && bytes.slice(8, 12) === "WEBP");
}

/** A callback Didit can redirect to: a web URL, or a custom app scheme (myapp://…). */
function isCallback(value) {
  const url = parseUrl(value);
  if (url === null) return false;
  if (url.protocol === "https:" || url.protocol === "http:") return url.hostname !== "";
  return !["javascript:", "data:", "vbscript:", "file:", "blob:", "about:"].includes(url.protocol);
}

const DIDIT_RULES = {
  workflow_id: [(v) => typeof v === "string" && UUID.test(v), "must be a UUID"],
  vendor_data: [isText, "must be a non-empty string"],
  callback: [isCallback, "must be an http(s) URL or a custom app scheme"],
  callback_method: [(v) => ["initiator", "completer", "both"].includes(v), "must be initiator, completer or both"],
  language: [(v) => DIDIT_LANGUAGES.includes(v), "is not a supported language"],
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
    expected_document_types: [isTextList, "must be a list of document types"],
  },
  portrait_image: [isPortrait, "must be a base64 JPEG, PNG, WebP or TIFF image of at most 2 MB"],
};

async function didit(provider, request, url) {
  if (url.pathname.startsWith("/v3/")) {
    if (request.headers.get("x-api-key") !== provider.env.API_KEY) {
      return json(401, { detail: "Invalid or missing API key" });
    }
    if (url.pathname === "/v3/session/" && request.method === "POST") {
      const { headers, refused } = await provider.rateLimit({ detail: "Request was throttled" });
      if (refused) return refused;
      const conflict = { detail: "Idempotency-Key reused with a different request body" };
      return provider.once(request, conflict, headers, (raw) => diditCreate(provider, raw));
    }
    const id = url.pathname.match(/^\/v3\/session\/([0-9a-f-]{36})\/decision\/$/)?.[1];
    if (id && request.method === "GET") {
      const session = await provider.storage.get(`session:${id}`);
      if (!session) return json(404, { detail: "Session not found" });
      const { session_id, session_number, status, workflow_id, vendor_data, metadata, callback } = session;
      return json(200, { session_id, session_number, status, workflow_id, vendor_data, metadata, callback });
    }
    return json(404, { detail: "Not found" });
  }
  const hosted = url.pathname.match(/^(?:\/([A-Za-z-]{2,5}))?\/session\/([A-Za-z0-9]{12})$/);
  if (!hosted || (hosted[1] !== undefined && !DIDIT_LANGUAGES.includes(hosted[1]))) return null;
  const id = await provider.storage.get(`token:${hosted[2]}`);
  const session = id && (await provider.storage.get(`session:${id}`));
  const lang = hosted[1] ?? session?.language ?? "en";
  if (!session) return htmlPage("Didit (local stand-in)", "<h1>Unknown session</h1>", { status: 404, lang });
  if (!DIDIT_UNFINISHED.includes(session.status)) {
    return htmlPage("Didit (local stand-in)", `<h1>Verification finished</h1><p>Status: <strong id="status">${escapeHtml(session.status)}</strong></p>`, { status: 409, lang });
  }
  if (request.method === "GET") return diditPage(provider, session, lang);
  if (request.method === "POST") return diditFinish(provider, session, request, lang);
  return null;
}

async function diditCreate(provider, raw) {
  const { body, message } = parseObject(raw);
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
  if (!workflowId) return [404, { detail: "Workflow not found" }];
  // "Session created (or returned, if an unfinished session with the same vendor_data already
  // exists on the workflow's latest published version)" (003_*): no new session, no charge.
  const vendorKey = body.vendor_data != null ? `vendor:${workflowId}:${body.vendor_data}` : null;
  if (vendorKey) {
    const existingId = await provider.storage.get(vendorKey);
    const existing = existingId && (await provider.storage.get(`session:${existingId}`));
    if (existing && DIDIT_UNFINISHED.includes(existing.status)) return [201, diditSession(existing, provider.env)];
  }
  if (!(await provider.spend())) return [402, { detail: "Insufficient credits" }];

  const session = {
    session_id: crypto.randomUUID(),
    session_number: await provider.countSession(),
    session_token: randomToken(12),
    vendor_data: body.vendor_data ?? null,
    metadata: body.metadata ?? null,
    status: "Not Started",
    workflow_id: workflowId,
    workflow_version: 1,
    callback: body.callback ?? null,
    session_kind: "user",
    language: body.language ?? null,
  };
  await provider.storage.put(`session:${session.session_id}`, session);
  await provider.storage.put(`token:${session.session_token}`, session.session_id);
  if (vendorKey) await provider.storage.put(vendorKey, session.session_id);
  return [201, diditSession(session, provider.env)];
}

/** The session as Didit's create answer serialises it; the url carries the language, if any. */
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

/** Records the decision and sends the person to the callback, as Didit documents. */
async function diditFinish(provider, session, request, lang) {
  const status = String((await request.formData()).get("status"));
  if (!Object.values(DIDIT_OUTCOMES).includes(status)) return new Response("Bad status", { status: 400 });
  session.status = status;
  await provider.storage.put(`session:${session.session_id}`, session);
  if (session.callback === null) {
    return htmlPage("Didit (local stand-in)", `<h1>Verification done</h1><p>Status: <strong id="status">${escapeHtml(status)}</strong>. You can close this page.</p>`, { lang });
  }
  return withParams(new URL(session.callback), { verificationSessionId: session.session_id, status });
}

// ---------------------------------------------------------------------------------------------
// Verifa

const VERIFA_REASONS = ["document_unreadable", "face_mismatch", "liveness_failed"];
// A valid 1×1 PNG: Verifa sends a QR code of the capture URL; the demo only needs a real image.
const QR_PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABAQAAAAA3bvkkAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==";

const VERIFA_RULES = {
  external_ref: [isText, "must be a non-empty string"],
  metadata: [isObject, "must be an object"],
  country: [(v) => typeof v === "string" && /^[A-Z]{2}$/.test(v), "must be an ISO 3166-1 alpha-2 code"],
  checks: [isTextList, "must be a list of strings"],
  workflow_id: [isText, "must be a non-empty string"],
  redirect_url: [isWebUrl, "must be an http(s) URL"],
};

async function verifa(provider, request, url) {
  if (url.pathname === "/v1/sessions" || url.pathname.startsWith("/v1/sessions/")) {
    // Verifa documents the rate-limit headers on its answers, so every API call counts and gets them.
    const { headers, refused } = await provider.rateLimit({ message: "Too many requests" });
    if (refused) return refused;
    if (request.headers.get("X-API-Key") !== provider.env.API_KEY) {
      return json(401, { message: "Missing or invalid API key" }, headers);
    }
    if (url.pathname === "/v1/sessions" && request.method === "POST") return verifaCreate(provider, request, headers);
    const id = url.pathname.match(/^\/v1\/sessions\/(ses_[0-9a-f]{24})$/)?.[1];
    const session = id && request.method === "GET" ? await verifaSession(provider, id) : null;
    if (!session) return json(404, { message: "Not found" }, headers);
    return json(200, { ...verifaAnswer(session, provider.env), failure_reason: session.failure_reason }, headers);
  }
  const capture = url.pathname.match(/^\/capture\/(ses_[0-9a-f]{24})$/);
  if (!capture) return null;
  const session = await verifaSession(provider, capture[1]);
  if (!session) return htmlPage("Verifa (local stand-in)", "<h1>Unknown session</h1>", { status: 404 });
  if (session.status === "expired") {
    return htmlPage("Verifa (local stand-in)", `<h1>This link has expired</h1><p>It was valid until ${session.expires_at}. Ask for a new one.</p>`, { status: 410 });
  }
  if (session.status !== "created") {
    return htmlPage("Verifa (local stand-in)", `<h1>Capture finished</h1><p>Status: <strong id="status">${session.status}</strong></p>`, { status: 409 });
  }
  if (request.method === "GET") return verifaPage(session);
  if (request.method === "POST") return verifaFinish(provider, session, request);
  return null;
}

async function verifaCreate(provider, request, headers) {
  const key = request.headers.get("Idempotency-Key");
  if (key !== null && (key === "" || key.length > 255)) {
    return json(400, { message: "Idempotency-Key must be 1 to 255 characters", field: "Idempotency-Key" }, headers);
  }
  const version = request.headers.get("Verifa-Version");
  if (version !== null && !isDate(version)) {
    return json(400, { message: "Verifa-Version must be a date (YYYY-MM-DD)", field: "Verifa-Version" }, headers);
  }
  const conflict = { message: "Idempotency-Key reused with different parameters" };
  return provider.once(request, conflict, headers, async (raw) => {
    const { body, message } = parseObject(raw);
    if (!body) return [400, { message }];
    const problem = firstProblem(body, VERIFA_RULES);
    if (problem) return [400, problem];
    // Whole seconds, so expires_at is exactly EXPIRES_IN_SECONDS after created_at.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const rfc3339 = (ms) => new Date(ms).toISOString().replace(".000Z", "Z");
    // Only what later answers and the capture page use is kept: metadata, country, checks and
    // workflow_id would steer a real capture flow, which this stand-in replaces by a choice.
    const session = {
      id: `ses_${randomHex(12)}`,
      status: "created",
      created_at: rfc3339(now),
      expires_at: rfc3339(now + Number(provider.env.EXPIRES_IN_SECONDS ?? 3600) * 1000),
      external_ref: body.external_ref ?? null,
      redirect_url: body.redirect_url ?? null,
      failure_reason: null,
    };
    await provider.storage.put(`session:${session.id}`, session);
    await provider.countSession();
    return [201, verifaAnswer(session, provider.env)];
  });
}

/** The session as Verifa's create answer documents it. */
function verifaAnswer(session, env) {
  const { id, status, created_at, expires_at, external_ref } = session;
  return {
    id,
    status,
    capture_url: `${publicUrl(env)}/capture/${id}`,
    is_sandbox: true,
    created_at,
    expires_at,
    external_ref,
    qr_code_data_url: QR_PNG,
    tags: [],
  };
}

/** The stored session, which becomes expired once past expires_at without an outcome. */
async function verifaSession(provider, id) {
  const session = await provider.storage.get(`session:${id}`);
  if (session?.status === "created" && Date.now() >= Date.parse(session.expires_at)) {
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
  session.status = outcome;
  session.failure_reason = outcome === "failed" ? reason : null;
  await provider.storage.put(`session:${session.id}`, session);
  if (session.redirect_url === null) {
    return htmlPage("Verifa (local stand-in)", `<h1>Capture done</h1><p>Status: <strong id="status">${outcome}</strong>. You can close this page.</p>`);
  }
  const params = { verifa_session: session.id, verifa_status: outcome };
  if (outcome === "failed") params.verifa_reason = reason;
  return withParams(new URL(session.redirect_url), params);
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
    // Counters for the tests (sessions created, tokens left); off unless configured.
    if (url.pathname === "/__stats" && this.env.EXPOSE_STATS) {
      const [sessions, balance] = await Promise.all([this.storage.get("count"), this.storage.get("balance")]);
      return json(200, { sessions: sessions ?? 0, balance: balance ?? Number(this.env.TOKEN_BALANCE ?? 1000) });
    }
    const answer = await MODES[this.env.MODE ?? "deepidv"](this, request, url);
    return answer ?? new Response("Not found", { status: 404 });
  }

  /**
   * A fixed window per API key: RATE_LIMIT requests per RATE_WINDOW_SECONDS. Returns the
   * X-RateLimit-* headers, and the 429 answer (with `refusal` as its body) when over.
   */
  async rateLimit(refusal) {
    const limit = Number(this.env.RATE_LIMIT ?? 30);
    const windowMs = Number(this.env.RATE_WINDOW_SECONDS ?? 60) * 1000;
    const now = Date.now();
    let window = (await this.storage.get("rate")) ?? { start: now, count: 0 };
    if (now - window.start >= windowMs) window = { start: now, count: 0 };
    window.count += 1;
    await this.storage.put("rate", window);
    const reset = Math.ceil((window.start + windowMs) / 1000);
    const headers = {
      "X-RateLimit-Limit": String(limit),
      "X-RateLimit-Remaining": String(Math.max(0, limit - window.count)),
      "X-RateLimit-Reset": String(reset),
    };
    if (window.count <= limit) return { headers };
    const retryAfter = String(Math.max(1, reset - Math.floor(now / 1000)));
    return { headers, refused: json(429, refusal, { ...headers, "Retry-After": retryAfter }) };
  }

  /**
   * Runs `create(rawBody)` → [status, body] once per Idempotency-Key: for 24 h the same key
   * replays the stored answer, and with another body gets 422 (`conflict`).
   */
  async once(request, conflict, headers, create) {
    const raw = await request.text();
    const key = request.headers.get("Idempotency-Key");
    if (key) {
      const seen = await this.storage.get(`idem:${key}`);
      if (seen && Date.now() - seen.at < IDEMPOTENCY_TTL_MS) {
        if (seen.body !== raw) return json(422, conflict, headers);
        return json(seen.status, seen.response, { ...headers, "Idempotent-Replayed": "true" });
      }
    }
    const [status, response] = await create(raw);
    if (key) await this.storage.put(`idem:${key}`, { body: raw, status, response, at: Date.now() });
    // A slow provider, for the tests: the answer comes late, after the session exists.
    if (this.env.SLOW_CREATE_MS && status < 300) await new Promise((r) => setTimeout(r, Number(this.env.SLOW_CREATE_MS)));
    return json(status, response, headers);
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
}
