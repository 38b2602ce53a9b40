// The stand-in provider (www/provider/worker.js) in its Didit and Verifa modes, in real workerd
// through startDemo, over plain HTTP: each documented answer and refusal, idempotency, the
// session read-back, and the hosted/capture page round trip down to the redirect's query.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { freePortPair } from "./helpers/ports.mjs";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { crc32, inflateSync } from "node:zlib";
import { startDemo } from "../../www/demo.mjs";

const API_KEY = `sk_test_${randomBytes(12).toString("hex")}`;
const WORKFLOW = "11111111-2222-3333-4444-555555555555";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
// Didit's own example portrait: a 1×1 PNG.
const PORTRAIT = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

/** A free loopback port pair (the demo app, the stand-in). */
async function standIn(mode, bindings = {}, persist) {
  const [port, providerPort] = await freePortPair();
  return startDemo({ mode, port, providerPort, apiKey: API_KEY, persist, provider: { EXPOSE_STATS: "1", ...bindings } });
}

/** Runs `body` against a stand-in of its own, closed afterwards. */
async function withStandIn(mode, bindings, body) {
  const demo = await standIn(mode, bindings);
  try {
    await body(demo.providerUrl);
  } finally {
    await demo.close();
  }
}

function postJson(url, body, headers = {}) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** A form posted from a hosted page, its redirect not followed. */
function postForm(url, fields) {
  return fetch(url, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
}

const stats = async (base) => (await fetch(`${base}/__stats`)).json();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let didit;
let verifa;
before(async () => {
  // The suite makes more calls a minute than the default limit (30) allows.
  [didit, verifa] = await Promise.all([standIn("didit", { RATE_LIMIT: "10000" }), standIn("verifa", { RATE_LIMIT: "10000" })]);
});
after(async () => {
  await didit?.close();
  await verifa?.close();
});

// ---------------------------------------------------------------------------------------------
// Didit

const diditCreate = (body, headers = {}, base = didit.providerUrl) =>
  postJson(`${base}/v3/session/`, body, { "x-api-key": API_KEY, ...headers });

async function diditSession(body = {}) {
  const res = await diditCreate({ workflow_id: WORKFLOW, ...body });
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

const decision = (id, key = API_KEY) => fetch(`${didit.providerUrl}/v3/session/${id}/decision/`, { headers: key ? { "x-api-key": key } : {} });

test("didit: 201 in Didit's documented shape, field by field", async () => {
  const request = {
    workflow_id: WORKFLOW,
    vendor_data: `user-${randomBytes(4).toString("hex")}`,
    callback: "https://app.example/verification/callback",
    callback_method: "both",
    metadata: { user_type: "premium", account_id: "ABC123" },
    language: "es",
    contact_details: { email: "john.doe@example.com", send_notification_emails: true, email_lang: "en", phone: "+14155552671" },
    expected_details: { first_name: "John", last_name: "Doe", date_of_birth: "1990-05-15", nationality: "USA", id_country: "USA", expected_document_types: ["P", "ID"] },
    portrait_image: PORTRAIT,
  };
  const res = await diditCreate(request);
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("content-type"), "application/json");
  const s = await res.json();
  assert.deepEqual(Object.keys(s), [
    "session_id", "session_number", "session_token", "url", "vendor_data", "metadata", "status",
    "workflow_id", "workflow_version", "callback", "session_kind",
  ]);
  assert.match(s.session_id, UUID);
  assert.ok(Number.isInteger(s.session_number) && s.session_number > 0, String(s.session_number));
  assert.match(s.session_token, /^[A-Za-z0-9]{12}$/);
  assert.equal(s.url, `${didit.providerUrl}/es/session/${s.session_token}`);
  assert.equal(s.vendor_data, request.vendor_data);
  assert.deepEqual(s.metadata, request.metadata);
  assert.equal(s.status, "Not Started");
  assert.equal(s.workflow_id, WORKFLOW);
  assert.equal(s.workflow_version, 1);
  assert.equal(s.callback, request.callback);
  assert.equal(s.session_kind, "user");
});

test("didit: without optional fields, vendor_data, metadata and callback are null and the url has no language", async () => {
  const s = await diditSession();
  assert.deepEqual([s.vendor_data, s.metadata, s.callback], [null, null, null]);
  assert.equal(s.url, `${didit.providerUrl}/session/${s.session_token}`);
});

test("didit: session_number is sequential and each session has its own id and token", async () => {
  const a = await diditSession();
  const b = await diditSession();
  assert.equal(b.session_number, a.session_number + 1);
  assert.notEqual(b.session_id, a.session_id);
  assert.notEqual(b.session_token, a.session_token);
});

test("didit: metadata of any JSON type is echoed verbatim", async () => {
  assert.deepEqual((await diditSession({ metadata: [1, "two", { three: 3 }] })).metadata, [1, "two", { three: 3 }]);
});

test("didit: a custom app scheme is a valid callback", async () => {
  assert.equal((await diditSession({ callback: "myapp://verified" })).callback, "myapp://verified");
});

test("didit: 401 without the x-api-key or with a wrong one", async () => {
  const missing = await postJson(`${didit.providerUrl}/v3/session/`, { workflow_id: WORKFLOW });
  assert.equal(missing.status, 401);
  const wrong = await diditCreate({ workflow_id: WORKFLOW }, { "x-api-key": "sk_test_wrong" });
  assert.equal(wrong.status, 401);
  assert.equal(typeof (await wrong.json()).detail, "string");
});

const tooBigPortrait = Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n", "latin1"), Buffer.alloc(2 * 1024 * 1024)]).toString("base64");
const DIDIT_BAD = [
  ["workflow_id", {}],
  ["workflow_id", { workflow_id: "wf_abc123" }],
  ["workflow_id", { workflow_id: 42 }],
  ["vendor_data", { vendor_data: 42 }],
  ["vendor_data", { vendor_data: " " }],
  ["callback", { callback: "javascript:alert(1)" }],
  ["callback", { callback: "data:text/html,hi" }],
  ["callback", { callback: "not a url" }],
  ["callback_method", { callback_method: "sometimes" }],
  ["language", { language: "xx" }],
  ["language", { language: "EN" }],
  ["contact_details", { contact_details: "john.doe@example.com" }],
  ["contact_details.email", { contact_details: { email: "john.doe@" } }],
  ["contact_details.send_notification_emails", { contact_details: { send_notification_emails: "yes" } }],
  ["contact_details.email_lang", { contact_details: { email_lang: "xx" } }],
  ["contact_details.phone", { contact_details: { phone: "555-1234" } }],
  ["expected_details", { expected_details: ["John"] }],
  ["expected_details.first_name", { expected_details: { first_name: "" } }],
  ["expected_details.last_name", { expected_details: { last_name: 7 } }],
  ["expected_details.date_of_birth", { expected_details: { date_of_birth: "1990-02-30" } }],
  ["expected_details.date_of_birth", { expected_details: { date_of_birth: "15/05/1990" } }],
  ["expected_details.nationality", { expected_details: { nationality: "US" } }],
  ["expected_details.id_country", { expected_details: { id_country: "usa" } }],
  ["expected_details.expected_document_types", { expected_details: { expected_document_types: "P" } }],
  ["portrait_image", { portrait_image: "not base64!" }],
  ["portrait_image", { portrait_image: Buffer.from("plain text, not an image").toString("base64") }],
  ["portrait_image", { portrait_image: tooBigPortrait }],
];

test("didit: each malformed field is a 400 naming it, and creates nothing", async () => {
  const before = await stats(didit.providerUrl);
  for (const [field, fields] of DIDIT_BAD) {
    const body = field === "workflow_id" ? fields : { workflow_id: WORKFLOW, ...fields };
    const res = await diditCreate(body);
    const answer = await res.json();
    assert.deepEqual([res.status, answer.field, typeof answer.detail], [400, field, "string"], JSON.stringify(fields).slice(0, 100));
  }
  assert.equal((await stats(didit.providerUrl)).sessions, before.sessions);
});

test("didit: a body that is not a JSON object is a 400 without a field", async () => {
  for (const body of ["{not json", "[1]", "null"]) {
    const res = await diditCreate(body);
    const answer = await res.json();
    assert.deepEqual([res.status, answer.field, typeof answer.detail], [400, undefined, "string"], body);
  }
});

test("didit: a well-formed workflow_id the account does not have is 404", async () => {
  const res = await diditCreate({ workflow_id: "99999999-2222-3333-4444-555555555555" });
  assert.equal(res.status, 404);
});

test("didit: the same Idempotency-Key replays the session; with another body it is 422", async () => {
  const key = crypto.randomUUID();
  const before = await stats(didit.providerUrl);
  const first = await diditCreate({ workflow_id: WORKFLOW }, { "Idempotency-Key": key });
  const replay = await diditCreate({ workflow_id: WORKFLOW }, { "Idempotency-Key": key });
  assert.equal(replay.status, 201);
  assert.deepEqual(await replay.json(), await first.json());
  assert.equal(replay.headers.get("idempotent-replayed"), "true");
  assert.equal((await stats(didit.providerUrl)).sessions, before.sessions + 1);
  const other = await diditCreate({ workflow_id: WORKFLOW, vendor_data: "someone-else" }, { "Idempotency-Key": key });
  assert.equal(other.status, 422);
});

test("didit: an unfinished session with the same vendor_data is returned, a finished one is not", async () => {
  const vendor_data = `user-${randomBytes(4).toString("hex")}`;
  const first = await diditSession({ vendor_data });
  const before = await stats(didit.providerUrl);
  const again = await diditSession({ vendor_data, callback: "https://app.example/other" });
  assert.equal(again.session_id, first.session_id);
  assert.equal(again.callback, null, "the existing session is returned as it is");
  assert.equal((await stats(didit.providerUrl)).sessions, before.sessions, "no new session, no token spent");
  await postForm(first.url, { status: "Declined" });
  assert.notEqual((await diditSession({ vendor_data })).session_id, first.session_id);
});

test("didit: the decision endpoint gives the status in Didit's words; 401; 404", async () => {
  const s = await diditSession({ vendor_data: "user-decision" });
  const res = await decision(s.session_id);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(
    { session_id: body.session_id, status: body.status, vendor_data: body.vendor_data, workflow_id: body.workflow_id },
    { session_id: s.session_id, status: "Not Started", vendor_data: "user-decision", workflow_id: WORKFLOW },
  );
  assert.equal((await decision(s.session_id, null)).status, 401);
  assert.equal((await decision(crypto.randomUUID())).status, 404);
});

test("didit: the hosted page offers the four decisions and moves the session to In Progress", async () => {
  const s = await diditSession();
  const page = await fetch(s.url);
  assert.equal(page.status, 200);
  const html = await page.text();
  for (const [id, status] of [["approved", "Approved"], ["declined", "Declined"], ["in_review", "In Review"], ["abandoned", "Abandoned"]]) {
    assert.ok(html.includes(`name="status" value="${status}" id="${id}"`), id);
  }
  assert.equal((await (await decision(s.session_id)).json()).status, "In Progress");
});

test("didit: the hosted page answers under any of Didit's languages, 404 otherwise", async () => {
  const s = await diditSession();
  assert.equal((await fetch(`${didit.providerUrl}/pt-BR/session/${s.session_token}`)).status, 200);
  assert.equal((await fetch(`${didit.providerUrl}/xx/session/${s.session_token}`)).status, 404);
  assert.equal((await fetch(`${didit.providerUrl}/session/AAAAAAAAAAAA`)).status, 404);
});

for (const status of ["Approved", "Declined", "In Review", "Abandoned"]) {
  test(`didit: deciding ${status} redirects to the callback with verificationSessionId and status`, async () => {
    const callback = "https://app.example/idv/return?state=abc~_-1&next=%2Fhome#top";
    const s = await diditSession({ callback, language: "fr" });
    const res = await postForm(s.url, { status });
    assert.equal(res.status, 303);
    const query = new URLSearchParams({ verificationSessionId: s.session_id, status });
    assert.equal(res.headers.get("location"), `https://app.example/idv/return?state=abc~_-1&next=%2Fhome&${query}#top`);
    assert.equal((await (await decision(s.session_id)).json()).status, status);
  });
}

test("didit: In Review travels form-encoded as In+Review", async () => {
  const s = await diditSession({ callback: "https://app.example/return" });
  const location = (await postForm(s.url, { status: "In Review" })).headers.get("location");
  assert.equal(location, `https://app.example/return?verificationSessionId=${s.session_id}&status=In+Review`);
});

test("didit: a custom-scheme callback gets the parameters too", async () => {
  const s = await diditSession({ callback: "myapp://verified" });
  const location = (await postForm(s.url, { status: "Approved" })).headers.get("location");
  assert.equal(location, `myapp://verified?verificationSessionId=${s.session_id}&status=Approved`);
});

test("didit: without a callback the page says the verification is done", async () => {
  const s = await diditSession();
  const res = await postForm(s.url, { status: "Approved" });
  assert.deepEqual([res.status, res.headers.get("location")], [200, null]);
  assert.match(await res.text(), /Verification done/);
});

test("didit: a decision outside the four is refused; a decided session takes no other", async () => {
  const s = await diditSession({ callback: "https://app.example/return" });
  assert.equal((await postForm(s.url, { status: "Kyc Expired" })).status, 400);
  await postForm(s.url, { status: "Declined" });
  const second = await postForm(s.url, { status: "Approved" });
  assert.deepEqual([second.status, second.headers.get("location")], [409, null]);
  assert.equal((await (await decision(s.session_id)).json()).status, "Declined");
});

test("didit: only the configured workflows exist, and a spent balance is 402", async () => {
  const custom = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
  await withStandIn("didit", { WORKFLOWS_DIDIT: `${WORKFLOW.replace("1111", "0000")},${custom}`, TOKEN_BALANCE: "1" }, async (base) => {
    assert.equal((await diditCreate({ workflow_id: WORKFLOW }, {}, base)).status, 404);
    assert.equal((await diditCreate({ workflow_id: custom }, {}, base)).status, 201);
    const spent = await diditCreate({ workflow_id: custom }, {}, base);
    assert.equal(spent.status, 402);
    assert.equal(typeof (await spent.json()).detail, "string");
  });
});

test("didit: over the rate limit, 429 with Retry-After and X-RateLimit-*", async () => {
  await withStandIn("didit", { RATE_LIMIT: "2", RATE_WINDOW_SECONDS: "60" }, async (base) => {
    const first = await diditCreate({ workflow_id: WORKFLOW }, {}, base);
    assert.deepEqual([first.headers.get("x-ratelimit-limit"), first.headers.get("x-ratelimit-remaining")], ["2", "1"]);
    await diditCreate({ workflow_id: WORKFLOW }, {}, base);
    const refused = await diditCreate({ workflow_id: WORKFLOW }, {}, base);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("x-ratelimit-remaining"), "0");
    const reset = Number(refused.headers.get("x-ratelimit-reset"));
    assert.ok(reset > Date.now() / 1000 && reset <= Date.now() / 1000 + 61, String(reset));
    // Whole seconds, rounded up: waiting that long reaches the window's reset.
    const retryAfter = Number(refused.headers.get("retry-after"));
    assert.ok(Number.isInteger(retryAfter) && retryAfter <= 61 && Date.now() / 1000 + retryAfter >= reset, String(retryAfter));
    assert.equal((await stats(base)).sessions, 2);
  });
});

