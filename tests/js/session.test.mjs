// createSession and normalizeSessionRequest through the package in Node, against a real local
// HTTP server standing in for the proxy; then in headless Chromium across origins (CORS).
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createSession, normalizeSessionRequest, IdvError } from "idv-handoff";
import { startProxyStub, SESSION } from "./helpers/proxy-stub.mjs";
import { serveStatic } from "../../scripts/static-server.mjs";
import { launchChromium, openPage } from "./helpers/chromium.mjs";
import { ROOT } from "./helpers/paths.mjs";

const REQUEST = { firstName: "John", lastName: "Doe", email: "john.doe@example.com", phone: "+15192223333" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// Every call below goes to http://127.0.0.1, hence allowInsecureProxy; small waits keep it quick.
const DEV = { allowInsecureProxy: true, maxDelayMs: 2_000 };

let proxy;
before(async () => {
  proxy = await startProxyStub();
});
after(() => proxy.close());
beforeEach(() => proxy.reset());

async function codeOf(promise) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof IdvError && e instanceof Error, String(e));
    return e;
  }
  assert.fail("did not throw");
}

test("sends the snake_case body, Content-Type and a fresh UUID Idempotency-Key; returns the Session", async () => {
  const session = await createSession(`${proxy.url}/api/idv/sessions`, { ...REQUEST, externalId: "user-12345", sendEmailInvite: false }, DEV);
  assert.deepEqual(session, {
    id: SESSION.idv_id,
    sessionUrl: "https://app.deepidv.com/s/a1b2c3d4",
    externalId: "user-12345",
    links: [],
    raw: SESSION,
  });
  assert.equal(proxy.requests.length, 1);
  const [sent] = proxy.requests;
  assert.equal(sent.method, "POST");
  assert.equal(sent.url, "/api/idv/sessions");
  assert.equal(sent.headers["content-type"], "application/json");
  assert.match(sent.headers["idempotency-key"], UUID);
  assert.equal(sent.headers["x-api-key"], undefined);
  assert.deepEqual(JSON.parse(sent.body), {
    first_name: "John", last_name: "Doe", email: "john.doe@example.com", phone: "+15192223333",
    external_id: "user-12345", send_email_invite: false,
  });
  await createSession(`${proxy.url}/api/idv/sessions`, REQUEST, DEV);
  assert.notEqual(proxy.requests[1].headers["idempotency-key"], sent.headers["idempotency-key"]);
});

test("accepts the answer's other spellings: id, sessionUrl, external_id", async () => {
  const answer = { id: "s-1", sessionUrl: "https://app.deepidv.com/s/1", external_id: "e-1", links: [{ url: "https://x.example/", type: "doc" }] };
  proxy.reply({ status: 201, json: answer });
  const session = await createSession(proxy.url, REQUEST, DEV);
  assert.deepEqual(session, { id: "s-1", sessionUrl: "https://app.deepidv.com/s/1", externalId: "e-1", links: answer.links, raw: answer });
});

test("invalid requests are refused before any byte is sent", async () => {
  const cases = [
    [{ ...REQUEST, firstName: "" }, "first_name"],
    [{ ...REQUEST, lastName: undefined, last_name: undefined }, "last_name"],
    [{ ...REQUEST, email: "not-an-email" }, "email"],
    [{ ...REQUEST, phone: "+1 519 222 3333" }, "phone"],
    [{ ...REQUEST, phone: "5192223333" }, "phone"],
    [{ ...REQUEST, sendEmailInvite: "yes" }, "send_email_invite"],
    [{ ...REQUEST, workflowId: "" }, "workflow_id"],
    [{ ...REQUEST, redirectUrl: "http://yourapp.com/done" }, "redirect_url"],
    [{ ...REQUEST, redirect_url: "https://yourapp.com@evil.example/" }, "redirect_url"],
    [{ ...REQUEST, apiKey: "sk_live_123" }, "apiKey"],
    [{ ...REQUEST, "x-api-key": "sk_live_123" }, "x-api-key"],
  ];
  for (const [request, field] of cases) {
    const e = await codeOf(createSession(proxy.url, request, DEV));
    assert.equal(e.code, "invalid_request", field);
    assert.equal(e.field, field);
    assert.equal(e.status, undefined);
  }
  const notObject = await codeOf(createSession(proxy.url, "John", DEV));
  assert.deepEqual([notObject.code, notObject.field], ["invalid_input", "request"]);
  assert.equal(proxy.requests.length, 0);
});

