// awaitResult through the package in Node, against a real local HTTP server scripted as the
// server half's status route: what it reads, what each answer means, the time limit (the last
// summary, never an error for time), Retry-After, abort, and its checks of URL and options.
// (The schedule itself is tested natively, tests/result.rs; here only what the loop does.)
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { awaitResult, IdvError } from "idv-handoff";
import { startProxyStub } from "./helpers/proxy-stub.mjs";

const DEV = { allowInsecureProxy: true };
const summary = (status, final, extra = {}) => ({ provider: "deepidv", id: "abc", status, final, raw: { sessionRecord: { status: status.toUpperCase() } }, ...extra });
const PENDING = summary("pending", false);
const VERIFIED = summary("verified", true);

let server;
let statusUrl;
before(async () => {
  server = await startProxyStub({ deduplicates: false });
  statusUrl = `${server.url}/api/idv/sessions/abc`;
});
after(() => server.close());
beforeEach(() => server.reset());

async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof IdvError, String(e));
    return e;
  }
  assert.fail("did not reject");
}

test("reads until final, hands every summary to onUpdate and resolves with the final one", async () => {
  server.reply({ status: 200, json: PENDING }, { status: 200, json: summary("submitted", false) }, { status: 200, json: VERIFIED });
  const updates = [];
  const result = await awaitResult(statusUrl, { ...DEV, onUpdate: (s) => updates.push(s.status) });
  assert.deepEqual(result, VERIFIED);
  assert.deepEqual(updates, ["pending", "submitted", "verified"]);
  assert.equal(server.requests.length, 3);
  for (const r of server.requests) {
    assert.equal(r.method, "GET");
    assert.equal(r.url, "/api/idv/sessions/abc");
    assert.equal(r.headers.accept, "application/json");
  }
  // The first read is at once, the next after a wait of about 1.5 s (±25 %), then longer.
  const [a, b, c] = server.requests.map((r) => r.at);
  assert.ok(b - a >= 1000, `${b - a}`);
  assert.ok(c - b >= b - a - 700, `${c - b} after ${b - a}`);
});

test("a URL object works as well as its string; a final first answer costs one read", async () => {
  server.reply({ status: 200, json: VERIFIED });
  assert.deepEqual(await awaitResult(new URL(statusUrl), DEV), VERIFIED);
  assert.equal(server.requests.length, 1);
});

test("time up: resolves with the last summary, final false; never rejects for time", async () => {
  for (let i = 0; i < 10; i++) server.reply({ status: 200, json: summary("in_review", false) });
  const started = Date.now();
  const result = await awaitResult(statusUrl, { ...DEV, timeoutMs: 2_500 });
  assert.equal(result.final, false);
  assert.equal(result.status, "in_review");
  assert.ok(Date.now() - started < 6_000);
  assert.ok(server.requests.length >= 2, `${server.requests.length}`);
  // timeoutMs 0: exactly one read.
  server.reset();
  server.reply({ status: 200, json: PENDING });
  assert.deepEqual(await awaitResult(statusUrl, { ...DEV, timeoutMs: 0 }), PENDING);
  assert.equal(server.requests.length, 1);
});

test("5xx and lost connections are retried; Retry-After on 503 and 429 is honoured", async () => {
  server.reply({ status: 502, text: "bad gateway" }, { drop: true }, { status: 503, headers: { "Retry-After": "1" } }, { status: 200, json: VERIFIED });
  assert.deepEqual(await awaitResult(statusUrl, DEV), VERIFIED);
  assert.equal(server.requests.length, 4);
  server.reset();
  server.reply({ status: 429, headers: { "Retry-After": "2" } }, { status: 200, json: VERIFIED });
  assert.deepEqual(await awaitResult(statusUrl, DEV), VERIFIED);
  const [a, b] = server.requests.map((r) => r.at);
  assert.ok(b - a >= 1_900, `waited ${b - a} ms for Retry-After: 2`);
});