// ---------------------------------------------------------------------------------------------
// Verifa

const verifaCreate = (body = {}, headers = {}, base = verifa.providerUrl) =>
  postJson(`${base}/v1/sessions`, body, { "X-API-Key": API_KEY, ...headers });

async function verifaSession(body = {}, base = verifa.providerUrl) {
  const res = await verifaCreate(body, {}, base);
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

const verifaGet = (id, key = API_KEY, base = verifa.providerUrl) =>
  fetch(`${base}/v1/sessions/${id}`, { headers: key ? { "X-API-Key": key } : {} });

/** A data: URL holding a well-formed PNG: signature, chunks with good CRCs, IHDR … IEND. */
function assertPngDataUrl(dataUrl) {
  const base64 = dataUrl.match(/^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/)?.[1];
  assert.ok(base64, dataUrl.slice(0, 40));
  const png = Buffer.from(base64, "base64");
  assert.equal(png.toString("base64"), base64, "canonical base64");
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const typeAndData = png.subarray(at + 4, at + 8 + length);
    assert.equal(png.readUInt32BE(at + 8 + length), crc32(typeAndData), "chunk CRC");
    chunks.push([typeAndData.subarray(0, 4).toString("latin1"), typeAndData.subarray(4)]);
    at += 12 + length;
  }
  assert.deepEqual([chunks[0][0], chunks.at(-1)[0]], ["IHDR", "IEND"]);
  const idat = Buffer.concat(chunks.filter(([type]) => type === "IDAT").map(([, data]) => data));
  assert.ok(inflateSync(idat).length > 0, "IDAT inflates");
}

