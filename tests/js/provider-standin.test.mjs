// The stand-in provider (www/provider/worker.js) in each of its modes, alone in real workerd
// (Miniflare), over plain HTTP. One table-driven test per provider: each row cites the line of
// the provider's document it checks ("003:254": shared/seeds/003_*, line 254) with a quote of
// that line, or "ASSUMED" with a quote of the worker's "ASSUMED (where the documents are
// silent)" block. Both quotes are checked against their source (tests/data/seeds/, helpers/seeds.mjs), so a row cannot drift from the line it claims.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { crc32, inflateSync } from "node:zlib";
import { Miniflare } from "miniflare";
import { freePort } from "./helpers/ports.mjs";
import { checkSeedQuote } from "./helpers/seeds.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WORKER = `${ROOT}www/provider/worker.js`;

const API_KEY = `sk_test_${randomBytes(12).toString("hex")}`;
const VERIFA_KEY = `vk_sandbox_${randomBytes(12).toString("hex")}`;
const WORKFLOW = "11111111-2222-3333-4444-555555555555";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
// Didit's own example portrait (003): a 1×1 PNG.
const PORTRAIT = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

// ---------------------------------------------------------------------------------------------
// The stand-in, alone

/**
 * Starts the stand-in in `mode` on a free loopback port, as www/demo.mjs does (a Durable Object
 * PROVIDER of class ProviderState, its own socket), with EXPOSE_STATS and `bindings`.
 */
async function standIn(mode, bindings = {}, persist) {
  const host = "127.0.0.1";
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const url = `http://${host}:${port}`;
    const mf = new Miniflare({
      host,
      port: 0,
      workers: [
        {
          name: "provider",
          modules: true,
          scriptPath: WORKER,
          compatibilityDate: "2025-09-01",
          durableObjects: { PROVIDER: "ProviderState" },
          bindings: { MODE: mode, API_KEY: mode === "verifa" ? VERIFA_KEY : API_KEY, PUBLIC_URL: url, EXPOSE_STATS: "1", ...bindings },
          unsafeDirectSockets: [{ host, port }],
        },
      ],
      durableObjectsPersist: persist ?? false,
    });
    try {
      await mf.ready;
      return { url, close: () => mf.dispose() };
    } catch (e) {
      await mf.dispose().catch(() => {});
      if (attempt >= 2) throw e; // a port taken in between: another one
    }
  }
}