test("no summary ever: the failure that kept it away, once the time is up", async () => {
  for (let i = 0; i < 10; i++) server.reply({ status: 502, text: "down" });
  const e = await rejection(awaitResult(statusUrl, { ...DEV, timeoutMs: 2_000 }));
  assert.deepEqual([e.code, e.status], ["upstream_error", 502]);
  // A Retry-After past the time limit ends it at once.
  server.reset();
  server.reply({ status: 429, headers: { "Retry-After": "3600" } });
  const limited = await rejection(awaitResult(statusUrl, { ...DEV, timeoutMs: 5_000 }));
  assert.deepEqual([limited.code, limited.retryAfterMs], ["rate_limited", 3_600_000]);
  assert.equal(server.requests.length, 1);
});

test("refusals reject at once: 404, 400, 401, 403, a redirect, a body that is not a summary", async () => {
  const cases = [
    [{ status: 404, json: { code: "session_not_found" } }, "session_not_found"],
    [{ status: 400, json: { code: "invalid_session_id" } }, "invalid_session_id"],
    [{ status: 401, json: {} }, "unauthorized"],
    [{ status: 403, json: {} }, "origin_not_allowed"],
    [{ status: 302, headers: { Location: "https://evil.example/" } }, "invalid_response"],
    [{ status: 200, json: { ...VERIFIED, final: "yes" } }, "invalid_response"],
    [{ status: 200, text: "<html>" }, "invalid_response"],
  ];
  for (const [answer, code] of cases) {
    server.reset();
    server.reply(answer);
    const e = await rejection(awaitResult(statusUrl, DEV));
    assert.equal(e.code, code, JSON.stringify(answer));
    assert.equal(server.requests.length, 1, code);
  }
});

test("signal aborts promptly, while waiting and while reading", async () => {
  for (let i = 0; i < 5; i++) server.reply({ status: 200, json: PENDING });
  const controller = new AbortController();
  const waiting = awaitResult(statusUrl, { ...DEV, signal: controller.signal });
  setTimeout(() => controller.abort(), 300);
  const started = Date.now();
  assert.equal((await rejection(waiting)).code, "aborted");
  assert.ok(Date.now() - started < 1_000);
  server.reset();
  server.reply({ status: 200, json: VERIFIED, delayMs: 5_000 });
  const slow = new AbortController();
  const reading = awaitResult(statusUrl, { ...DEV, signal: slow.signal });
  setTimeout(() => slow.abort(), 200);
  assert.equal((await rejection(reading)).code, "aborted");
  assert.equal((await rejection(awaitResult(statusUrl, { ...DEV, signal: AbortSignal.abort() }))).code, "aborted");
});

test("the status URL must be https, http only on loopback with allowInsecureProxy; options are checked", async () => {
  const cases = [
    [[statusUrl], "insecure_url statusUrl"],
    [["http://192.168.1.20/api/idv/sessions/abc", DEV], "insecure_url statusUrl"],
    [["/api/idv/sessions/abc", DEV], "invalid_url statusUrl"],
    [["https://user:pw@proxy.example/api/idv/sessions/abc"], "credentials_in_url statusUrl"],
    [[42], "invalid_input statusUrl"],
    [[statusUrl, { ...DEV, timeoutMs: -1 }], "invalid_option timeoutMs"],
    [[statusUrl, { ...DEV, timeoutMs: Infinity }], "invalid_option timeoutMs"],
    [[statusUrl, { ...DEV, onUpdate: "log" }], "invalid_option onUpdate"],
    [[statusUrl, { ...DEV, signal: {} }], "invalid_option signal"],
    [[statusUrl, { ...DEV, allowInsecureProxy: "yes" }], "invalid_option allowInsecureProxy"],
    [[statusUrl, { ...DEV, timeout: 5 }], "invalid_option timeout"],
  ];
  for (const [args, expected] of cases) {
    const e = await rejection(awaitResult(...args));
    assert.equal(`${e.code} ${e.field}`, expected, JSON.stringify(args));
  }
  assert.equal(server.requests.length, 0);
});