test("verifa: 201 in Verifa's documented shape, field by field", async () => {
  const res = await verifaCreate(
    { external_ref: "user_abc123", metadata: { plan: "pro" }, country: "CA", checks: ["document", "liveness"], workflow_id: "wf_kyc", redirect_url: "https://app.example/done" },
    { "Verifa-Version": "2026-02-01" },
  );
  assert.equal(res.status, 201);
  const s = await res.json();
  assert.deepEqual(Object.keys(s), ["id", "status", "capture_url", "is_sandbox", "created_at", "expires_at", "external_ref", "qr_code_data_url", "tags"]);
  assert.match(s.id, /^ses_[0-9a-f]{24}$/);
  assert.equal(s.status, "created");
  assert.equal(s.capture_url, `${verifa.providerUrl}/capture/${s.id}`);
  assert.equal(s.is_sandbox, true);
  assert.match(s.created_at, RFC3339);
  assert.ok(Math.abs(Date.parse(s.created_at) - Date.now()) < 5000, s.created_at);
  assert.match(s.expires_at, RFC3339);
  assert.equal(Date.parse(s.expires_at) - Date.parse(s.created_at), 3600 * 1000);
  assert.equal(s.external_ref, "user_abc123");
  assertPngDataUrl(s.qr_code_data_url);
  assert.deepEqual(s.tags, []);
});