/** Runs `body` against a stand-in of its own, closed afterwards. */
async function withStandIn(mode, bindings, body) {
  const s = await standIn(mode, bindings);
  try {
    await body(s.url);
  } finally {
    await s.close();
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

/** Every key of a JSON value, at any depth. */
function allKeys(value, keys = []) {
  if (Array.isArray(value)) value.forEach((v) => allKeys(v, keys));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) keys.push(k), allKeys(v, keys);
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------
// The tables: [reference, quote, claim, check]

const workerSource = readFileSync(WORKER, "utf8");
const assumed = workerSource.slice(workerSource.indexOf("// ASSUMED (where the documents are silent)"), workerSource.indexOf("// State lives in one Durable Object"));
/** The quote is on the line the reference names (or in the worker's ASSUMED block). */
function checkQuote(ref, quote) {
  if (ref === "ASSUMED") {
    assert.ok(assumed.includes(quote), `not in the worker's ASSUMED block: ${quote}`);
    return;
  }
  checkSeedQuote(ref, quote);
}

/** Each row as a subtest, in order (rows share the stand-in and compare its counters). */
async function runTable(t, rows) {
  for (const [ref, quote, claim, check] of rows) {
    await t.test(`${ref} ${claim}`, async () => {
      checkQuote(ref, quote);
      await check();
    });
  }
}

let deep;
let didit;
let verifa;
before(async () => {
  // The suite makes more calls a minute than the default limit (30) allows.
  [deep, didit, verifa] = await Promise.all(["deepidv", "didit", "verifa"].map((mode) => standIn(mode, { RATE_LIMIT: "10000" })));
});
after(async () => {
  await Promise.all([deep?.close(), didit?.close(), verifa?.close()]);
});

// ---------------------------------------------------------------------------------------------
// deepidv (000, 001, 002)

const PERSON = { first_name: "Jane", last_name: "Doe", email: "jane@example.com", phone: "+15551234567" };
const RETURN = "https://app.example/idv/return?state=abc~_-1&x=a%20b";

const deepCreate = (body = PERSON, headers = {}, base = deep.url) => postJson(`${base}/v1/sessions`, body, { "x-api-key": API_KEY, ...headers });

async function deepSession(body = PERSON) {
  const res = await deepCreate(body);
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

const deepGet = (id, key = API_KEY) => fetch(`${deep.url}/v1/sessions/${id}`, { headers: key ? { "x-api-key": key } : {} });
const deepRecord = async (id) => (await deepGet(id)).json();
const deepSetStatus = (id, body) =>
  fetch(`${deep.url}/v1/sessions/${id}/status`, {
    method: "PATCH",
    headers: { "x-api-key": API_KEY, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

const unescapeHtml = (s) => s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));

/** The person on the hosted page at session_url: opens it, picks `outcome` (and `reason`). */
async function deepFinish(session, outcome, reason) {
  const page = await fetch(session.session_url);
  assert.equal(page.status, 200);
  const redirect = unescapeHtml((await page.text()).match(/name="redirect_url" value="([^"]*)"/)[1]);
  return postForm(session.session_url, { redirect_url: redirect, outcome, ...(reason ? { reason } : {}) });
}

const DEEPIDV_DOCUMENTED_REASONS = ["document_unreadable", "face_mismatch", "session_expired", "internal_error", "user_cancelled", "unknown"];

const DEEPIDV = [
  ["000:69", "401 UnauthorizedMissing or invalid API key", "a create or a read without x-api-key, or with a wrong one, is a 401", async () => {
    assert.equal((await postJson(`${deep.url}/v1/sessions`, PERSON)).status, 401);
    assert.equal((await deepCreate(PERSON, { "x-api-key": "sk_test_wrong" })).status, 401);
    const s = await deepSession();
    assert.equal((await deepGet(s.idv_id, null)).status, 401);
  }],
  ["000:57", "200 — Success", "a create answers 200 { idv_id, session_url, externalId, links: [] }", async () => {
    const res = await deepCreate({ ...PERSON, external_id: "user-12345" });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json");
    const s = await res.json();
    assert.deepEqual(Object.keys(s), ["idv_id", "session_url", "externalId", "links"]);
    assert.match(s.idv_id, UUID);
    assert.equal(s.session_url, `${deep.url}/hosted/${s.idv_id}`);
    assert.equal(s.externalId, "user-12345");
    assert.deepEqual(s.links, []);
  }],
  ["000:62", "Your external ID (only returned if provided in the request)", "without external_id the answer has no externalId", async () => {
    assert.deepEqual(Object.keys(await deepSession()), ["idv_id", "session_url", "links"]);
  }],
  ["000:30", "If both are provided for the same field, the camelCase value takes priority.", "either spelling is accepted; with both, camelCase wins", async () => {
    const camel = await deepSession({ firstName: "Jane", lastName: "Doe", email: "jane@example.com", phone: "+15551234567", externalId: "camel" });
    assert.equal(camel.externalId, "camel");
    const both = await deepSession({ ...PERSON, external_id: "snake", externalId: "camel" });
    assert.equal(both.externalId, "camel");
    assert.equal((await deepCreate({ ...PERSON, workflow_id: "wf_nope", workflowId: "wf_abc123" })).status, 200);
    assert.equal((await deepCreate({ ...PERSON, workflow_id: "wf_abc123", workflowId: "wf_nope" })).status, 404);
  }],
  ["000:68", "Invalid request body — check required fields and phone format", "each missing required field is a 400 naming it, and creates nothing", async () => {
    const before = await stats(deep.url);
    for (const field of ["first_name", "last_name", "email", "phone"]) {
      for (const value of [undefined, "", 42]) {
        const res = await deepCreate({ ...PERSON, [field]: value });
        const body = await res.json();
        assert.deepEqual([res.status, body.field, typeof body.message], [400, field, "string"], `${field}: ${value}`);
      }
    }
    for (const raw of ["{not json", "[1]", "null"]) {
      const res = await deepCreate(raw);
      assert.deepEqual([res.status, (await res.json()).field], [400, undefined], raw);
    }
    const after = await stats(deep.url);
    assert.deepEqual([after.sessions, after.balance], [before.sessions, before.balance]);
  }],
  ["000:35", "Applicant’s phone number in E.164 format (e.g. +15192223333)", "a phone not in E.164 is a 400 naming phone", async () => {
    for (const phone of ["555-1234", "15192223333", "+0123456", "+1 519 222 3333", "+1234567890123456"]) {
      const res = await deepCreate({ ...PERSON, phone });
      assert.deepEqual([res.status, (await res.json()).field], [400, "phone"], phone);
    }
    assert.equal((await deepCreate({ ...PERSON, phone: "+15192223333" })).status, 200);
  }],
  ["001:16", "Must be a valid HTTPS URL", "a redirect_url that is not an HTTPS URL is a 400 naming it", async () => {
    for (const redirect_url of ["http://app.example/done", "ftp://app.example/done", "javascript:alert(1)", "/done", "not a url"]) {
      const res = await deepCreate({ ...PERSON, redirect_url });
      assert.deepEqual([res.status, (await res.json()).field], [400, "redirect_url"], redirect_url);
    }
    assert.equal((await deepCreate({ ...PERSON, redirectUrl: "https://app.example/done" })).status, 200);
  }],
  ["ASSUMED", "deepidv: a redirect_url over http is accepted for a loopback host", "http on 127.0.0.1 or localhost is accepted, for the local demo", async () => {
    for (const redirect_url of ["http://127.0.0.1:8787/idv/return", "http://localhost:8787/idv/return"]) {
      assert.equal((await deepCreate({ ...PERSON, redirect_url })).status, 200, redirect_url);
    }
  }],
  ["000:71", "404 Not FoundWorkflow ID not found", "a workflow the account does not have is a 404, and spends no token", async () => {
    const before = await stats(deep.url);
    const res = await deepCreate({ ...PERSON, workflow_id: "wf_does_not_exist" });
    assert.deepEqual([res.status, (await res.json()).message], [404, "Workflow ID not found"]);
    assert.equal((await stats(deep.url)).balance, before.balance);
    assert.equal((await deepCreate({ ...PERSON, workflow_id: "wf_abc123" })).status, 200);
  }],
  ["000:70", "402 Payment RequiredInsufficient token balance", "once TOKEN_BALANCE is spent, a create is a 402", async () => {
    await withStandIn("deepidv", { TOKEN_BALANCE: "1" }, async (base) => {
      assert.equal((await deepCreate(PERSON, {}, base)).status, 200);
      const spent = await deepCreate(PERSON, {}, base);
      assert.equal(spent.status, 402);
      assert.equal(typeof (await spent.json()).message, "string");
      assert.deepEqual(await stats(base), { sessions: 1, balance: 0, invites: { email: 1, phone: 1 } });
    });
  }],
  ["000:72", "429 Too Many RequestsRate limit exceeded", "over RATE_LIMIT a create is a 429 with Retry-After", async () => {
    await withStandIn("deepidv", { RATE_LIMIT: "2", RATE_WINDOW_SECONDS: "60" }, async (base) => {
      assert.equal((await deepCreate(PERSON, {}, base)).status, 200);
      assert.equal((await deepCreate(PERSON, {}, base)).status, 200);
      const refused = await deepCreate(PERSON, {}, base);
      assert.equal(refused.status, 429);
      const retryAfter = Number(refused.headers.get("retry-after"));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 61, String(retryAfter));
      // deepidv documents no X-RateLimit-* headers: none are sent.
      assert.equal(refused.headers.get("x-ratelimit-limit"), null);
      assert.equal((await stats(base)).sessions, 2);
    });
  }],
  ["000:18", "Creates a new identity verification session and optionally sends email and SMS invitations", "no idempotency: two creates with one Idempotency-Key are two sessions, two tokens, two sets of invitations", async () => {
    const key = crypto.randomUUID();
    const before = await stats(deep.url);
    const first = await deepCreate(PERSON, { "Idempotency-Key": key });
    const second = await deepCreate(PERSON, { "Idempotency-Key": key });
    assert.deepEqual([first.status, second.status], [200, 200]);
    assert.equal(second.headers.get("idempotent-replayed"), null);
    assert.notEqual((await first.json()).idv_id, (await second.json()).idv_id);
    const other = await deepCreate({ ...PERSON, first_name: "Other" }, { "Idempotency-Key": key });
    assert.equal(other.status, 200, "no 422 either");
    const after = await stats(deep.url);
    assert.equal(after.sessions, before.sessions + 3);
    assert.equal(after.balance, before.balance - 3);
    assert.deepEqual(after.invites, { email: before.invites.email + 3, phone: before.invites.phone + 3 });
  }],
  ["000:37", "Send an email invitation to the applicant. Defaults to true", "an email invitation is sent unless send_email_invite is false", async () => {
    const before = await stats(deep.url);
    await deepSession({ ...PERSON, send_email_invite: false });
    await deepSession({ ...PERSON, sendEmailInvite: false, send_email_invite: true });
    await deepSession({ ...PERSON, sendEmailInvite: true, send_email_invite: false });
    const after = await stats(deep.url);
    assert.deepEqual(after.invites, { email: before.invites.email + 1, phone: before.invites.phone + 3 });
  }],
  ["000:38", "Send an SMS invitation to the applicant. Defaults to true", "an SMS invitation is sent unless send_phone_invite is false; a flag that is not a boolean is a 400", async () => {
    const before = await stats(deep.url);
    await deepSession({ ...PERSON, sendPhoneInvite: false });
    await deepSession({ ...PERSON, send_phone_invite: null });
    const bad = await deepCreate({ ...PERSON, send_phone_invite: "no" });
    assert.deepEqual([bad.status, (await bad.json()).field], [400, "send_phone_invite"]);
    const after = await stats(deep.url);
    assert.deepEqual(after.invites, { email: before.invites.email + 2, phone: before.invites.phone + 1 });
  }],
  ["001:30", "the returned session_url will include it as an encoded query parameter", "with redirect_url, session_url carries it encoded in its query", async () => {
    const s = await deepSession({ ...PERSON, redirect_url: RETURN });
    const url = new URL(s.session_url);
    assert.equal(url.searchParams.get("redirect_url"), RETURN);
    assert.equal(url.search, `?${new URLSearchParams({ redirect_url: RETURN })}`);
    assert.ok(!s.session_url.includes(RETURN), "encoded, not pasted");
  }],
  ["002:53", "const record = result.sessionRecord;", "a read answers { sessionRecord, resourceLinks }: a new session is PENDING, its sessionProgress null, no outcome", async () => {
    const s = await deepSession({ ...PERSON, external_id: "ext-1" });
    const res = await deepGet(s.idv_id);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(Object.keys(body), ["sessionRecord", "resourceLinks"]);
    const { createdAt, ...record } = body.sessionRecord;
    assert.deepEqual(record, { id: s.idv_id, status: "PENDING", sessionProgress: null, externalId: "ext-1" });
    assert.match(createdAt, RFC3339);
    assert.deepEqual(body.resourceLinks, {});
    assert.ok(!allKeys(body).includes("outcome"));
  }],
  ["002:142", "PENDINGSession created, user hasn’t startedAPI", "the hosted page leaves the record PENDING until the person completes", async () => {
    const s = await deepSession({ ...PERSON, redirect_url: RETURN });
    assert.equal((await fetch(s.session_url)).status, 200);
    assert.equal((await deepRecord(s.idv_id)).sessionRecord.status, "PENDING");
  }],
  ["002:143", "SUBMITTEDUser completed the verification flowAPI", "after success the record is SUBMITTED", async () => {
    const s = await deepSession({ ...PERSON, redirect_url: RETURN });
    assert.equal((await deepFinish(s, "success")).status, 303);
    const body = await deepRecord(s.idv_id);
    assert.equal(body.sessionRecord.status, "SUBMITTED");
    assert.ok(!allKeys(body).includes("outcome"));
  }],
  ["002:55", "console.log(record.sessionProgress); // \"COMPLETED\"", "after success sessionProgress is COMPLETED", async () => {
    const s = await deepSession({ ...PERSON, redirect_url: RETURN });
    await deepFinish(s, "success");
    assert.equal((await deepRecord(s.idv_id)).sessionRecord.sessionProgress, "COMPLETED");
  }],
  ["ASSUMED", "deepidv: a failed or abandoned flow leaves the record PENDING (sessionProgress null)", "after failed or abandoned the record stays PENDING, and no outcome appears", async () => {
    for (const [outcome, reason] of [["failed", "face_mismatch"], ["abandoned"]]) {
      const s = await deepSession({ ...PERSON, redirect_url: RETURN });
      assert.equal((await deepFinish(s, outcome, reason)).status, 303);
      const body = await deepRecord(s.idv_id);
      assert.deepEqual([body.sessionRecord.status, body.sessionRecord.sessionProgress], ["PENDING", null], outcome);
      assert.ok(!allKeys(body).includes("outcome"), outcome);
    }
  }],
  ["ASSUMED", "deepidv: the hosted page takes an outcome only while the record is PENDING", "a failed flow may be tried again; a completed or reviewed one is a 409", async () => {
    const s = await deepSession({ ...PERSON, redirect_url: RETURN });
    await deepFinish(s, "failed", "document_unreadable");
    assert.equal((await deepFinish(s, "success")).status, 303);
    assert.equal((await fetch(s.session_url)).status, 409);
    assert.equal((await postForm(s.session_url, { redirect_url: RETURN, outcome: "failed", reason: "unknown" })).status, 409);
    assert.equal((await deepRecord(s.idv_id)).sessionRecord.status, "SUBMITTED");
    const voided = await deepSession({ ...PERSON, redirect_url: RETURN });
    await deepSetStatus(voided.idv_id, { status: "VOIDED" });
    assert.equal((await fetch(voided.session_url)).status, 409);
  }],
  ["002:103", "Only VERIFIED, REJECTED, and VOIDED are valid targets.", "PATCH /v1/sessions/:id/status sets VERIFIED, REJECTED or VOIDED", async () => {
    const s = await deepSession({ ...PERSON, redirect_url: RETURN });
    await deepFinish(s, "success");
    for (const status of ["VERIFIED", "REJECTED", "VOIDED"]) {
      const res = await deepSetStatus(s.idv_id, { status });
      assert.equal(res.status, 200, status);
      assert.equal((await res.json()).sessionRecord.status, status);
      const { sessionRecord } = await deepRecord(s.idv_id);
      assert.deepEqual([sessionRecord.status, sessionRecord.sessionProgress], [status, "COMPLETED"]);
    }
  }],
  ["002:103", "You cannot set PENDING or SUBMITTED", "any other target is a 400 naming status, and changes nothing", async () => {
    const s = await deepSession();
    for (const status of ["PENDING", "SUBMITTED", "verified", "APPROVED", undefined]) {
      const res = await deepSetStatus(s.idv_id, { status });
      assert.deepEqual([res.status, (await res.json()).field], [400, "status"], String(status));
    }
    assert.equal((await deepRecord(s.idv_id)).sessionRecord.status, "PENDING");
    const unknown = await deepSetStatus(crypto.randomUUID(), { status: "VERIFIED" });
    assert.equal(unknown.status, 404);
    const noKey = await fetch(`${deep.url}/v1/sessions/${s.idv_id}/status`, { method: "PATCH", body: '{"status":"VERIFIED"}' });
    assert.equal(noKey.status, 401);
  }],
  ["ASSUMED", "deepidv: GET /v1/sessions/:id is the REST path of client.sessions.retrieve; an unknown id → 404", "an unknown session is a 404", async () => {
    assert.equal((await deepGet(crypto.randomUUID())).status, 404);
  }],
  ["001:34", "session_id | string | The session ID", "success redirects to redirect_url with session_id and status=success, its own query kept", async () => {
    const s = await deepSession({ ...PERSON, redirect_url: RETURN });
    const res = await deepFinish(s, "success");
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), `${RETURN}&session_id=${s.idv_id}&status=success`);
  }],
  ["001:50", "reason parameter is omitted when status=success.", "success carries no reason", async () => {
    const s = await deepSession({ ...PERSON, redirect_url: RETURN });
    assert.equal(new URL((await deepFinish(s, "success", "face_mismatch")).headers.get("location")).searchParams.has("reason"), false);
  }],
  ["001:51", "status=abandoned, the reason will typically be user_cancelled.", "abandoned redirects with reason=user_cancelled", async () => {
    const s = await deepSession({ ...PERSON, redirect_url: RETURN });
    const res = await deepFinish(s, "abandoned");
    assert.equal(res.headers.get("location"), `${RETURN}&session_id=${s.idv_id}&status=abandoned&reason=user_cancelled`);
  }],
  ["001:40", "failed | Session encountered an error during the verification process |", "failed redirects with the reason picked, each of the six documented", async () => {
    const s = await deepSession({ ...PERSON, redirect_url: RETURN });
    const html = await (await fetch(s.session_url)).text();
    const offered = [...html.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(offered, [...DEEPIDV_DOCUMENTED_REASONS, "liveness_spoof_detected"]);
    for (const reason of DEEPIDV_DOCUMENTED_REASONS) {
      const t = await deepSession({ ...PERSON, redirect_url: RETURN });
      const res = await deepFinish(t, "failed", reason);
      assert.equal(res.headers.get("location"), `${RETURN}&session_id=${t.idv_id}&status=failed&reason=${reason}`);
    }
    const bad = await postForm(s.session_url, { redirect_url: RETURN, outcome: "failed", reason: "made_up" });
    assert.equal(bad.status, 400);
    assert.equal((await postForm(s.session_url, { redirect_url: RETURN, outcome: "SUBMITTED" })).status, 400);
  }],
  ["001:52", "values may be added in the future", "the not-yet-documented reason liveness_spoof_detected goes through as it is", async () => {
    const s = await deepSession({ ...PERSON, redirect_url: RETURN });
    const res = await deepFinish(s, "failed", "liveness_spoof_detected");
    assert.equal(res.headers.get("location"), `${RETURN}&session_id=${s.idv_id}&status=failed&reason=liveness_spoof_detected`);
  }],
  ["ASSUMED", "without one it ends on a \"done\" page", "without redirect_url the hosted page says the verification is done", async () => {
    const s = await deepSession();
    const res = await deepFinish(s, "success");
    assert.deepEqual([res.status, res.headers.get("location")], [200, null]);
    assert.match(await res.text(), /Verification done/);
  }],
];

test("deepidv: the stand-in does what 000, 001 and 002 say", async (t) => {
  await runTable(t, DEEPIDV);
});

// ---------------------------------------------------------------------------------------------
// Didit (003)

const diditCreate = (body, headers = {}, base = didit.url) => postJson(`${base}/v3/session/`, body, { "x-api-key": API_KEY, ...headers });

async function diditSession(body = {}, base = didit.url) {
  const res = await diditCreate({ workflow_id: WORKFLOW, ...body }, {}, base);
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

const decision = (id, key = API_KEY) => fetch(`${didit.url}/v3/session/${id}/decision/`, { headers: key ? { "x-api-key": key } : {} });
const decided = async (id) => (await (await decision(id)).json()).status;

/** Rows of [field, body] that are each a 400 naming the field (workflow_id added where absent). */
async function assertBadFields(rows) {
  const before = await stats(didit.url);
  for (const [field, fields] of rows) {
    const body = field === "workflow_id" ? fields : { workflow_id: WORKFLOW, ...fields };
    const res = await diditCreate(body);
    const answer = await res.json();
    assert.deepEqual([res.status, answer.field, typeof answer.detail], [400, field, "string"], JSON.stringify(fields).slice(0, 100));
  }
  assert.equal((await stats(didit.url)).sessions, before.sessions);
}

const tooBigPortrait = Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n", "latin1"), Buffer.alloc(2 * 1024 * 1024)]).toString("base64");

const DIDIT = [
  ["003:66", "Response (201 Created):", "a create answers 201 with the session as 003 serialises it, field by field", async () => {
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
    assert.equal(s.vendor_data, request.vendor_data);
    assert.deepEqual(s.metadata, request.metadata);
    assert.equal(s.status, "Not Started");
    assert.equal(s.workflow_id, WORKFLOW);
    assert.ok(Number.isInteger(s.workflow_version));
    assert.equal(s.callback, request.callback);
    assert.equal(s.session_kind, "user");
  }],
  ["003:280", "12-character URL-safe token", "session_token is 12 URL-safe characters, each session its own", async () => {
    const [a, b] = [await diditSession(), await diditSession()];
    assert.match(a.session_token, /^[A-Za-z0-9_-]{12}$/);
    assert.notEqual(a.session_token, b.session_token);
    assert.notEqual(a.session_id, b.session_id);
  }],
  ["003:270", "Sequential, human-friendly number assigned to the session", "session_number is sequential", async () => {
    const a = await diditSession();
    const b = await diditSession();
    assert.equal(b.session_number, a.session_number + 1);
  }],
  ["003:290", "When the request includes language, the URL contains a language path segment", "url is /{language}/session/{token} with language, /session/{token} without", async () => {
    const es = await diditSession({ language: "es" });
    assert.equal(es.url, `${didit.url}/es/session/${es.session_token}`);
    const none = await diditSession();
    assert.equal(none.url, `${didit.url}/session/${none.session_token}`);
  }],
  ["003:300", "Echoed back verbatim. Null when not provided.", "vendor_data is null when not provided", async () => {
    assert.equal((await diditSession()).vendor_data, null);
  }],
  ["003:310", "Always present in responses; null when not provided at creation time.", "metadata is null when not provided, and any JSON value is echoed", async () => {
    assert.equal((await diditSession()).metadata, null);
    for (const metadata of [[1, "two", { three: 3 }], "text", 42]) assert.deepEqual((await diditSession({ metadata })).metadata, metadata);
  }],
  ["003:342", "null when neither is set", "callback is null when not given", async () => {
    assert.equal((await diditSession()).callback, null);
  }],
  ["003:123", "Custom URL schemes (e.g. myapp://) are supported for mobile callbacks.", "a custom-scheme callback is accepted and gets the parameters", async () => {
    const s = await diditSession({ callback: "myapp://verified" });
    assert.equal(s.callback, "myapp://verified");
    const location = (await postForm(s.url, { status: "Approved" })).headers.get("location");
    assert.equal(location, `myapp://verified?verificationSessionId=${s.session_id}&status=Approved`);
  }],
  ["003:102", "string<uuid>", "workflow_id is required and a UUID: else a 400 naming it", async () => {
    await assertBadFields([["workflow_id", {}], ["workflow_id", { workflow_id: "wf_abc123" }], ["workflow_id", { workflow_id: 42 }]]);
  }],
  ["003:112", "string", "vendor_data that is not a string is a 400 naming it", async () => {
    await assertBadFields([["vendor_data", { vendor_data: 42 }], ["vendor_data", { vendor_data: ["a"] }]]);
  }],
  ["003:133", "Use initiator to redirect only the device that started the flow, completer for the device that finishes it, or both", "callback_method takes initiator, completer or both; anything else is a 400", async () => {
    for (const callback_method of ["initiator", "completer", "both"]) await diditSession({ callback_method });
    await assertBadFields([["callback_method", { callback_method: "sometimes" }], ["callback_method", { callback_method: "Both" }]]);
  }],
  ["003:156", "Language code (ISO 639-1) for the verification process interface.", "language is one of the listed codes", async () => {
    for (const language of ["pt-BR", "cnr", "zh-TW"]) await diditSession({ language });
    await assertBadFields([["language", { language: "xx" }], ["language", { language: "EN" }]]);
  }],
  ["003:246", "max 2MB; JPEG, PNG, WebP, or TIFF", "portrait_image is base64 of a JPEG, PNG, WebP or TIFF of at most 2MB", async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]).toString("base64");
    const webp = Buffer.concat([Buffer.from("RIFF\0\0\0\0WEBP", "latin1")]).toString("base64");
    const tiff = Buffer.from("II*\0\x08\0\0\0", "latin1").toString("base64");
    for (const portrait_image of [PORTRAIT, jpeg, webp, tiff]) await diditSession({ portrait_image });
    await assertBadFields([
      ["portrait_image", { portrait_image: "not base64!" }],
      ["portrait_image", { portrait_image: Buffer.from("GIF89a, not one of the four").toString("base64") }],
      ["portrait_image", { portrait_image: tooBigPortrait }],
    ]);
  }],
  ["ASSUMED", "Didit: contact_details and expected_details members are checked as their examples show", "a malformed member of contact_details or expected_details is a 400 naming it with dots", async () => {
    await assertBadFields([
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
    ]);
  }],
  ["ASSUMED", "Didit: callback (and Verifa's redirect_url) must be an absolute URL", "a callback that is no URL, or a script or data URL, is a 400", async () => {
    await assertBadFields([
      ["callback", { callback: "javascript:alert(1)" }],
      ["callback", { callback: "data:text/html,hi" }],
      ["callback", { callback: "not a url" }],
      ["callback", { callback: "/relative" }],
    ]);
  }],
  ["ASSUMED", "Didit: a body that is not a JSON object → 400 { detail }", "a body that is not a JSON object is a 400 without a field", async () => {
    for (const body of ["{not json", "[1]", "null"]) {
      const res = await diditCreate(body);
      const answer = await res.json();
      assert.deepEqual([res.status, answer.field, typeof answer.detail], [400, undefined, "string"], body);
    }
  }],
  ["ASSUMED", "Didit: x-api-key missing or wrong → 401 { detail }", "without the x-api-key or with a wrong one: 401", async () => {
    assert.equal((await postJson(`${didit.url}/v3/session/`, { workflow_id: WORKFLOW })).status, 401);
    const wrong = await diditCreate({ workflow_id: WORKFLOW }, { "x-api-key": "sk_test_wrong" });
    assert.equal(wrong.status, 401);
    assert.equal(typeof (await wrong.json()).detail, "string");
  }],
  ["ASSUMED", "Didit: a well-formed workflow_id not in WORKFLOWS_DIDIT → 404 { detail }", "only the workflows of WORKFLOWS_DIDIT exist", async () => {
    assert.equal((await diditCreate({ workflow_id: "99999999-2222-3333-4444-555555555555" })).status, 404);
    const custom = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    await withStandIn("didit", { WORKFLOWS_DIDIT: `${WORKFLOW.replace("1111", "0000")},${custom}` }, async (base) => {
      const unknown = await diditCreate({ workflow_id: WORKFLOW }, {}, base);
      assert.equal(unknown.status, 404);
      assert.equal(typeof (await unknown.json()).detail, "string");
      assert.equal((await diditSession({ workflow_id: custom.toUpperCase() }, base)).workflow_id, custom);
    });
  }],
  ["003:66", "Response (201 Created):", "Didit documents no token balance and no rate limit: with TOKEN_BALANCE and RATE_LIMIT of 1, creates go on", async () => {
    await withStandIn("didit", { TOKEN_BALANCE: "1", RATE_LIMIT: "1" }, async (base) => {
      for (let i = 0; i < 3; i++) {
        const res = await diditCreate({ workflow_id: WORKFLOW }, {}, base);
        assert.equal(res.status, 201);
        assert.equal(res.headers.get("x-ratelimit-limit"), null);
      }
      assert.deepEqual(await stats(base), { sessions: 3 });
    });
  }],
  ["003:254", "or returned, if an unfinished session with the same vendor_data already exists", "a create for a vendor_data with an unfinished session returns that session, its old callback kept", async () => {
    const vendor_data = `user-${randomBytes(4).toString("hex")}`;
    const first = await diditSession({ vendor_data, callback: "https://app.example/first", language: "fr" });
    const before = await stats(didit.url);
    const again = await diditSession({ vendor_data, callback: "https://app.example/other", metadata: { x: 1 } });
    assert.deepEqual(again, first, "the existing session, as it is");
    assert.equal((await stats(didit.url)).sessions, before.sessions, "no new session");
    await postForm(first.url, { status: "Declined" });
    const fresh = await diditSession({ vendor_data });
    assert.notEqual(fresh.session_id, first.session_id);
    assert.equal(fresh.callback, null);
  }],
  ["003:321", "the returned status reflects that existing session", "the returned session carries its current status", async () => {
    const vendor_data = `user-${randomBytes(4).toString("hex")}`;
    const first = await diditSession({ vendor_data });
    await fetch(first.url);
    assert.equal((await diditSession({ vendor_data })).status, "In Progress");
  }],
  ["003:254", "Session created (or returned, if an unfinished session with the same vendor_data", "only vendor_data returns a session: one Idempotency-Key twice makes two sessions, never a 422", async () => {
    const key = crypto.randomUUID();
    const before = await stats(didit.url);
    const first = await diditCreate({ workflow_id: WORKFLOW }, { "Idempotency-Key": key });
    const second = await diditCreate({ workflow_id: WORKFLOW }, { "Idempotency-Key": key });
    assert.deepEqual([first.status, second.status], [201, 201]);
    assert.notEqual((await first.json()).session_id, (await second.json()).session_id);
    assert.equal(second.headers.get("idempotent-replayed"), null);
    const other = await diditCreate({ workflow_id: WORKFLOW, vendor_data: "someone-else" }, { "Idempotency-Key": key });
    assert.equal(other.status, 201);
    assert.equal((await stats(didit.url)).sessions, before.sessions + 3);
  }],
  ["003:260", "Use this id when calling GET /v3/session/{sessionId}/decision/.", "the decision gives the session's status in Didit's words; 401; 404", async () => {
    const s = await diditSession({ vendor_data: `user-${randomBytes(4).toString("hex")}` });
    const res = await decision(s.session_id);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(
      { session_id: body.session_id, status: body.status, vendor_data: body.vendor_data, workflow_id: body.workflow_id },
      { session_id: s.session_id, status: "Not Started", vendor_data: s.vendor_data, workflow_id: WORKFLOW },
    );
    assert.equal((await decision(s.session_id, null)).status, 401);
    assert.equal((await decision(crypto.randomUUID())).status, 404);
  }],
  ["ASSUMED", "Didit: opening the hosted page moves Not Started to In Progress", "the hosted page offers the four decisions and moves the session to In Progress", async () => {
    const s = await diditSession();
    const page = await fetch(s.url);
    assert.equal(page.status, 200);
    const html = await page.text();
    for (const [id, status] of [["approved", "Approved"], ["declined", "Declined"], ["in_review", "In Review"], ["abandoned", "Abandoned"]]) {
      assert.ok(html.includes(`name="status" value="${status}" id="${id}"`), id);
    }
    assert.equal(await decided(s.session_id), "In Progress");
  }],
  ["003:290", "https://verify.didit.me/{language}/session/{session_token}", "the hosted page answers under any listed language, 404 otherwise", async () => {
    const s = await diditSession();
    assert.equal((await fetch(`${didit.url}/pt-BR/session/${s.session_token}`)).status, 200);
    assert.equal((await fetch(`${didit.url}/xx/session/${s.session_token}`)).status, 404);
    assert.equal((await fetch(`${didit.url}/session/AAAAAAAAAAAA`)).status, 404);
  }],
  ["003:342", "Didit appends ?verificationSessionId={session_id}&status={status} to this URL.", "each decision redirects to the callback with verificationSessionId and status, its own query kept", async () => {
    const callback = "https://app.example/idv/return?state=abc~_-1&next=%2Fhome#top";
    for (const status of ["Approved", "Declined", "In Review", "Abandoned"]) {
      const s = await diditSession({ callback, language: "fr" });
      const res = await postForm(s.url, { status });
      assert.equal(res.status, 303);
      const query = new URLSearchParams({ verificationSessionId: s.session_id, status });
      assert.equal(res.headers.get("location"), `https://app.example/idv/return?state=abc~_-1&next=%2Fhome&${query}#top`);
      assert.equal(await decided(s.session_id), status);
    }
  }],
  ["003:123", "Didit automatically appends verificationSessionId and status (Approved, Declined, In Review)", "In Review travels form-encoded as In+Review", async () => {
    const s = await diditSession({ callback: "https://app.example/return" });
    const location = (await postForm(s.url, { status: "In Review" })).headers.get("location");
    assert.equal(location, `https://app.example/return?verificationSessionId=${s.session_id}&status=In+Review`);
  }],
  ["ASSUMED", "Didit: without a callback the hosted page ends on a \"done\" page", "without a callback the page says the verification is done", async () => {
    const s = await diditSession();
    const res = await postForm(s.url, { status: "Approved" });
    assert.deepEqual([res.status, res.headers.get("location")], [200, null]);
    assert.match(await res.text(), /Verification done/);
  }],
  ["ASSUMED", "for a finished session they answer 409", "a decision outside the four is refused; a decided session takes no other", async () => {
    const s = await diditSession({ callback: "https://app.example/return" });
    assert.equal((await postForm(s.url, { status: "Kyc Expired" })).status, 400);
    await postForm(s.url, { status: "Declined" });
    const second = await postForm(s.url, { status: "Approved" });
    assert.deepEqual([second.status, second.headers.get("location")], [409, null]);
    assert.equal(await decided(s.session_id), "Declined");
  }],
];