test("the proxy URL must be https unless allowInsecureProxy; credentials and tricks are refused", async () => {
  const e = await codeOf(createSession(proxy.url, REQUEST));
  assert.equal(e.code, "insecure_url");
  assert.equal(e.field, "proxyUrl");
  assert.equal((await codeOf(createSession("https://user:pw@proxy.example/", REQUEST))).code, "credentials_in_url");
  assert.equal((await codeOf(createSession("/api/idv/sessions", REQUEST))).code, "invalid_url");
  // allowInsecureProxy is for a proxy on loopback (development): http elsewhere stays refused.
  const lan = await codeOf(createSession("http://192.168.1.20:8787/api/idv/sessions", REQUEST, DEV));
  assert.deepEqual([lan.code, lan.field], ["insecure_url", "proxyUrl"]);
  assert.equal(proxy.requests.length, 0);
});

test("options are checked", async () => {
  const cases = [
    [{ idempotencyKey: "" }, "idempotencyKey"],
    [{ idempotencyKey: "has space" }, "idempotencyKey"],
    [{ idempotencyKey: "k".repeat(256) }, "idempotencyKey"],
    [{ maxRetries: -1 }, "maxRetries"],
    [{ maxRetries: 1.5 }, "maxRetries"],
    [{ maxRetries: 11 }, "maxRetries"],
    [{ timeoutMs: 0 }, "timeoutMs"],
    [{ allowInsecureProxy: "yes" }, "allowInsecureProxy"],
  ];
  for (const [options, field] of cases) {
    const e = await codeOf(createSession(proxy.url, REQUEST, { ...DEV, ...options }));
    assert.equal(e.code, "invalid_option", field);
    assert.equal(e.field, field);
  }
  assert.equal(proxy.requests.length, 0);
});