test("verifa: every field is optional; external_ref is then null", async () => {
  assert.equal((await verifaSession()).external_ref, null);
});

test("verifa: 401 without the X-API-Key or with a wrong one", async () => {
  assert.equal((await postJson(`${verifa.providerUrl}/v1/sessions`, {})).status, 401);
  const wrong = await verifaCreate({}, { "X-API-Key": "vk_sandbox_wrong" });
  assert.equal(wrong.status, 401);
  assert.equal(typeof (await wrong.json()).message, "string");
});

test("verifa: X-RateLimit-Limit, -Remaining and -Reset on every answer", async () => {
  const answers = [
    await verifaCreate(),
    await verifaCreate({ country: "usa" }),
    await verifaCreate({}, { "X-API-Key": "wrong" }),
    await verifaGet("ses_000000000000000000000000"),
  ];
  for (const res of answers) {
    const headers = ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"].map((h) => res.headers.get(h));
    assert.ok(headers.every((v) => /^\d+$/.test(v ?? "")), `${res.status}: ${headers}`);
  }
});

const VERIFA_BAD = [
  ["external_ref", 42],
  ["external_ref", ""],
  ["metadata", ["a"]],
  ["metadata", "plan=pro"],
  ["country", "ca"],
  ["country", "CAN"],
  ["checks", "document"],
  ["checks", ["document", 3]],
  ["workflow_id", 5],
  ["redirect_url", "ftp://app.example/done"],
  ["redirect_url", "javascript:alert(1)"],
  ["redirect_url", "/done"],
];