test("didit: the stand-in does what 003 says", async (t) => {
  await runTable(t, DIDIT);
});

// ---------------------------------------------------------------------------------------------
// Verifa (004)

const verifaCreate = (body = {}, headers = {}, base = verifa.url, key = VERIFA_KEY) => postJson(`${base}/v1/sessions`, body, { "X-API-Key": key, ...headers });

async function verifaSession(body = {}, base = verifa.url, headers = {}) {
  const res = await verifaCreate(body, headers, base);
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

const verifaGet = (id, headers = { "X-API-Key": VERIFA_KEY }, base = verifa.url) => fetch(`${base}/v1/sessions/${id}`, { headers });

/** A PNG's chunks checked (signature, CRCs, IHDR … IEND), its image data inflated. */
function readPng(base64) {
  assert.match(base64, /^[A-Za-z0-9+/]+={0,2}$/, `bare base64: ${base64.slice(0, 30)}`);
  const png = Buffer.from(base64, "base64");
  assert.equal(png.toString("base64"), base64, "canonical base64");
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
  const chunks = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const typeAndData = png.subarray(at + 4, at + 8 + length);
    assert.equal(png.readUInt32BE(at + 8 + length), crc32(typeAndData), "chunk CRC");
    chunks.push([typeAndData.subarray(0, 4).toString("latin1"), typeAndData.subarray(4)]);
    at += 12 + length;
  }
  assert.deepEqual([chunks[0][0], chunks.at(-1)[0]], ["IHDR", "IEND"]);
  const ihdr = chunks[0][1];
  const image = inflateSync(Buffer.concat(chunks.filter(([type]) => type === "IDAT").map(([, data]) => data)));
  return { width: ihdr.readUInt32BE(0), height: ihdr.readUInt32BE(4), depth: ihdr[8], colour: ihdr[9], image };
}