test("options: each of its kind, checked in order with the proxy URL and the request; null is absent", async () => {
  const named = async (call) => {
    try {
      await call();
    } catch (e) {
      return `${e.code} ${e.field}`;
    }
    return "accepted";
  };
  const plan = (options, request = REQUEST, url = proxy.url) => named(() => createSession(url, request, options));
  const rows = [
    [{ allowInsecureProxy: "yes", provider: 5 }, "invalid_option allowInsecureProxy"],
    [{ allowInsecureProxy: 1 }, "invalid_option allowInsecureProxy"],
    [{ ...DEV, provider: 5, allowInsecureLocalhost: 5 }, "invalid_option provider"],
    [{ ...DEV, provider: "acme" }, "invalid_option provider"],
    [{ ...DEV, provider: "Didit" }, "invalid_option provider"],
    [{ ...DEV, allowInsecureLocalhost: "yes", apiVersion: 5 }, "invalid_option allowInsecureLocalhost"],
    [{ ...DEV, apiVersion: 5, idempotencyKey: 5 }, "invalid_option apiVersion"],
    [{ ...DEV, apiVersion: "2026-02-01", idempotencyKey: 5 }, "invalid_option apiVersion"],
    [{ ...DEV, idempotencyKey: 5, timeoutMs: 0 }, "invalid_option idempotencyKey"],
    [{ ...DEV, idempotencyKey: "a b", timeoutMs: 0 }, "invalid_option idempotencyKey"],
    [{ ...DEV, timeoutMs: "5", maxRetries: 11 }, "invalid_option timeoutMs"],
    [{ ...DEV, timeoutMs: NaN }, "invalid_option timeoutMs"],
    [{ ...DEV, timeoutMs: -1 }, "invalid_option timeoutMs"],
    [{ ...DEV, timeoutMs: 5n }, "invalid_option timeoutMs"],
    [{ ...DEV, maxRetries: 11, maxDelayMs: "x" }, "invalid_option maxRetries"],
    [{ ...DEV, maxRetries: "1" }, "invalid_option maxRetries"],
    [{ ...DEV, maxRetries: NaN }, "invalid_option maxRetries"],
    [{ ...DEV, maxRetries: Infinity }, "invalid_option maxRetries"],
    [{ ...DEV, maxRetries: 1n }, "invalid_option maxRetries"],
    [{ ...DEV, maxDelayMs: 2 ** 32 }, "invalid_option maxDelayMs"],
    [{ ...DEV, maxDelayMs: 1.5 }, "invalid_option maxDelayMs"],
    [{ ...DEV, maxDelayMs: -1 }, "invalid_option maxDelayMs"],
    [{ ...DEV, maxDelayMs: "5" }, "invalid_option maxDelayMs"],
    [{ ...DEV, maxDelayMs: Infinity }, "invalid_option maxDelayMs"],
    [{ ...DEV, maxDelayMs: true }, "invalid_option maxDelayMs"],
  ];
  for (const [options, expected] of rows) {
    assert.equal(await plan(options), expected, String(Object.entries(options)));
  }
  // The proxy URL after allowInsecureProxy, before the others; the request after provider and
  // allowInsecureLocalhost, before the rest.
  assert.equal(await plan({ provider: 5 }), "insecure_url proxyUrl");
  assert.equal(await plan({ ...DEV, provider: 5 }, { firstName: "" }), "invalid_option provider");
  assert.equal(await plan({ ...DEV, apiVersion: 5 }, { firstName: "" }), "invalid_request first_name");
  assert.equal(proxy.requests.length, 0);
  // Null reads as absent; the largest values are taken.
  const nulls = { provider: null, allowInsecureLocalhost: null, apiVersion: null, idempotencyKey: null, timeoutMs: null, maxRetries: null };
  assert.equal(await plan({ ...DEV, ...nulls }), "accepted");
  assert.equal(await plan({ ...DEV, maxRetries: 10, maxDelayMs: 2 ** 32 - 1, timeoutMs: 5_000.5 }), "accepted");
  assert.equal(await plan({ ...DEV, maxRetries: -0, maxDelayMs: null }), "accepted");
  assert.equal(proxy.requests.length, 3);
  // Each reads its own options, each once, in order, and only those the object has.
  const seen = [];
  const watch = (options) => new Proxy(options, { get: (target, key) => (seen.push(key), target[key]) });
  const every = {
    signal: undefined,
    maxDelayMs: 2_000,
    maxRetries: 2,
    timeoutMs: 5_000,
    idempotencyKey: "order-43",
    apiVersion: null,
    allowInsecureLocalhost: false,
    provider: "deepidv",
    allowInsecureProxy: true,
  };
  await createSession(proxy.url, REQUEST, watch(every));
  assert.equal(seen.join(), "allowInsecureProxy,provider,allowInsecureLocalhost,apiVersion,idempotencyKey,timeoutMs,maxRetries,maxDelayMs,signal");
  seen.length = 0;
  await createSession(proxy.url, REQUEST, watch({ ...DEV }));
  assert.equal(seen.join(), "allowInsecureProxy,maxDelayMs");
  seen.length = 0;
  normalizeSessionRequest(REQUEST, watch({ allowInsecureLocalhost: true, provider: "deepidv" }));
  assert.equal(seen.join(), "provider,allowInsecureLocalhost");
  assert.throws(() => normalizeSessionRequest(REQUEST, { provider: 5, allowInsecureLocalhost: 5 }), (e) => e.field === "provider");
  assert.throws(() => normalizeSessionRequest(REQUEST, { allowInsecureLocalhost: 5 }), (e) => e.field === "allowInsecureLocalhost");
  // createSession's own options are not normalizeSessionRequest's: refused by name.
  assert.throws(
    () => normalizeSessionRequest(REQUEST, { allowInsecureProxy: true, provider: null }),
    (e) => e.code === "invalid_option" && e.field === "allowInsecureProxy",
  );
  assert.deepEqual(normalizeSessionRequest(REQUEST, { provider: null }), normalizeSessionRequest(REQUEST));
});