test("verifa: each malformed field is a 400 naming it, and creates nothing", async () => {
  const before = await stats(verifa.providerUrl);
  for (const [field, value] of VERIFA_BAD) {
    const res = await verifaCreate({ [field]: value });
    const answer = await res.json();
    assert.deepEqual([res.status, answer.field, typeof answer.message], [400, field, "string"], `${field}: ${JSON.stringify(value)}`);
  }
  assert.equal((await stats(verifa.providerUrl)).sessions, before.sessions);
});

test("verifa: a body that is not a JSON object is a 400 without a field", async () => {
  for (const body of ["{not json", "[]", ""]) {
    const res = await verifaCreate(body);
    const answer = await res.json();
    assert.deepEqual([res.status, answer.field, typeof answer.message], [400, undefined, "string"], JSON.stringify(body));
  }
});

test("verifa: an Idempotency-Key over 255 characters is a 400; 255 pass", async () => {
  const long = await verifaCreate({}, { "Idempotency-Key": "k".repeat(256) });
  assert.deepEqual([long.status, (await long.json()).field], [400, "Idempotency-Key"]);
  assert.equal((await verifaCreate({}, { "Idempotency-Key": "k".repeat(255) })).status, 201);
});

test("verifa: a Verifa-Version that is not a date is a 400", async () => {
  for (const version of ["2026-02-30", "Feb 1 2026", "2026-2-1"]) {
    const res = await verifaCreate({}, { "Verifa-Version": version });
    assert.deepEqual([res.status, (await res.json()).field], [400, "Verifa-Version"], version);
  }
});