/** The PNG holds a QR code: square, 4 px a module, a quiet zone, and the three finder patterns. */
function assertQrPng(base64) {
  const { width, height, depth, colour, image } = readPng(base64);
  assert.deepEqual([depth, colour, width], [1, 0, height], "square, 1-bit greyscale");
  const rowBytes = Math.ceil(width / 8);
  const dark = (px, py) => ((image[py * (rowBytes + 1) + 1 + (px >> 3)] >> (7 - (px & 7))) & 1) === 0;
  const size = width / 4 - 8;
  const version = (size - 17) / 4;
  assert.ok(Number.isInteger(version) && version >= 1 && version <= 40, `size ${size}`);
  const module = (x, y) => dark((x + 4) * 4 + 1, (y + 4) * 4 + 1);
  for (const [ox, oy] of [[0, 0], [size - 7, 0], [0, size - 7]]) {
    for (let y = 0; y < 7; y++) {
      for (let x = 0; x < 7; x++) assert.equal(module(ox + x, oy + y), Math.max(Math.abs(x - 3), Math.abs(y - 3)) !== 2, `finder at ${ox},${oy}`);
    }
  }
  for (let p = 0; p < width; p++) assert.ok(!dark(p, 0) && !dark(0, p), "quiet zone");
}

const CAMEL = ["id", "status", "captureUrl", "isSandbox", "createdAt", "expiresAt", "externalRef", "qrCodeDataUrl", "tags"];
const SNAKE = ["id", "status", "capture_url", "is_sandbox", "created_at", "expires_at", "external_ref", "qr_code_data_url", "tags"];