test("the caller's idempotencyKey is sent", async () => {
  await createSession(proxy.url, REQUEST, { ...DEV, idempotencyKey: "order-42" });
  assert.equal(proxy.requests[0].headers["idempotency-key"], "order-42");
});

test("documented errors map to codes with the status and the provider's words, and are not retried", async () => {
  const DIDIT = { workflow_id: "11111111-2222-3333-4444-555555555555" };
  const cases = [
    // deepidv (000): 400, 401, 402, 404 "Workflow ID not found", 429.
    ["deepidv", 400, { message: "phone must be E.164", field: "phone" }, "invalid_request", "phone"],
    ["deepidv", 401, { message: "bad key" }, "unauthorized"],
    ["deepidv", 402, { message: "Insufficient token balance" }, "payment_required"],
    ["deepidv", 404, { message: "Workflow ID not found" }, "workflow_not_found"],
    // A 404 means nothing more for the others; a 422 only what the proxy's own code says.
    ["didit", 404, { detail: "Not found." }, "upstream_error"],
    ["deepidv", 422, {}, "upstream_error"],
    ["deepidv", 422, { code: "idempotency_conflict", message: "Idempotency-Key reused with another body" }, "idempotency_conflict"],
    // Verifa (004): 422 is its generic "Unprocessable Entity Error".
    ["verifa", 422, { message: "country is not supported", field: "country" }, "invalid_request", "country"],
    // Didit's words come as `detail`; its nested fields by their dotted names.
    ["didit", 400, { detail: "Enter a valid phone number.", field: "contact_details.phone" }, "invalid_request", "contact_details.phone"],
  ];
  for (const [provider, status, json, code, field] of cases) {
    proxy.reset();
    proxy.reply({ status, json });
    const request = provider === "didit" ? DIDIT : provider === "verifa" ? {} : REQUEST;
    const e = await codeOf(createSession(proxy.url, request, { ...DEV, provider }));
    const label = `${provider} ${status} ${JSON.stringify(json)}`;
    assert.equal(e.code, code, label);
    assert.equal(e.status, status, label);
    assert.equal(e.field, field, label);
    const words = json.message ?? json.detail;
    if (words) assert.equal(e.message, words, label);
    assert.equal(proxy.requests.length, 1, `${label} was retried`);
  }
});

test("a 400 keeps the server's message and field", async () => {
  proxy.reply({ status: 400, json: { code: "invalid_request", field: "phone", message: "phone must be E.164" } });
  const e = await codeOf(createSession(proxy.url, REQUEST, DEV));
  assert.equal(e.message, "phone must be E.164");
  assert.equal(e.field, "phone");
  proxy.reply({ status: 400, text: "<html>bad</html>" });
  const plain = await codeOf(createSession(proxy.url, REQUEST, DEV));
  assert.equal(plain.code, "invalid_request");
  assert.equal(plain.field, undefined);
});

test("5xx, 409 and dropped connections are retried with the same key, then succeed", async () => {
  proxy.reply({ status: 500, json: {} }, { status: 409, json: {} }, { drop: true });
  proxy.reply({ status: 200, json: SESSION });
  const session = await createSession(proxy.url, REQUEST, { ...DEV, maxRetries: 3 });
  assert.equal(session.id, SESSION.idv_id);
  assert.equal(proxy.requests.length, 4);
  const keys = new Set(proxy.requests.map((r) => r.headers["idempotency-key"]));
  assert.equal(keys.size, 1);
  assert.ok(new Set(proxy.requests.map((r) => r.body)).size === 1, "same body every time");
});

