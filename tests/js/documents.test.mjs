// The provider documents, line by line, through the BUILT package (idv-handoff and
// idv-handoff/server, as installed in node_modules): one table-driven test per provider, for the
// facts visible at the package's surface. Each row cites the line of the document it checks
// ("003:254": shared/seeds/003_*, line 254, 1-based) with a quote of that line, checked against
// the document (tests/data/seeds/, helpers/seeds.mjs), so a row cannot drift from the line it
// claims.
//
// The proxy createSession talks to, and the provider the server half talks to, are tiny
// node:http servers on 127.0.0.1 answering what the documents show. Where the documents
// contradict each other or are silent, the row checks the package's choice ("CHOICE").
// tests/documents.rs checks the same documents, in more detail, on the native core.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { parseCallback, normalizeSessionRequest, buildHandoffUrl, buildReturnUrl, createSession, IdvError } from "idv-handoff";
import { createIdvHandler } from "idv-handoff/server";
import { checkSeedQuote } from "./helpers/seeds.mjs";

// ---------------------------------------------------------------------------------------------
// The tables: [reference, quote, claim, check]

/** Each row as a subtest, in order (rows share the two servers). */
async function runTable(t, rows) {
  const seen = new Set();
  for (const [ref, quote, claim, check] of rows) {
    assert.ok(!seen.has(`${ref} ${quote}`), `${ref} ${quote}: the same row twice`);
    seen.add(`${ref} ${quote}`);
    await t.test(`${ref} ${claim}`, async () => {
      checkSeedQuote(ref, quote);
      proxy.reset();
      provider.reset();
      await check();
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The two servers: `answer(fn)` sets how it answers, fn(request) returning { status, json |
// text, headers }, or a list of those, one per request (the last repeated).

async function startServer() {
  const requests = [];
  let respond;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const entry = { method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(entry);
      const a = respond(entry, requests.length - 1);
      const headers = { ...(a.headers ?? {}) };
      let text = a.text ?? "";
      if (a.json !== undefined) {
        text = JSON.stringify(a.json);
        headers["Content-Type"] = "application/json";
      }
      res.writeHead(a.status, headers).end(text);
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const unset = () => ({ status: 500, json: { message: "no answer set" } });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    answer(a) {
      respond = typeof a === "function" ? a : Array.isArray(a) ? (_, i) => a[Math.min(i, a.length - 1)] : () => a;
    },
    reset() {
      requests.length = 0;
      respond = unset;
    },
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(ok);
      }),
  };
}

let proxy;
let provider;
before(async () => {
  [proxy, provider] = await Promise.all([startServer(), startServer()]);
});
after(async () => {
  await Promise.all([proxy?.close(), provider?.close()]);
});

// ---------------------------------------------------------------------------------------------
// Helpers

/** Every call goes to http://127.0.0.1, hence allowInsecureProxy; short waits keep it quick. */
const DEV = { allowInsecureProxy: true, maxDelayMs: 100 };
const APP = "https://yourapp.com";
const RETURN = `${APP}/idv/return`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Says the proxy deduplicates creates by Idempotency-Key (as the package's server half does). */
const DEDUPLICATED = { "Idv-Idempotency": "deduplicated" };

/** The IdvError `f` throws or rejects with. */
async function refusal(f) {
  try {
    await f();
  } catch (e) {
    assert.ok(e instanceof IdvError && e instanceof Error, String(e));
    return e;
  }
  assert.fail("did not throw");
}

/** The code and field normalizeSessionRequest refuses `request` with. */
async function refusedAs(request, options) {
  const e = await refusal(() => normalizeSessionRequest(request, options));
  return [e.code, e.field];
}

/** createSession against the proxy (or `via`), answering `answer` (see startServer). */
function create(request, answer, options = {}, via = proxy) {
  via.answer(answer);
  return createSession(`${via.url}/api/idv/sessions`, request, { ...DEV, ...options });
}

/**
 * Runs `body` with a proxy of its own that never says it deduplicates: createSession remembers,
 * per proxy origin, one that said so in any answer of this process (pkg session.js), and the
 * shared proxy has.
 */
async function withSilentProxy(body) {
  const silent = await startServer();
  silent.reset();
  try {
    await body(silent);
  } finally {
    await silent.close();
  }
}

const KEY = "sk_live_DOCUMENTS_1";

/** The server half for `name`, its provider the local server. */
function handler(name, options = {}) {
  return createIdvHandler({
    provider: name,
    apiKey: KEY,
    providerUrl: provider.url,
    allowInsecureLocalhost: true,
    returnUrls: [RETURN],
    timeoutMs: 3000,
    ...options,
  });
}

/** The server half's status route for session `id`, the provider answering `answer`. */
async function statusOf(name, id, answer, options) {
  provider.answer(answer);
  const res = await handler(name, options)(new Request(`${APP}/api/idv/sessions/${id}`));
  return { status: res.status, body: await res.json() };
}

/** A create through the server half, with `headers`. */
async function createThrough(h, body, headers = {}) {
  const res = await h(
    new Request(`${APP}/api/idv/sessions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: JSON.stringify(body),
    }),
  );
  return { status: res.status, headers: res.headers, body: await res.json() };
}

// ---------------------------------------------------------------------------------------------
// deepidv (000, 001, 002)

const PERSON = { first_name: "John", last_name: "Doe", email: "john.doe@example.com", phone: "+15192223333" };
// The example answer of 000 (lines 11-16 and 73-78).
const DEEPIDV_ANSWER = { idv_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890", session_url: "https://app.deepidv.com", externalId: "user-12345", links: [] };

async function deepidvSummary(word) {
  const { status, body } = await statusOf("deepidv", "abc123", { status: 200, json: { sessionRecord: { status: word } } });
  assert.equal(status, 200);
  assert.equal(provider.requests[0].headers["x-api-key"], KEY);
  return body;
}

const DEEPIDV = [
  ["000:35", "phone number in E.164 format (e.g. +15192223333)", "a phone not in strict E.164 is refused, naming phone", async () => {
    assert.equal(normalizeSessionRequest(PERSON).phone, "+15192223333");
    for (const phone of ["15192223333", "+1 519 222 3333", "+1-519-222-3333", "+05192223333"]) {
      assert.deepEqual(await refusedAs({ ...PERSON, phone }), ["invalid_request", "phone"], phone);
    }
  }],
  ["000:32", "first_namefirstNamestringYes", "the four required fields are named when missing", async () => {
    assert.deepEqual(await refusedAs({ ...PERSON, first_name: undefined }), ["invalid_request", "first_name"]);
    const e = await refusal(() => normalizeSessionRequest({}, { reportAll: true }));
    assert.deepEqual(e.errors.map((p) => p.field), ["first_name", "last_name", "email", "phone"]);
  }],
  ["000:30", "the camelCase value takes priority", "either spelling is accepted, snake_case is sent, camelCase wins", async () => {
    const body = normalizeSessionRequest({ firstName: "Jane", first_name: "Ignored", lastName: "Doe", email: "jane@example.com", phone: "+15551234567", externalId: "user_abc123" });
    assert.deepEqual(body, { first_name: "Jane", last_name: "Doe", email: "jane@example.com", phone: "+15551234567", external_id: "user_abc123" });
  }],
  ["000:37", "sendEmailInvitebooleanNo", "send_email_invite must be a boolean", async () => {
    assert.deepEqual(await refusedAs({ ...PERSON, sendEmailInvite: "yes" }), ["invalid_request", "send_email_invite"]);
    assert.equal(normalizeSessionRequest({ ...PERSON, sendEmailInvite: false }).send_email_invite, false);
  }],
  ["001:16", "Must be a valid HTTPS URL", "redirect_url must be https; it is sent canonical", async () => {
    assert.deepEqual(await refusedAs({ ...PERSON, redirectUrl: "http://yourapp.com/done" }), ["invalid_request", "redirect_url"]);
    assert.equal(normalizeSessionRequest({ ...PERSON, redirectUrl: "https://YourApp.com/done" }).redirect_url, "https://yourapp.com/done");
  }],
  ["000:26", "Content-TypeYesapplication/json", "createSession POSTs the snake_case JSON body, with an Idempotency-Key and no API key", async () => {
    await create({ firstName: "John", lastName: "Doe", email: "john.doe@example.com", phone: "+15192223333" }, { status: 200, json: DEEPIDV_ANSWER });
    const [sent] = proxy.requests;
    assert.equal(sent.method, "POST");
    assert.equal(sent.headers["content-type"], "application/json");
    assert.match(sent.headers["idempotency-key"], UUID);
    assert.equal(sent.headers["x-api-key"], undefined);
    assert.deepEqual(JSON.parse(sent.body), PERSON);
  }],
  // CHOICE: 000:61 calls session_url a "Base URL" (the example is the bare host); the guide, the
  // "URL to send the user to" (002:31): it is the Session's sessionUrl, the handoff's target.
  ["000:12", "\"idv_id\": \"a1b2c3d4-e5f6-7890-abcd-ef1234567890\",", "the documented answer gives the Session: id, sessionUrl, externalId, links", async () => {
    const session = await create(PERSON, { status: 200, json: DEEPIDV_ANSWER });
    assert.deepEqual(session, {
      id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
      sessionUrl: "https://app.deepidv.com/",
      externalId: "user-12345",
      links: [],
      raw: DEEPIDV_ANSWER,
    });
  }],
  // CHOICE: 000:60 names the id `idv_id`, 001:19 and the guide (002:30) `id`: both are read.
  ["001:19", "id | string | Unique identifier for the created session", "an answer with `id` (and no idv_id) gives the Session's id", async () => {
    const answer = { id: "s-1", session_url: "https://app.deepidv.com/s/1", links: [] };
    assert.equal((await create(PERSON, { status: 200, json: answer })).id, "s-1");
  }],
  ["002:31", "sessionUrlstringURL to send the user to for verification", "the guide's camelCase sessionUrl is read too", async () => {
    const answer = { id: "s-2", sessionUrl: "https://app.deepidv.com/s/2" };
    const session = await create(PERSON, { status: 200, json: answer });
    assert.deepEqual([session.sessionUrl, session.links], ["https://app.deepidv.com/s/2", []]);
  }],
  ["000:68", "400 Bad RequestInvalid request body", "a 400 is invalid_request with the field the provider named; not retried", async () => {
    const e = await refusal(() => create(PERSON, { status: 400, json: { message: "check phone format", field: "phone" }, headers: DEDUPLICATED }));
    assert.deepEqual([e.code, e.status, e.field, e.message], ["invalid_request", 400, "phone", "check phone format"]);
    assert.equal(proxy.requests.length, 1);
  }],
  ["000:69", "401 UnauthorizedMissing or invalid API key", "a 401 is unauthorized", async () => {
    const e = await refusal(() => create(PERSON, { status: 401, json: { message: "Missing or invalid API key" } }));
    assert.deepEqual([e.code, e.status], ["unauthorized", 401]);
  }],
  ["000:70", "402 Payment RequiredInsufficient token balance", "a 402 is payment_required", async () => {
    const e = await refusal(() => create(PERSON, { status: 402, json: {} }));
    assert.deepEqual([e.code, e.status], ["payment_required", 402]);
  }],
  ["000:71", "404 Not FoundWorkflow ID not found", "a 404 is workflow_not_found", async () => {
    const e = await refusal(() => create({ ...PERSON, workflowId: "wf_nope" }, { status: 404, json: { message: "Workflow ID not found" } }));
    assert.deepEqual([e.code, e.status], ["workflow_not_found", 404]);
  }],
  ["000:72", "429 Too Many RequestsRate limit exceeded", "a 429 is waited out and sent again; past the retries, rate_limited", async () => {
    const session = await create(PERSON, [{ status: 429, headers: { "Retry-After": "0" } }, { status: 200, json: DEEPIDV_ANSWER }]);
    assert.equal(session.id, DEEPIDV_ANSWER.idv_id);
    assert.equal(proxy.requests.length, 2);
    proxy.reset();
    const e = await refusal(() => create(PERSON, { status: 429, headers: { "Retry-After": "7" } }, { maxRetries: 0 }));
    assert.deepEqual([e.code, e.status, e.retryAfterMs], ["rate_limited", 429, 7000]);
  }],
  ["000:18", "Creates a new identity verification session", "a create that may have made a session (503) is not re-sent unless the proxy deduplicates", async () => {
    await withSilentProxy(async (silent) => {
      const e = await refusal(() => create(PERSON, { status: 503, json: {} }, {}, silent));
      assert.deepEqual([e.code, e.status, silent.requests.length], ["upstream_error", 503, 1]);
      silent.reset();
      await create(PERSON, [{ status: 503, json: {}, headers: DEDUPLICATED }, { status: 200, json: DEEPIDV_ANSWER }], {}, silent);
      assert.equal(silent.requests.length, 2);
      assert.equal(silent.requests[0].headers["idempotency-key"], silent.requests[1].headers["idempotency-key"]);
    });
  }],
  // CHOICE: buildHandoffUrl puts the return URL (with the state) in the hosted URL itself.
  ["001:30", "the returned session_url will include it as an encoded query parameter", "buildHandoffUrl puts the return URL, with the state, in redirect_url", async () => {
    const url = new URL(buildHandoffUrl("https://app.deepidv.com/s/abc", { redirectUrl: `${APP}/done`, state: "st1" }));
    assert.deepEqual(url.searchParams.getAll("redirect_url"), [`${APP}/done?state=st1`]);
    assert.equal(url.origin + url.pathname, "https://app.deepidv.com/s/abc");
  }],
  ["001:34", "session_id | string | The session ID", "parseCallback reads session_id, status and reason", async () => {
    assert.deepEqual(parseCallback(`${APP}/done?session_id=abc123&status=failed&reason=face_mismatch`), {
      provider: "deepidv", sessionId: "abc123", status: "failed", reason: "face_mismatch", rawStatus: "failed", rawReason: "face_mismatch",
    });
  }],
  ["001:36", "(omitted when status is success)", "a reason that comes with success is dropped", async () => {
    assert.deepEqual(parseCallback("session_id=a&status=success&reason=face_mismatch"), { provider: "deepidv", sessionId: "a", status: "success", rawStatus: "success" });
  }],
  ["001:52", "values may be added in the future", "a reason not in the list is `unknown`, the raw one kept", async () => {
    const cb = parseCallback("session_id=a&status=failed&reason=liveness_timeout");
    assert.deepEqual([cb.reason, cb.rawReason], ["unknown", "liveness_timeout"]);
  }],
  // CHOICE: the guide's return contradicts 001's list (session_id; success|failed|abandoned):
  // both are read, SUBMITTED as success.
  ["002:46", "status=SUBMITTED&sessionId=abc123", "the guide's return parses: sessionId, SUBMITTED as success", async () => {
    const cb = parseCallback("https://yourapp.com/verification-complete?status=SUBMITTED&sessionId=abc123");
    assert.deepEqual([cb.sessionId, cb.status, cb.rawStatus], ["abc123", "success", "SUBMITTED"]);
    assert.equal((await refusal(() => parseCallback("session_id=a&status=submitted"))).code, "invalid_status");
  }],
  ["002:142", "PENDINGSession created, user hasn", "the status route: PENDING is pending, not final", async () => {
    const body = await deepidvSummary("PENDING");
    assert.deepEqual(body, { provider: "deepidv", id: "abc123", status: "pending", final: false, raw: { sessionRecord: { status: "PENDING" } } });
    // ASSUMED (the documents give no REST path for a read): GET /v1/sessions/{id}.
    assert.deepEqual([provider.requests[0].method, provider.requests[0].path], ["GET", "/v1/sessions/abc123"]);
  }],
  ["002:143", "SUBMITTEDUser completed the verification flowAPI", "the status route: SUBMITTED is submitted, final", async () => {
    const body = await deepidvSummary("SUBMITTED");
    assert.deepEqual([body.status, body.final], ["submitted", true]);
  }],
  ["002:144", "VERIFIEDApproved by your teamYou (via updateStatus)", "the status route: VERIFIED is verified, final", async () => {
    const body = await deepidvSummary("VERIFIED");
    assert.deepEqual([body.status, body.final], ["verified", true]);
  }],
];

test("deepidv: the package does what 000, 001 and 002 say", async (t) => {
  await runTable(t, DEEPIDV);
});

// ---------------------------------------------------------------------------------------------
// Didit (003)

const WORKFLOW = "11111111-2222-3333-4444-555555555555";
const DIDIT = { provider: "didit" };
// The example request of 003 (lines 12-32) and its answer (lines 33-47).
const DIDIT_REQUEST = {
  workflow_id: WORKFLOW,
  vendor_data: "user-123",
  callback: "https://example.com/verification/callback",
  callback_method: "both",
  metadata: { user_type: "premium", account_id: "ABC123" },
  language: "en",
  contact_details: { email: "john.doe@example.com", send_notification_emails: true, email_lang: "en", phone: "+14155552671" },
  expected_details: { first_name: "John", last_name: "Doe", date_of_birth: "1990-05-15", id_country: "USA", expected_document_types: ["P", "ID"] },
};
const DIDIT_ANSWER = {
  session_id: WORKFLOW,
  session_number: 43762,
  session_token: "3FaJ9wLqX2Mz",
  url: "https://verify.didit.me/en/session/3FaJ9wLqX2Mz",
  vendor_data: "user-123",
  metadata: { user_type: "premium", account_id: "ABC123" },
  status: "Not Started",
  workflow_id: WORKFLOW,
  workflow_version: 3,
  callback: "https://example.com/verification/callback",
};

async function diditSummary(word) {
  const { status, body } = await statusOf("didit", WORKFLOW, { status: 200, json: { session_id: WORKFLOW, status: word } });
  assert.equal(status, 200);
  assert.deepEqual([provider.requests[0].method, provider.requests[0].path], ["GET", `/v3/session/${WORKFLOW}/decision/`]);
  return [body.status, body.final];
}

const DIDIT_ROWS = [
  ["003:13", "\"workflow_id\": \"11111111-2222-3333-4444-555555555555\",", "the documented example request is sent as it is", async () => {
    assert.deepEqual(normalizeSessionRequest(DIDIT_REQUEST, DIDIT), DIDIT_REQUEST);
  }],
  ["003:102", "string<uuid>", "workflow_id must be a UUID, and is required", async () => {
    assert.deepEqual(await refusedAs({ workflow_id: "wf_abc" }, DIDIT), ["invalid_request", "workflow_id"]);
    assert.deepEqual(await refusedAs({}, DIDIT), ["invalid_request", "workflow_id"]);
  }],
  ["003:123", "Custom URL schemes (e.g. myapp://) are supported for mobile callbacks", "a myapp:// callback only with allowedAppSchemes", async () => {
    const mobile = { workflow_id: WORKFLOW, callback: "myapp://verified" };
    assert.deepEqual(await refusedAs(mobile, DIDIT), ["invalid_request", "callback"]);
    assert.deepEqual(normalizeSessionRequest(mobile, { ...DIDIT, allowedAppSchemes: ["myapp"] }), mobile);
    assert.equal(buildReturnUrl("myapp://verified", { state: "st1", allowedAppSchemes: ["myapp"] }), "myapp://verified?state=st1");
    const e = await refusal(() => buildReturnUrl("myapp://verified", { state: "st1" }));
    assert.deepEqual([e.code, e.field], ["insecure_url", "redirectUrl"]);
  }],
  ["003:156", "Language code (ISO 639-1) for the verification process interface.", "a language Didit does not list is refused", async () => {
    assert.deepEqual(await refusedAs({ workflow_id: WORKFLOW, language: "xx" }, DIDIT), ["invalid_request", "language"]);
    assert.equal(normalizeSessionRequest({ workflow_id: WORKFLOW, language: "pt-BR" }, DIDIT).language, "pt-BR");
  }],
  ["003:227", "\"phone\": \"+14155552671\"", "contact_details.phone must be E.164, named by its path", async () => {
    assert.deepEqual(await refusedAs({ workflow_id: WORKFLOW, contact_details: { phone: "4155552671" } }, DIDIT), ["invalid_request", "contact_details.phone"]);
  }],
  ["003:238", "\"date_of_birth\": \"1990-05-15\",", "date_of_birth must be a real YYYY-MM-DD date", async () => {
    for (const date of ["15/05/1990", "1990-02-30"]) {
      assert.deepEqual(await refusedAs({ workflow_id: WORKFLOW, expected_details: { date_of_birth: date } }, DIDIT), ["invalid_request", "expected_details.date_of_birth"], date);
    }
  }],
  ["003:240", "\"id_country\": \"USA\",", "id_country must be alpha-3", async () => {
    assert.deepEqual(await refusedAs({ workflow_id: WORKFLOW, expected_details: { id_country: "US" } }, DIDIT), ["invalid_request", "expected_details.id_country"]);
  }],
  // CHOICE: "2MB" read as 2 MiB of decoded image.
  ["003:246", "(max 2MB; JPEG, PNG, WebP, or TIFF)", "portrait_image: a JPEG or a 2 MiB PNG is taken; a GIF, or a byte more, is refused", async () => {
    assert.deepEqual(await refusedAs({ workflow_id: WORKFLOW, portrait_image: "R0lGODlhAQABAAAAACw=" }, DIDIT), ["invalid_request", "portrait_image"]);
    assert.ok(normalizeSessionRequest({ workflow_id: WORKFLOW, portrait_image: "/9j/4AAQSkZJRgABAQ==" }, DIDIT));
    const png2MiB = "iVBORw0KGgoA" + "A".repeat((Math.floor((2 * 1024 * 1024) / 3) * 4) - 12) + "AAA=";
    assert.equal(normalizeSessionRequest({ workflow_id: WORKFLOW, portrait_image: png2MiB }, DIDIT).portrait_image.length, png2MiB.length);
    const over = png2MiB.slice(0, -4) + "AAAA" + "AA==";
    assert.deepEqual(await refusedAs({ workflow_id: WORKFLOW, portrait_image: over }, DIDIT), ["invalid_request", "portrait_image"]);
  }],
  ["003:34", "\"session_id\": \"11111111-2222-3333-4444-555555555555\",", "the documented answer gives the Session: session_id, url, callback", async () => {
    const session = await create(DIDIT_REQUEST, { status: 201, json: DIDIT_ANSWER }, DIDIT);
    assert.deepEqual(session, {
      id: WORKFLOW,
      sessionUrl: "https://verify.didit.me/en/session/3FaJ9wLqX2Mz",
      returnUrl: "https://example.com/verification/callback",
      raw: DIDIT_ANSWER,
    });
    assert.deepEqual(JSON.parse(proxy.requests[0].body), DIDIT_REQUEST);
  }],
  ["003:66", "Response (201 Created):", "the second example's 201 answer is a Session", async () => {
    const answer = { session_id: "4c5c7f3a-1f82-4f3b-8d8e-1a8d2d2f9b7a", session_kind: "user", session_number: 1024, session_token: "abc", url: "https://verify.didit.me/session/abc", status: "Not Started", workflow_id: WORKFLOW, vendor_data: "user-42" };
    const session = await create({ workflow_id: WORKFLOW, vendor_data: "user-42" }, { status: 201, json: answer }, DIDIT);
    assert.deepEqual([session.id, session.sessionUrl, session.returnUrl], [answer.session_id, answer.url, undefined]);
  }],
  ["003:82", "Create Session generates a verification URL and session token.", "a create that may have made a session (503) is not re-sent unless the proxy deduplicates", async () => {
    await withSilentProxy(async (silent) => {
      const e = await refusal(() => create({ workflow_id: WORKFLOW }, { status: 503, json: {} }, DIDIT, silent));
      assert.deepEqual([e.code, silent.requests.length], ["upstream_error", 1]);
    });
  }],
  ["003:290", "https://verify.didit.me/{language}/session/{session_token}", "buildHandoffUrl puts the language in the path; Didit takes no redirectUrl there", async () => {
    assert.equal(buildHandoffUrl("https://verify.didit.me/session/3FaJ9wLqX2Mz", { provider: "didit", language: "es" }), "https://verify.didit.me/es/session/3FaJ9wLqX2Mz");
    assert.equal(buildHandoffUrl("https://verify.didit.me/session/3FaJ9wLqX2Mz", { provider: "didit" }), "https://verify.didit.me/session/3FaJ9wLqX2Mz");
    const e = await refusal(() => buildHandoffUrl("https://verify.didit.me/session/3FaJ9wLqX2Mz", { provider: "didit", redirectUrl: RETURN }));
    assert.deepEqual([e.code, e.field], ["invalid_option", "redirectUrl"]);
  }],
  ["003:342", "Didit appends ?verificationSessionId={session_id}&status={status} to this URL.", "parseCallback detects Didit and keeps its words", async () => {
    assert.deepEqual(parseCallback(`https://example.com/verification/callback?verificationSessionId=${WORKFLOW}&status=In%20Review`), {
      provider: "didit", sessionId: WORKFLOW, status: "in_review", rawStatus: "In Review",
    });
    assert.equal((await refusal(() => parseCallback(`verificationSessionId=${WORKFLOW}&status=approved`))).code, "invalid_status");
  }],
  ["003:9", "curl -X POST 'https://verification.didit.me/v3/session/'", "the server half creates with POST /v3/session/ and x-api-key", async () => {
    provider.answer({ status: 201, json: DIDIT_ANSWER });
    const res = await createThrough(handler("didit", { returnUrls: ["https://example.com/verification/callback"] }), DIDIT_REQUEST);
    assert.deepEqual([res.status, res.body], [201, DIDIT_ANSWER]);
    const [sent] = provider.requests;
    assert.deepEqual([sent.method, sent.path, sent.headers["x-api-key"]], ["POST", "/v3/session/", KEY]);
    assert.deepEqual(JSON.parse(sent.body), DIDIT_REQUEST);
  }],
  ["003:260", "Use this id when calling GET /v3/session/{sessionId}/decision/.", "the status route reads the decision: Approved is final", async () => {
    assert.deepEqual(await diditSummary("Approved"), ["approved", true]);
  }],
  ["003:328", "In Review,", "the status route: In Review is not final", async () => {
    assert.deepEqual(await diditSummary("In Review"), ["in_review", false]);
  }],
  ["003:331", "Kyc Expired,", "the status route: Kyc Expired is kyc_expired, final", async () => {
    assert.deepEqual(await diditSummary("Kyc Expired"), ["kyc_expired", true]);
  }],
  ["003:324", "Not Started,", "the status route: Not Started is not final; a word Didit does not list is a 502", async () => {
    assert.deepEqual(await diditSummary("Not Started"), ["not_started", false]);
    provider.reset();
    const { status, body } = await statusOf("didit", WORKFLOW, { status: 200, json: { status: "Done" } });
    assert.deepEqual([status, body.code], [502, "upstream_error"]);
  }],
];

test("didit: the package does what 003 says", async (t) => {
  await runTable(t, DIDIT_ROWS);
});

// ---------------------------------------------------------------------------------------------
// Verifa (004)

const VERIFA = { provider: "verifa" };
// A 1x1 PNG, base64: "Base64-encoded QR code PNG" (004:75).
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABAQAAAAA3bvkkAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==";
const VERIFA_ANSWER = {
  id: "ses_123",
  status: "created",
  capture_url: "https://capture.verifa.example/c/ses_123",
  is_sandbox: true,
  created_at: "2026-11-22T14:00:00Z",
  expires_at: "2099-11-22T15:00:00Z",
  external_ref: "order-42",
  qr_code_data_url: PNG,
  tags: [],
};
const VERIFA_SESSION = {
  id: "ses_123",
  sessionUrl: "https://capture.verifa.example/c/ses_123",
  externalId: "order-42",
  expiresAt: "2099-11-22T15:00:00Z",
  qrCodeDataUrl: `data:image/png;base64,${PNG}`,
};

const VERIFA_ROWS = [
  ["004:40", "ISO 3166-1 alpha-2 country code for document expectations.", "country must be alpha-2, in capitals", async () => {
    for (const country of ["gb", "GBR"]) {
      assert.deepEqual(await refusedAs({ country }, VERIFA), ["invalid_request", "country"], country);
    }
    assert.deepEqual(normalizeSessionRequest({ country: "GB" }, VERIFA), { country: "GB" });
  }],
  ["004:42", "checkslist of stringsOptional", "checks must be a list of strings", async () => {
    assert.deepEqual(await refusedAs({ checks: "document" }, VERIFA), ["invalid_request", "checks"]);
    assert.deepEqual(normalizeSessionRequest({ checks: ["document", "liveness"] }, VERIFA), { checks: ["document", "liveness"] });
  }],
  ["004:34", "metadatamap from strings to anyOptional", "metadata must be an object", async () => {
    assert.deepEqual(await refusedAs({ metadata: ["a"] }, VERIFA), ["invalid_request", "metadata"]);
  }],
  ["004:21", "API version date string (e.g. 2026-02-01)", "apiVersion is sent as Verifa-Version, a date, for Verifa only", async () => {
    await create({ external_ref: "order-42" }, { status: 201, json: VERIFA_ANSWER }, { ...VERIFA, apiVersion: "2026-02-01" });
    assert.equal(proxy.requests[0].headers["verifa-version"], "2026-02-01");
    for (const [request, options, apiVersion] of [[{}, VERIFA, "Feb 2026"], [{}, VERIFA, "2026-02-30"], [PERSON, {}, "2026-02-01"]]) {
      const e = await refusal(() => create(request, { status: 201, json: VERIFA_ANSWER }, { ...options, apiVersion }));
      assert.deepEqual([e.code, e.field], ["invalid_option", "apiVersion"], apiVersion);
    }
  }],
  ["004:15", "Idempotency-KeystringOptional<=255 characters", "an idempotencyKey of 255 characters is sent; 256 is refused", async () => {
    await create({}, { status: 201, json: VERIFA_ANSWER }, { ...VERIFA, idempotencyKey: "k".repeat(255) });
    assert.equal(proxy.requests[0].headers["idempotency-key"], "k".repeat(255));
    const e = await refusal(() => create({}, { status: 201, json: VERIFA_ANSWER }, { ...VERIFA, idempotencyKey: "k".repeat(256) }));
    assert.deepEqual([e.code, e.field], ["invalid_option", "idempotencyKey"]);
  }],
  ["004:17", "Unique key for idempotent requests.", "a 503 is sent again with the same key, even from a proxy that says nothing of idempotency", async () => {
    await withSilentProxy(async (silent) => {
      const session = await create({}, [{ status: 503, json: {} }, { status: 201, json: VERIFA_ANSWER }], VERIFA, silent);
      assert.equal(session.id, "ses_123");
      assert.equal(silent.requests.length, 2);
      assert.equal(silent.requests[0].headers["idempotency-key"], silent.requests[1].headers["idempotency-key"]);
    });
  }],
  ["004:75", "Base64-encoded QR code PNG pointing to the capture URL.", "the answer gives the Session: capture_url, expires_at, external_ref, the QR code as a data URL", async () => {
    const session = await create({ external_ref: "order-42" }, { status: 201, json: VERIFA_ANSWER }, VERIFA);
    assert.deepEqual(session, { ...VERIFA_SESSION, raw: VERIFA_ANSWER });
  }],
  // CHOICE: Key-Inflection's "Allowed values:" list is empty (004:27): camelCase is read too.
  ["004:27", "Allowed values:", "a camelCase answer gives the same Session", async () => {
    const camel = { id: "ses_123", status: "created", captureUrl: VERIFA_ANSWER.capture_url, isSandbox: true, createdAt: VERIFA_ANSWER.created_at, expiresAt: VERIFA_ANSWER.expires_at, externalRef: "order-42", qrCodeDataUrl: PNG, tags: [] };
    const session = await create({}, { status: 201, json: camel }, VERIFA);
    assert.deepEqual(session, { ...VERIFA_SESSION, raw: camel });
  }],
  ["004:71", "expires_atdatetime", "a hosted page past expires_at is not handed off to", async () => {
    const e = await refusal(() => buildHandoffUrl(VERIFA_ANSWER.capture_url, { provider: "verifa", expiresAt: "2000-01-01T00:00:00Z" }));
    assert.equal(e.code, "session_expired");
    assert.equal(buildHandoffUrl(VERIFA_ANSWER.capture_url, { provider: "verifa", expiresAt: VERIFA_ANSWER.expires_at }), VERIFA_ANSWER.capture_url);
  }],
  ["004:86", "Unauthorized Error", "a 401 is unauthorized", async () => {
    const e = await refusal(() => create({}, { status: 401, json: { message: "invalid key" } }, VERIFA));
    assert.deepEqual([e.code, e.status], ["unauthorized", 401]);
  }],
  // CHOICE: a 422 without the server half's code is Verifa's generic refusal, not a key conflict.
  ["004:88", "Unprocessable Entity Error", "a 422 is invalid_request (status 422); with the server half's code, idempotency_conflict", async () => {
    const e = await refusal(() => create({}, { status: 422, json: { message: "unprocessable" } }, VERIFA));
    assert.deepEqual([e.code, e.status], ["invalid_request", 422]);
    proxy.reset();
    const conflict = await refusal(() => create({}, { status: 422, json: { code: "idempotency_conflict", message: "x" } }, VERIFA));
    assert.deepEqual([conflict.code, conflict.status], ["idempotency_conflict", 422]);
  }],
  ["004:49", "URL to redirect the user to after capture is complete.", "parseCallback for Verifa needs the caller's parameter names", async () => {
    const e = await refusal(() => parseCallback("session_id=a&status=completed", { provider: "verifa" }));
    assert.deepEqual([e.code, e.field], ["invalid_option", "params"]);
    const cb = parseCallback("sid=ses_123&st=Needs%20Review", { provider: "verifa", params: { sessionId: "sid", status: "st" } });
    assert.deepEqual(cb, { provider: "verifa", sessionId: "ses_123", status: "needs_review", rawStatus: "Needs Review" });
  }],
  ["004:9", "X-API-Keystring", "the server half sends X-API-Key and forwards Idempotency-Key and Verifa-Version", async () => {
    provider.answer({ status: 201, json: VERIFA_ANSWER });
    const h = handler("verifa");
    const res = await createThrough(h, { external_ref: "order-42", redirect_url: RETURN }, { "Idempotency-Key": "key-1", "Verifa-Version": "2026-02-01" });
    assert.equal(res.status, 201);
    const [sent] = provider.requests;
    assert.deepEqual(
      [sent.headers["x-api-key"], sent.headers["idempotency-key"], sent.headers["verifa-version"]],
      [KEY, "key-1", "2026-02-01"],
    );
    // ASSUMED (the document gives no path): POST /v1/sessions.
    assert.deepEqual([sent.method, sent.path], ["POST", "/v1/sessions"]);
  }],
  ["004:17", "Sending the same key with different parameters returns 422.", "the server half: the same key with another body is a 422 idempotency_conflict, the provider untouched", async () => {
    provider.answer({ status: 201, json: VERIFA_ANSWER });
    const h = handler("verifa");
    assert.equal((await createThrough(h, { external_ref: "a" }, { "Idempotency-Key": "key-2" })).status, 201);
    const other = await createThrough(h, { external_ref: "b" }, { "Idempotency-Key": "key-2" });
    assert.deepEqual([other.status, other.body.code], [422, "idempotency_conflict"]);
    assert.equal(provider.requests.length, 1);
  }],
  ["004:17", "Cached for 24 hours.", "the server half: the same key and body get the first answer again, one create", async () => {
    provider.answer({ status: 201, json: VERIFA_ANSWER });
    const h = handler("verifa");
    const first = await createThrough(h, { external_ref: "a" }, { "Idempotency-Key": "key-3" });
    const again = await createThrough(h, { external_ref: "a" }, { "Idempotency-Key": "key-3" });
    assert.deepEqual([first.status, again.status, again.body], [201, 201, first.body]);
    assert.equal(provider.requests.length, 1);
  }],
  ["004:56", "Requests remaining in the current window.", "the server half passes the rate-limit headers on", async () => {
    provider.answer({ status: 429, json: { message: "slow down" }, headers: { "X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1900000000" } });
    const res = await createThrough(handler("verifa"), {});
    assert.equal(res.status, 429);
    assert.deepEqual(["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"].map((h) => res.headers.get(h)), ["100", "0", "1900000000"]);
  }],
  // ASSUMED: 004 lists no status words (line 65: `status`, an enum without values): the
  // handler's `statuses` option gives them.
  ["004:65", "statusenum", "the status route reads `status`, with the integrator's words", async () => {
    const options = { statuses: ["created", "completed!"] };
    const done = await statusOf("verifa", "ses_123", { status: 200, json: { ...VERIFA_ANSWER, status: "completed" } }, options);
    assert.deepEqual([done.status, done.body.status, done.body.final], [200, "completed", true]);
    provider.reset();
    const open = await statusOf("verifa", "ses_123", { status: 200, json: VERIFA_ANSWER }, options);
    assert.deepEqual([open.body.status, open.body.final], ["created", false]);
  }],
];

test("verifa: the package does what 004 says", async (t) => {
  await runTable(t, VERIFA_ROWS);
});