/** Rows of [field, value], each a 400 naming the field and creating nothing. */
async function assertVerifaBad(rows) {
  const before = await stats(verifa.url);
  for (const [field, value] of rows) {
    const res = await verifaCreate({ [field]: value });
    const answer = await res.json();
    assert.deepEqual([res.status, answer.field, typeof answer.message], [400, field, "string"], `${field}: ${JSON.stringify(value)}`);
  }
  assert.equal((await stats(verifa.url)).sessions, before.sessions);
}

const VERIFA = [
  ["004:62", "Session created.", "a create answers 201 with the documented members, in snake_case", async () => {
    const res = await verifaCreate(
      { external_ref: "user_abc123", metadata: { plan: "pro" }, country: "CA", checks: ["document", "liveness"], workflow_id: "wf_kyc", redirect_url: "https://app.example/done" },
      { "Verifa-Version": "2026-02-01" },
    );
    assert.equal(res.status, 201);
    const s = await res.json();
    assert.deepEqual(Object.keys(s), SNAKE);
    assert.match(s.id, /^ses_[0-9a-f]{24}$/);
    assert.equal(s.status, "created");
    assert.equal(s.capture_url, `${verifa.url}/capture/${s.id}`);
    assert.equal(s.is_sandbox, true);
    assert.match(s.created_at, RFC3339);
    assert.ok(Math.abs(Date.parse(s.created_at) - Date.now()) < 5000, s.created_at);
    assert.match(s.expires_at, RFC3339);
    assert.equal(Date.parse(s.expires_at) - Date.parse(s.created_at), 3600 * 1000);
    assert.equal(s.external_ref, "user_abc123");
    assert.deepEqual(s.tags, []);
  }],
  ["004:75", "Base64-encoded QR code PNG pointing to the capture URL.", "qr_code_data_url is bare base64 (no data: prefix) of a PNG of a QR code", async () => {
    const s = await verifaSession();
    assert.ok(!s.qr_code_data_url.startsWith("data:"), s.qr_code_data_url.slice(0, 30));
    assertQrPng(s.qr_code_data_url);
    const other = await verifaSession();
    assert.notEqual(other.qr_code_data_url, s.qr_code_data_url, "each capture URL its own code");
  }],
  ["004:72", "external_refstring or null", "every field is optional; external_ref is then null", async () => {
    assert.equal((await verifaSession()).external_ref, null);
  }],
  ["004:11", "Keys are prefixed with vk_live_ (production) or vk_sandbox_ (sandbox).", "is_sandbox is true for a vk_sandbox_ key, false for a vk_live_ one", async () => {
    assert.equal((await verifaSession()).is_sandbox, true);
    const live = `vk_live_${randomBytes(8).toString("hex")}`;
    await withStandIn("verifa", { API_KEY: live }, async (base) => {
      const res = await verifaCreate({}, {}, base, live);
      assert.equal((await res.json()).is_sandbox, false);
    });
  }],
  ["004:9", "X-API-Keystring", "without the X-API-Key or with a wrong one: 401", async () => {
    assert.equal((await postJson(`${verifa.url}/v1/sessions`, {})).status, 401);
    const wrong = await verifaCreate({}, {}, verifa.url, "vk_sandbox_wrong");
    assert.equal(wrong.status, 401);
    assert.equal(typeof (await wrong.json()).message, "string");
  }],
  ["004:53", "X-RateLimit-Limitinteger", "X-RateLimit-Limit, -Remaining and -Reset on every answer", async () => {
    const answers = [
      await verifaCreate(),
      await verifaCreate({ country: "USA" }),
      await verifaCreate({}, {}, verifa.url, "wrong"),
      await verifaGet("ses_000000000000000000000000"),
    ];
    for (const res of answers) {
      const headers = ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"].map((h) => res.headers.get(h));
      assert.ok(headers.every((v) => /^\d+$/.test(v ?? "")), `${res.status}: ${headers}`);
    }
  }],
  ["004:58", "Unix timestamp when the rate limit window resets.", "over the limit, 429 with X-RateLimit-* (and Retry-After)", async () => {
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
  }],
  ["004:15", "Idempotency-KeystringOptional<=255 characters", "an Idempotency-Key of 255 characters passes; one of 256 is a 400 naming it", async () => {
    const long = await verifaCreate({}, { "Idempotency-Key": "k".repeat(256) });
    assert.deepEqual([long.status, (await long.json()).field], [400, "Idempotency-Key"]);
    assert.equal((await verifaCreate({}, { "Idempotency-Key": `${crypto.randomUUID()}${"k".repeat(219)}` })).status, 201);
  }],
  ["004:17", "Cached for 24 hours.", "the same key with the same parameters answers the same session, once created", async () => {
    const key = crypto.randomUUID();
    const before = await stats(verifa.url);
    const first = await verifaCreate({ external_ref: "a", metadata: { x: 1, y: 2 } }, { "Idempotency-Key": key });
    const replay = await verifaCreate('{ "metadata": {"y": 2, "x": 1}, "external_ref": "a" }', { "Idempotency-Key": key });
    assert.deepEqual([first.status, replay.status], [201, 201]);
    assert.deepEqual(await replay.json(), await first.json());
    assert.equal((await stats(verifa.url)).sessions, before.sessions + 1);
  }],
  ["004:17", "Sending the same key with different parameters returns 422.", "the same key with other parameters is a 422", async () => {
    const key = crypto.randomUUID();
    await verifaCreate({ external_ref: "a" }, { "Idempotency-Key": key });
    const other = await verifaCreate({ external_ref: "b" }, { "Idempotency-Key": key });
    assert.equal(other.status, 422);
    assert.equal(typeof (await other.json()).message, "string");
  }],
  ["ASSUMED", "only successful creates are cached", "a refused create does not hold its key", async () => {
    const key = crypto.randomUUID();
    assert.equal((await verifaCreate({ country: "CAN" }, { "Idempotency-Key": key })).status, 400);
    assert.equal((await verifaCreate({ country: "CA" }, { "Idempotency-Key": key })).status, 201);
  }],
  ["004:21", "API version date string (e.g. 2026-02-01).", "a Verifa-Version date is accepted", async () => {
    await verifaSession({}, verifa.url, { "Verifa-Version": "2026-02-01" });
  }],
  ["ASSUMED", "a Verifa-Version that is not a YYYY-MM-DD date → 400", "a Verifa-Version that is not a date is a 400 naming it", async () => {
    for (const version of ["2026-02-30", "Feb 1 2026", "2026-2-1"]) {
      const res = await verifaCreate({}, { "Verifa-Version": version });
      assert.deepEqual([res.status, (await res.json()).field], [400, "Verifa-Version"], version);
    }
  }],
  ["004:25", "Response key casing. Defaults to snake.", "Key-Inflection: camel answers in camelCase; snake, or none, in snake_case", async () => {
    const camel = await verifaSession({ external_ref: "ref-camel" }, verifa.url, { "Key-Inflection": "camel" });
    assert.deepEqual(Object.keys(camel), CAMEL);
    assert.equal(camel.externalRef, "ref-camel");
    assertQrPng(camel.qrCodeDataUrl);
    assert.deepEqual(Object.keys(await verifaSession({}, verifa.url, { "Key-Inflection": "snake" })), SNAKE);
    const read = await (await verifaGet(camel.id, { "X-API-Key": VERIFA_KEY, "Key-Inflection": "camel" })).json();
    assert.deepEqual(Object.keys(read), [...CAMEL, "failureReason"]);
  }],
  ["ASSUMED", "Verifa: Key-Inflection takes snake or camel", "any other Key-Inflection is a 400 naming it", async () => {
    for (const inflection of ["kebab", "CAMEL", ""]) {
      const res = await verifaCreate({}, { "Key-Inflection": inflection });
      assert.deepEqual([res.status, (await res.json()).field], [400, "Key-Inflection"], inflection);
    }
  }],
  ["004:42", "checkslist of stringsOptional", "checks is a list of any strings (document.authenticity too)", async () => {
    await verifaSession({ checks: ["document.authenticity", "liveness", "face_match.v2"] });
    await assertVerifaBad([["checks", "document"], ["checks", ["document", 3]]]);
  }],
  ["004:38", "countrystringOptional=2 characters", "country is 2 characters", async () => {
    for (const country of ["CA", "ca"]) await verifaSession({ country });
    await assertVerifaBad([["country", "CAN"], ["country", "C"], ["country", 12]]);
  }],
  ["004:34", "metadatamap from strings to anyOptional", "metadata is a map", async () => {
    await verifaSession({ metadata: { plan: "pro", n: 1, nested: { a: [1] } } });
    await assertVerifaBad([["metadata", ["a"]], ["metadata", "plan=pro"]]);
  }],
  ["004:32", "external_refstringOptional", "external_ref is a string", async () => {
    await assertVerifaBad([["external_ref", 42]]);
  }],
  ["004:46", "workflow_idstringOptional", "workflow_id is a string", async () => {
    await assertVerifaBad([["workflow_id", 5]]);
  }],
  ["004:48", "redirect_urlstringOptionalformat: \"uri\"", "redirect_url is a URI (script and data URLs refused, as ASSUMED)", async () => {
    await verifaSession({ redirect_url: "myapp://verified" });
    await assertVerifaBad([["redirect_url", "/done"], ["redirect_url", "not a url"], ["redirect_url", "javascript:alert(1)"]]);
  }],
  ["004:31", "This endpoint expects an object.", "a body that is not a JSON object is a 400 without a field", async () => {
    for (const body of ["{not json", "[]", ""]) {
      const res = await verifaCreate(body);
      const answer = await res.json();
      assert.deepEqual([res.status, answer.field, typeof answer.message], [400, undefined, "string"], JSON.stringify(body));
    }
  }],
  ["ASSUMED", "Verifa: the paths are POST /v1/sessions and GET /v1/sessions/:id", "GET /v1/sessions/:id gives the session with its status and failure_reason; 401; 404", async () => {
    const s = await verifaSession({ external_ref: "ref-get" });
    const res = await verifaGet(s.id);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ...s, failure_reason: null });
    assert.equal((await verifaGet(s.id, {})).status, 401);
    assert.equal((await verifaGet("ses_000000000000000000000000")).status, 404);
    assert.equal((await verifaGet("not-a-session")).status, 404);
  }],
  ["ASSUMED", "its return parameters are verifa_session, verifa_status, verifa_reason", "the capture page offers completed, failed with a reason, cancelled, and redirects with the stand-in's parameters", async () => {
    const s = await verifaSession();
    const page = await fetch(s.capture_url);
    assert.equal(page.status, 200);
    const html = await page.text();
    for (const id of ["completed", "failed", "cancelled"]) assert.ok(html.includes(`value="${id}" id="${id}"`), id);
    const reasons = [...html.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(reasons, ["document_unreadable", "face_mismatch", "liveness_failed"]);
    assert.equal((await fetch(`${verifa.url}/capture/ses_000000000000000000000000`)).status, 404);
    const RET = "https://app.example/idv/return?state=abc~_-1&x=a%20b";
    const outcomes = [
      [{ outcome: "completed", reason: "face_mismatch" }, "completed", null],
      [{ outcome: "cancelled" }, "cancelled", null],
      ...["document_unreadable", "face_mismatch", "liveness_failed"].map((reason) => [{ outcome: "failed", reason }, "failed", reason]),
    ];
    for (const [form, status, reason] of outcomes) {
      const t = await verifaSession({ redirect_url: RET });
      const res = await postForm(t.capture_url, form);
      assert.equal(res.status, 303);
      const query = new URLSearchParams({ verifa_session: t.id, verifa_status: status, ...(reason ? { verifa_reason: reason } : {}) });
      assert.equal(res.headers.get("location"), `${RET}&${query}`);
      const record = await (await verifaGet(t.id)).json();
      assert.deepEqual([record.status, record.failure_reason], [status, reason]);
    }
  }],
  ["ASSUMED", "for a finished session they answer 409", "an unknown outcome or reason is refused; a finished session takes no other; without redirect_url a done page", async () => {
    const s = await verifaSession({ redirect_url: "https://app.example/return" });
    assert.equal((await postForm(s.capture_url, { outcome: "failed", reason: "liveness_spoof_detected" })).status, 400);
    assert.equal((await postForm(s.capture_url, { outcome: "success" })).status, 400);
    await postForm(s.capture_url, { outcome: "cancelled" });
    const again = await postForm(s.capture_url, { outcome: "completed" });
    assert.deepEqual([again.status, again.headers.get("location")], [409, null]);
    assert.equal((await (await verifaGet(s.id)).json()).status, "cancelled");
    const bare = await verifaSession();
    const done = await postForm(bare.capture_url, { outcome: "completed" });
    assert.deepEqual([done.status, done.headers.get("location")], [200, null]);
    assert.match(await done.text(), /Capture done/);
  }],
  ["ASSUMED", "expired once past expires_at", "past expires_at (EXPIRES_IN_SECONDS) the capture page is an expiry page (410) and the session expired", async () => {
    await withStandIn("verifa", { EXPIRES_IN_SECONDS: "1" }, async (base) => {
      const s = await verifaSession({ redirect_url: "https://app.example/return" }, base);
      assert.equal(Date.parse(s.expires_at) - Date.parse(s.created_at), 1000);
      await sleep(Date.parse(s.expires_at) - Date.now() + 100);
      const page = await fetch(s.capture_url);
      assert.equal(page.status, 410);
      assert.match(await page.text(), /expired/);
      assert.equal((await (await verifaGet(s.id, { "X-API-Key": VERIFA_KEY }, base)).json()).status, "expired");
      const late = await postForm(s.capture_url, { outcome: "completed" });
      assert.deepEqual([late.status, late.headers.get("location")], [410, null]);
    });
  }],
];