test("when retries run out: 5xx is upstream_error, a dropped connection network_error", async () => {
  proxy.reply({ status: 503, json: {} }, { status: 502, json: {} }, { status: 500, json: {} });
  const e = await codeOf(createSession(proxy.url, REQUEST, DEV));
  assert.equal(e.code, "upstream_error");
  assert.equal(e.status, 500);
  assert.equal(proxy.requests.length, 3);

  // A lost connection is retried once the proxy has said, in this call, that it deduplicates.
  proxy.reset();
  proxy.reply({ status: 503, json: {} }, { drop: true }, { drop: true });
  const n = await codeOf(createSession(proxy.url, REQUEST, DEV));
  assert.equal(n.code, "network_error");
  assert.equal(n.status, undefined);
  assert.equal(proxy.requests.length, 3);

  proxy.reset();
  proxy.reply({ status: 500, json: {} });
  assert.equal((await codeOf(createSession(proxy.url, REQUEST, { ...DEV, maxRetries: 0 }))).code, "upstream_error");
  assert.equal(proxy.requests.length, 1);
});

test("a 429 waits as Retry-After (seconds) says, then retries with the same key", async () => {
  proxy.reply({ status: 429, headers: { "Retry-After": "1" }, json: {} });
  await createSession(proxy.url, REQUEST, DEV);
  assert.equal(proxy.requests.length, 2);
  const waited = proxy.requests[1].at - proxy.requests[0].at;
  assert.ok(waited >= 950, `waited ${waited} ms`);
  assert.equal(proxy.requests[0].headers["idempotency-key"], proxy.requests[1].headers["idempotency-key"]);
});

test("a 429 waits until Retry-After's HTTP date, or X-RateLimit-Reset", async () => {
  const inTwoSeconds = Math.ceil(Date.now() / 1000) + 2;
  proxy.reply({ status: 429, headers: { "Retry-After": new Date(inTwoSeconds * 1000).toUTCString() }, json: {} });
  await createSession(proxy.url, REQUEST, { ...DEV, maxDelayMs: 5_000 });
  const target = inTwoSeconds * 1000;
  assert.ok(proxy.requests[1].at >= target - 50, `retried ${target - proxy.requests[1].at} ms early`);

  proxy.reset();
  const reset = Math.ceil(Date.now() / 1000) + 1;
  proxy.reply({ status: 429, headers: { "X-RateLimit-Reset": String(reset), "X-RateLimit-Remaining": "0" }, json: {} });
  await createSession(proxy.url, REQUEST, { ...DEV, maxDelayMs: 5_000 });
  assert.ok(proxy.requests[1].at >= reset * 1000 - 50, "retried before the window reset");
});

test("rate_limited with retryAfterMs when the wait is too long or retries run out", async () => {
  proxy.reply({ status: 429, headers: { "Retry-After": "120" }, json: {} });
  const e = await codeOf(createSession(proxy.url, REQUEST, DEV));
  assert.equal(e.code, "rate_limited");
  assert.equal(e.status, 429);
  assert.equal(e.retryAfterMs, 120_000);
  assert.equal(proxy.requests.length, 1);

  proxy.reset();
  proxy.reply(...Array(3).fill({ status: 429, headers: { "Retry-After": "0" }, json: {} }));
  const last = await codeOf(createSession(proxy.url, REQUEST, DEV));
  assert.equal(last.code, "rate_limited");
  assert.equal(last.retryAfterMs, 0);
  assert.equal(proxy.requests.length, 3);
});

test("each attempt times out after timeoutMs; then timeout", async () => {
  // Verifa documents idempotency: a timed-out create is sent again with the same key.
  const VERIFA = { ...DEV, provider: "verifa", timeoutMs: 100, maxRetries: 1, maxDelayMs: 10 };
  proxy.reply(...Array(2).fill({ status: 201, json: {}, delayMs: 400 }));
  const e = await codeOf(createSession(proxy.url, {}, VERIFA));
  assert.equal(e.code, "timeout");
  assert.equal(proxy.requests.length, 2);
  assert.equal(proxy.requests[0].headers["idempotency-key"], proxy.requests[1].headers["idempotency-key"]);
});