test("verifa: the same Idempotency-Key replays the session; with another body it is 422", async () => {
  const key = crypto.randomUUID();
  const before = await stats(verifa.providerUrl);
  const first = await verifaCreate({ external_ref: "a" }, { "Idempotency-Key": key });
  const replay = await verifaCreate({ external_ref: "a" }, { "Idempotency-Key": key });
  assert.equal(replay.status, 201);
  assert.deepEqual(await replay.json(), await first.json());
  assert.equal((await stats(verifa.providerUrl)).sessions, before.sessions + 1);
  const other = await verifaCreate({ external_ref: "b" }, { "Idempotency-Key": key });
  assert.equal(other.status, 422);
  assert.equal(typeof (await other.json()).message, "string");
});

test("verifa: GET /v1/sessions/:id gives the session with its status; 401; 404", async () => {
  const s = await verifaSession({ external_ref: "ref-get" });
  const res = await verifaGet(s.id);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { ...s, failure_reason: null });
  assert.equal((await verifaGet(s.id, null)).status, 401);
  assert.equal((await verifaGet("ses_000000000000000000000000")).status, 404);
  assert.equal((await verifaGet("not-a-session")).status, 404);
});

test("verifa: the capture page offers completed, failed with a reason, and cancelled", async () => {
  const s = await verifaSession();
  const page = await fetch(s.capture_url);
  assert.equal(page.status, 200);
  const html = await page.text();
  for (const id of ["completed", "failed", "cancelled"]) assert.ok(html.includes(`value="${id}" id="${id}"`), id);
  const reasons = [...html.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(reasons, ["document_unreadable", "face_mismatch", "liveness_failed"]);
  assert.equal((await fetch(`${verifa.providerUrl}/capture/ses_000000000000000000000000`)).status, 404);
});

const RETURN = "https://app.example/idv/return?state=abc~_-1&x=a%20b";
const VERIFA_OUTCOMES = [
  [{ outcome: "completed", reason: "face_mismatch" }, "completed", null],
  [{ outcome: "cancelled" }, "cancelled", null],
  ...["document_unreadable", "face_mismatch", "liveness_failed"].map((reason) => [{ outcome: "failed", reason }, "failed", reason]),
];

for (const [form, status, reason] of VERIFA_OUTCOMES) {
  test(`verifa: ${status}${reason ? ` (${reason})` : ""} redirects with verifa_session, verifa_status${reason ? " and verifa_reason" : ""}`, async () => {
    const s = await verifaSession({ redirect_url: RETURN });
    const res = await postForm(s.capture_url, form);
    assert.equal(res.status, 303);
    const query = new URLSearchParams({ verifa_session: s.id, verifa_status: status, ...(reason ? { verifa_reason: reason } : {}) });
    assert.equal(res.headers.get("location"), `${RETURN}&${query}`);
    const record = await (await verifaGet(s.id)).json();
    assert.deepEqual([record.status, record.failure_reason], [status, reason]);
  });
}

test("verifa: a failure without a documented reason, or an unknown outcome, is refused", async () => {
  const s = await verifaSession({ redirect_url: RETURN });
  assert.equal((await postForm(s.capture_url, { outcome: "failed", reason: "liveness_spoof_detected" })).status, 400);
  assert.equal((await postForm(s.capture_url, { outcome: "success" })).status, 400);
  assert.equal((await (await verifaGet(s.id)).json()).status, "created");
});

test("verifa: without redirect_url the page says the capture is done", async () => {
  const s = await verifaSession();
  const res = await postForm(s.capture_url, { outcome: "completed" });
  assert.deepEqual([res.status, res.headers.get("location")], [200, null]);
  assert.match(await res.text(), /Capture done/);
});

test("verifa: a finished session takes no other outcome", async () => {
  const s = await verifaSession({ redirect_url: RETURN });
  await postForm(s.capture_url, { outcome: "cancelled" });
  const again = await postForm(s.capture_url, { outcome: "completed" });
  assert.deepEqual([again.status, again.headers.get("location")], [409, null]);
  assert.equal((await (await verifaGet(s.id)).json()).status, "cancelled");
});

test("verifa: past expires_at (EXPIRES_IN_SECONDS) the capture page is an expiry page and the session expired", async () => {
  await withStandIn("verifa", { EXPIRES_IN_SECONDS: "1" }, async (base) => {
    const s = await verifaSession({ redirect_url: RETURN }, base);
    assert.equal(Date.parse(s.expires_at) - Date.parse(s.created_at), 1000);
    await sleep(Date.parse(s.expires_at) - Date.now() + 100);
    const page = await fetch(s.capture_url);
    assert.equal(page.status, 410);
    assert.match(await page.text(), /expired/);
    assert.equal((await (await verifaGet(s.id, API_KEY, base)).json()).status, "expired");
    const late = await postForm(s.capture_url, { outcome: "completed" });
    assert.deepEqual([late.status, late.headers.get("location")], [410, null]);
  });
});

test("verifa: over the rate limit, 429 with Retry-After and X-RateLimit-*", async () => {
  await withStandIn("verifa", { RATE_LIMIT: "2", RATE_WINDOW_SECONDS: "60" }, async (base) => {
    const first = await verifaCreate({}, {}, base);
    assert.deepEqual([first.headers.get("x-ratelimit-limit"), first.headers.get("x-ratelimit-remaining")], ["2", "1"]);
    await verifaCreate({}, {}, base);
    const refused = await verifaCreate({}, {}, base);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("x-ratelimit-remaining"), "0");
    const reset = Number(refused.headers.get("x-ratelimit-reset"));
    assert.ok(reset > Date.now() / 1000 && reset <= Date.now() / 1000 + 61, String(reset));
    // Whole seconds, rounded up: waiting that long reaches the window's reset.
    const retryAfter = Number(refused.headers.get("retry-after"));
    assert.ok(Number.isInteger(retryAfter) && retryAfter <= 61 && Date.now() / 1000 + retryAfter >= reset, String(retryAfter));
    assert.equal((await stats(base)).sessions, 2);
  });
});

// ---------------------------------------------------------------------------------------------
// Modes

test("modes keep separate state: the same persisted store, another mode, no sessions", async () => {
  const persist = mkdtempSync(`${tmpdir()}/idv-standin-`);
  const first = await standIn("verifa", {}, persist);
  const id = (await verifaSession({}, first.providerUrl)).id;
  await first.close();
  const other = await standIn("deepidv", {}, persist);
  try {
    assert.equal((await stats(other.providerUrl)).sessions, 0);
  } finally {
    await other.close();
  }
  const again = await standIn("verifa", {}, persist);
  try {
    assert.equal((await verifaGet(id, API_KEY, again.providerUrl)).status, 200);
  } finally {
    await again.close();
  }
});

test("an unknown MODE fails loudly", async () => {
  await withStandIn("deepidv", { MODE: "onfido" }, async (base) => {
    const res = await fetch(`${base}/v1/sessions`);
    assert.equal(res.status, 500);
    assert.match(await res.text(), /MODE "onfido"/);
  });
});