test("verifa: the stand-in does what 004 says", async (t) => {
  await runTable(t, VERIFA);
});

// ---------------------------------------------------------------------------------------------
// The stand-in itself

test("ASSUMED: all: SLOW_CREATE_MS delays a successful create's answer, after the session exists", async () => {
  await withStandIn("deepidv", { SLOW_CREATE_MS: "600" }, async (base) => {
    const started = Date.now();
    const pending = deepCreate(PERSON, {}, base);
    await sleep(300);
    assert.equal((await stats(base)).sessions, 1, "created before the answer");
    assert.equal((await pending).status, 200);
    assert.ok(Date.now() - started >= 600);
    const refused = Date.now();
    assert.equal((await deepCreate({}, {}, base)).status, 400);
    assert.ok(Date.now() - refused < 600, "a refusal is not delayed");
  });
});

// DECISION_LAG_MS, per mode: the person's outcome, then the session non-final for the lag (the
// hosted page closed meanwhile), then final with that outcome. Each row:
// [mode, quote of the ASSUMED block, run(base, lag) → { read, interim, decided, location, page }].
const LAG_MS = 2500;
const LAG_ROWS = [
  ["deepidv", "deepidv PENDING, sessionProgress null", async (base) => {
    const created = await (await deepCreate({ ...PERSON, redirect_url: RETURN }, {}, base)).json();
    const finished = await postForm(created.session_url, { redirect_url: RETURN, outcome: "success" });
    const read = async () => {
      const { sessionRecord } = await (await fetch(`${base}/v1/sessions/${created.idv_id}`, { headers: { "x-api-key": API_KEY } })).json();
      return `${sessionRecord.status}/${sessionRecord.sessionProgress}`;
    };
    return { finished, read, page: created.session_url, interim: "PENDING/null", decided: "SUBMITTED/COMPLETED", returned: ["status", "success"] };
  }],
  ["didit", "Didit In Review", async (base) => {
    const created = await (await diditCreate({ workflow_id: WORKFLOW, callback: RETURN }, {}, base)).json();
    assert.equal((await fetch(created.url)).status, 200);
    const finished = await postForm(created.url, { status: "Approved" });
    const read = async () => (await (await fetch(`${base}/v3/session/${created.session_id}/decision/`, { headers: { "x-api-key": API_KEY } })).json()).status;
    return { finished, read, page: created.url, interim: "In Review", decided: "Approved", returned: ["status", "In Review"] };
  }],
  ["verifa", "Verifa created, failure_reason null", async (base) => {
    const created = await (await verifaCreate({ redirect_url: RETURN }, {}, base)).json();
    const finished = await postForm(created.capture_url, { outcome: "failed", reason: "face_mismatch" });
    const read = async () => {
      const s = await (await verifaGet(created.id, { "X-API-Key": VERIFA_KEY }, base)).json();
      return `${s.status}/${s.failure_reason}`;
    };
    return { finished, read, page: created.capture_url, interim: "created/null", decided: "failed/face_mismatch", returned: ["verifa_status", "failed"] };
  }],
];