// deepidv and Didit document no idempotency: a create the provider may have made is never sent
// again, unless the proxy has said in this call that it deduplicates (Idv-Idempotency).
test("deepidv and Didit creates that may have been made are not re-sent to a proxy that did not say it deduplicates", async () => {
  const silent = await startProxyStub({ deduplicates: false });
  try {
    for (const [provider, request] of [["deepidv", REQUEST], ["didit", { workflow_id: "11111111-2222-3333-4444-555555555555" }]]) {
      for (const [answer, code, options] of [
        [{ status: 503, json: {} }, "upstream_error", {}],
        [{ drop: true }, "network_error", {}],
        [{ status: 200, json: SESSION, delayMs: 400 }, "timeout", { timeoutMs: 100 }],
      ]) {
        silent.reset();
        silent.reply(answer, answer, answer);
        const e = await codeOf(createSession(silent.url, request, { ...DEV, provider, ...options }));
        assert.equal(e.code, code, `${provider} ${code}`);
        assert.equal(silent.requests.length, 1, `${provider} ${code}: re-sent`);
      }
      // A 429 made nothing: it is retried for every provider.
      silent.reset();
      silent.reply({ status: 429, headers: { "Retry-After": "0" }, json: {} });
      const retried = await createSession(silent.url, request, { ...DEV, provider }).catch((e) => e);
      assert.equal(silent.requests.length, 2, `${provider} 429`);
      assert.ok(!(retried instanceof IdvError) || retried.code === "invalid_response", String(retried?.code));
    }
  } finally {
    silent.close();
  }
});

test("the caller's signal aborts a request in flight, and a wait between attempts", async () => {
  proxy.reply({ status: 200, json: SESSION, delayMs: 2_000 });
  const started = Date.now();
  const e = await codeOf(createSession(proxy.url, REQUEST, { ...DEV, signal: AbortSignal.timeout(100) }));
  assert.equal(e.code, "aborted");
  assert.ok(Date.now() - started < 1_500);

  proxy.reset();
  proxy.reply({ status: 429, headers: { "Retry-After": "2" }, json: {} });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const during = await codeOf(createSession(proxy.url, REQUEST, { ...DEV, signal: controller.signal, maxDelayMs: 5_000 }));
  assert.equal(during.code, "aborted");
  assert.equal(proxy.requests.length, 1);

  const aborted = AbortSignal.abort();
  assert.equal((await codeOf(createSession(proxy.url, REQUEST, { ...DEV, signal: aborted }))).code, "aborted");
  assert.equal(proxy.requests.length, 1, "nothing sent with an aborted signal");
});

test("redirects are not followed", async () => {
  proxy.reply({ status: 302, headers: { Location: `${proxy.url}/elsewhere` }, text: "" });
  const e = await codeOf(createSession(proxy.url, REQUEST, DEV));
  assert.equal(e.code, "invalid_response");
  assert.equal(e.status, 302);
  assert.equal(proxy.requests.length, 1);
});

test("an answer that is not a session is invalid_response", async () => {
  const answers = [
    { status: 200, text: "<html>ok</html>" },
    { status: 200, json: [SESSION] },
    { status: 200, json: { session_url: SESSION.session_url } },
    { status: 200, json: { idv_id: "x", session_url: "http://app.deepidv.com/s" } },
    { status: 200, json: { idv_id: "x", session_url: "javascript:alert(1)" } },
    { status: 200, json: { idv_id: "x", session_url: SESSION.session_url, links: "none" } },
  ];
  for (const answer of answers) {
    proxy.reset();
    proxy.reply(answer);
    const e = await codeOf(createSession(proxy.url, REQUEST, DEV));
    assert.equal(e.code, "invalid_response", JSON.stringify(answer));
    assert.equal(proxy.requests.length, 1);
  }
});

test("normalizeSessionRequest returns the snake_case body, camelCase winning", () => {
  assert.deepEqual(
    normalizeSessionRequest({ first_name: "X", firstName: "Jane", lastName: "Doe", email: "jane@example.com", phone: "+15551234567", sendPhoneInvite: false }),
    { first_name: "Jane", last_name: "Doe", email: "jane@example.com", phone: "+15551234567", send_phone_invite: false },
  );
  assert.throws(() => normalizeSessionRequest({ ...REQUEST, phone: "555" }), (e) => e.code === "invalid_request" && e.field === "phone");
  const local = { ...REQUEST, redirectUrl: "http://127.0.0.1:8787/idv/return" };
  assert.throws(() => normalizeSessionRequest(local), (e) => e.field === "redirect_url");
  assert.equal(normalizeSessionRequest(local, { allowInsecureLocalhost: true }).redirect_url, "http://127.0.0.1:8787/idv/return");
});

test("Didit: its own request shape is validated and sent; the answer becomes the same Session shape", async () => {
  const request = {
    workflow_id: "11111111-2222-3333-4444-555555555555",
    vendor_data: "user-123",
    callback: "https://yourapp.com/verification/callback?state=abc",
    contact_details: { email: "john.doe@example.com", phone: "+14155552671" },
    expected_details: { first_name: "John", date_of_birth: "1990-05-15", expected_document_types: ["P", "ID"] },
  };
  const answer = {
    session_id: "11111111-2222-3333-4444-555555555555", session_number: 43762, session_token: "3FaJ9wLqX2Mz",
    url: "https://verify.didit.me/en/session/3FaJ9wLqX2Mz", status: "Not Started", vendor_data: "user-123", metadata: null,
  };
  proxy.reply({ status: 201, json: answer });
  const session = await createSession(proxy.url, request, { ...DEV, provider: "didit" });
  assert.deepEqual(session, { id: answer.session_id, sessionUrl: answer.url, raw: answer });
  assert.deepEqual(JSON.parse(proxy.requests[0].body), request);
  const cases = [
    [{ ...request, workflow_id: "wf_1" }, "workflow_id"],
    [{ ...request, contact_details: { phone: "415" } }, "contact_details.phone"],
    [{ ...request, expected_details: { date_of_birth: "1990-02-30" } }, "expected_details.date_of_birth"],
    [{ ...request, callback: "javascript://x" }, "callback"],
    [{ ...request, first_name: "John" }, "first_name"],
  ];
  for (const [bad, field] of cases) {
    const e = await codeOf(createSession(proxy.url, bad, { ...DEV, provider: "didit" }));
    assert.equal(e.code, "invalid_request", field);
    assert.equal(e.field, field);
  }
  assert.equal(proxy.requests.length, 1);
});

test("Verifa: request shape, Verifa-Version, and expiry and QR code in the Session", async () => {
  const answer = {
    id: "ses_123", status: "created", capture_url: "https://capture.verifa.example/c/ses_123", is_sandbox: true,
    created_at: "2026-11-22T14:00:00Z", expires_at: "2026-11-22T15:00:00Z", external_ref: "order-42",
    qr_code_data_url: "data:image/png;base64,iVBORw0KGgo=", tags: [],
  };
  proxy.reply({ status: 201, json: answer });
  const request = { external_ref: "order-42", country: "GB", checks: ["document"], redirect_url: "https://yourapp.com/done" };
  const session = await createSession(proxy.url, request, { ...DEV, provider: "verifa", apiVersion: "2026-02-01", idempotencyKey: "order-42" });
  assert.deepEqual(session, {
    id: "ses_123", sessionUrl: answer.capture_url, externalId: "order-42", expiresAt: answer.expires_at,
    qrCodeDataUrl: answer.qr_code_data_url, raw: answer,
  });
  assert.equal(proxy.requests[0].headers["verifa-version"], "2026-02-01");
  assert.equal(proxy.requests[0].headers["idempotency-key"], "order-42");
  const notADate = await codeOf(createSession(proxy.url, request, { ...DEV, provider: "verifa", apiVersion: "v2" }));
  assert.equal(notADate.code, "invalid_option");
  const notVerifa = await codeOf(createSession(proxy.url, REQUEST, { ...DEV, apiVersion: "2026-02-01" }));
  assert.equal(notVerifa.field, "apiVersion");
  assert.equal((await codeOf(createSession(proxy.url, { country: "GBR" }, { ...DEV, provider: "verifa" }))).field, "country");
  proxy.reply({ status: 201, json: { ...answer, qr_code_data_url: "data:text/html,<b>hi</b>" } });
  assert.equal((await codeOf(createSession(proxy.url, request, { ...DEV, provider: "verifa" }))).code, "invalid_response");
  assert.equal(proxy.requests.length, 2);
});