test("ASSUMED: all: DECISION_LAG_MS keeps the hosted page's outcome non-final for that long, then the session takes it", async (t) => {
  for (const [mode, quote, run] of LAG_ROWS) {
    await t.test(`${mode}: ${quote}`, async () => {
      checkQuote("ASSUMED", quote);
      checkQuote("ASSUMED", "the person is sent back at once");
      await withStandIn(mode, { DECISION_LAG_MS: String(LAG_MS) }, async (base) => {
        const started = Date.now();
        const { finished, read, page, interim, decided, returned } = await run(base);
        assert.equal(finished.status, 303, "sent back at once");
        assert.equal(new URL(finished.headers.get("location")).searchParams.get(returned[0]), returned[1]);
        assert.equal(await read(), interim, "non-final during the lag");
        assert.equal((await fetch(page)).status, 409, "the hosted page takes no other outcome meanwhile");
        assert.ok(Date.now() - started < LAG_MS, "the reads above were made within the lag (machine too slow?)");
        await sleep(LAG_MS - (Date.now() - started) + 300);
        assert.equal(await read(), decided, "final once the lag is over");
        assert.equal((await fetch(page)).status, 409);
      });
    });
  }
  await t.test("deepidv: a reviewer's status set during the lag is not overwritten by the decision", async () => {
    await withStandIn("deepidv", { DECISION_LAG_MS: "800" }, async (base) => {
      const created = await (await deepCreate(PERSON, {}, base)).json();
      await postForm(created.session_url, { outcome: "success" });
      const patch = await fetch(`${base}/v1/sessions/${created.idv_id}/status`, {
        method: "PATCH",
        headers: { "x-api-key": API_KEY, "Content-Type": "application/json" },
        body: JSON.stringify({ status: "REJECTED" }),
      });
      assert.equal(patch.status, 200);
      await sleep(1100);
      const { sessionRecord } = await (await fetch(`${base}/v1/sessions/${created.idv_id}`, { headers: { "x-api-key": API_KEY } })).json();
      assert.equal(sessionRecord.status, "REJECTED");
    });
  });
});

test("modes keep separate state: the same persisted store, another mode, no sessions", async () => {
  const persist = mkdtempSync(`${tmpdir()}/idv-standin-`);
  const first = await standIn("verifa", {}, persist);
  const id = (await verifaSession({}, first.url)).id;
  await first.close();
  const other = await standIn("deepidv", {}, persist);
  try {
    assert.equal((await stats(other.url)).sessions, 0);
  } finally {
    await other.close();
  }
  const again = await standIn("verifa", {}, persist);
  try {
    assert.equal((await verifaGet(id, { "X-API-Key": VERIFA_KEY }, again.url)).status, 200);
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