test("normalizeSessionRequest takes the provider option", () => {
  assert.deepEqual(normalizeSessionRequest({ country: "GB" }, { provider: "verifa" }), { country: "GB" });
  assert.throws(() => normalizeSessionRequest({ country: "GB" }), (e) => e.code === "invalid_request" && e.field === "country");
  assert.throws(() => normalizeSessionRequest({}, { provider: "acme" }), (e) => e.code === "invalid_option" && e.field === "provider");
});

// In a browser, across origins: the page on one origin, the proxy on another.
test("in headless Chromium across origins: preflight, headers, exposed Retry-After", async () => {
  const cors = await startProxyStub({ cors: true });
  const plain = await startProxyStub({ cors: false });
  const page = await serveStatic({ "/": `${ROOT}tests/js/handoff-flow/app`, "/node_modules/": `${ROOT}node_modules` });
  const browser = await launchChromium();
  try {
    const { page: tab, errors } = await openPage(browser);
    await tab.goto(`${page.url}/index.html`);
    const call = (url, request) =>
      tab.evaluate(async ([url, request]) => {
        const { createSession } = await import("idv-handoff");
        const started = Date.now();
        try {
          return { ok: await createSession(url, request, { allowInsecureProxy: true, maxDelayMs: 3000 }), ms: Date.now() - started };
        } catch (e) {
          return { code: e.code, status: e.status, ms: Date.now() - started };
        }
      }, [url, request]);

    cors.reply({ status: 429, headers: { "Retry-After": "1" }, json: {} }, { status: 200, json: SESSION });
    const created = await call(`${cors.url}/api/idv/sessions`, REQUEST);
    assert.equal(created.ok?.id, SESSION.idv_id, JSON.stringify(created));
    assert.ok(created.ms >= 950, `the browser waited ${created.ms} ms: Retry-After not read`);
    assert.ok(cors.preflights.length >= 1, "no preflight");
    assert.match(cors.preflights[0].headers["access-control-request-headers"], /idempotency-key/);
    assert.equal(cors.requests.length, 2);
    assert.equal(cors.requests[0].headers["idempotency-key"], cors.requests[1].headers["idempotency-key"]);
    assert.equal(cors.requests[0].headers.origin, page.url);

    const invalid = await call(`${cors.url}/api/idv/sessions`, { ...REQUEST, email: "nope" });
    assert.equal(invalid.code, "invalid_request");
    assert.equal(cors.requests.length, 2, "sent an invalid request");

    // A proxy that does not allow the origin is unreachable from the page: network_error.
    const blocked = await call(`${plain.url}/api/idv/sessions`, REQUEST);
    assert.equal(blocked.code, "network_error");
    assert.equal(plain.requests.length, 0, "the preflight should have stopped the POST");
    assert.deepEqual(errors.filter((e) => !/CORS|Failed to load|ERR_FAILED|405/.test(e)), []);
  } finally {
    await browser.close();
    await Promise.all([cors.close(), plain.close(), page.close()]);
  }
});
