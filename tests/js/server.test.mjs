// The server half, idv-handoff/server: createIdvHandler as the integrator's proxy, against a
// mock provider that is a real HTTP server on loopback (every request it gets is recorded).
// Each behaviour runs in Node (the handler called with `new Request(...)`), and the essential
// ones again in real workerd (Miniflare), with the handler mounted in tests/js/server/worker.js
// and its Idempotency-Keys in the Durable Object store.
//
// The API key is `sk_live_SECRET_123`: every response of every route is searched for it (and
// for its distinctive part), and so is everything written through console.* while this file
// runs.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { Worker } from "node:worker_threads";
import { inspect } from "node:util";
import { Miniflare } from "miniflare";
import { createIdvHandler, memoryStore, durableObjectStore, IdvIdempotencyStore, IdvError } from "idv-handoff/server";
import { ROOT, outDir } from "./helpers/paths.mjs";
import { bundleWorker } from "../../scripts/bundle-worker.mjs";

const KEY = "sk_live_SECRET_123";
const KEY_PART = "SECRET_123";
const APP = "https://yourapp.com";
const RETURN = `${APP}/idv/return`;
const PARTNER = "https://partner.example";
const DIDIT_WORKFLOW = "11111111-2222-3333-4444-555555555555";
const VERIFA_PARAMS = { sessionId: "verifa_session", status: "verifa_status", reason: "verifa_reason" };
const STATE_COOKIE = "__Host-idv-state";
/** The cookie once its handoff has returned: its state marked used (a replay is then told apart). */
const usedCookie = (state) => `${STATE_COOKIE}=used.${state}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600`;
const EXPOSED = ["Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Idv-Idempotency"];

// ---------------------------------------------------------------------------------------------
// Everything logged while this file runs, to search for the key at the end.
const logged = [];
const originalConsole = {};
for (const name of ["log", "info", "warn", "error", "debug", "trace", "dir", "table"]) {
  originalConsole[name] = console[name];
  console[name] = (...args) => {
    logged.push(args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 8 }))).join(" "));
    return originalConsole[name].apply(console, args);
  };
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** A fresh state as createState makes it: 32 random bytes, unpadded base64url (43 characters). */
const newState = () => randomBytes(32).toString("base64url");

/** Fails if `text` holds the API key (whole, or its distinctive part). */
function assertNoKey(text, where) {
  assert.ok(!text.includes(KEY) && !text.includes(KEY_PART), `the API key leaked in ${where}: ${text.slice(0, 400)}`);
}

// ---------------------------------------------------------------------------------------------
// The mock provider: a real HTTP server. `answer(fn)` sets how it answers: fn(request) returns
// { status, json | text, headers, delayMs, hang (never answer), stallBody (headers, then nothing) }.

async function startProvider() {
  const requests = [];
  let created = 0;
  const fallback = (req) => {
    if (req.method === "POST") {
      created += 1;
      return { status: 201, json: { idv_id: `sess-${created}`, session_url: `https://app.deepidv.com/s/sess-${created}` } };
    }
    return { status: 200, json: { sessionRecord: { status: "PENDING" } } };
  };
  let respond = fallback;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", async () => {
      const entry = {
        method: req.method,
        path: req.url,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(entry);
      const a = await respond(entry, fallback);
      if (a.hang) return;
      if (a.delayMs) await sleep(a.delayMs);
      const headers = { ...(a.headers ?? {}) };
      let text = a.text ?? "";
      if (a.json !== undefined) {
        text = JSON.stringify(a.json);
        headers["Content-Type"] = "application/json";
      }
      if (a.stallBody) {
        res.writeHead(a.status, headers);
        res.write(text.slice(0, 1));
        return;
      }
      res.writeHead(a.status, headers).end(text);
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    creates: () => requests.filter((r) => r.method === "POST").length,
    answer(fn) {
      respond = fn;
    },
    reset() {
      requests.length = 0;
      created = 0;
      respond = fallback;
    },
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(ok);
      }),
  };
}

/** A provider URL nothing listens on: the provider is down. */
async function deadUrl() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${server.address().port}`;
  await new Promise((ok) => server.close(ok));
  return url;
}

// ---------------------------------------------------------------------------------------------
// Requests and answers.

const bodies = {
  deepidv: (returnUrl = `${RETURN}?state=x`, extra = {}) => ({
    firstName: "Ada",
    lastName: "Lovelace",
    email: "ada@example.com",
    phone: "+15551234567",
    redirectUrl: returnUrl,
    ...extra,
  }),
  didit: (returnUrl = `${RETURN}?state=x`, extra = {}) => ({ workflow_id: DIDIT_WORKFLOW, callback: returnUrl, ...extra }),
  verifa: (returnUrl = `${RETURN}?state=x`, extra = {}) => ({ external_ref: "user-1", redirect_url: returnUrl, ...extra }),
};

/** The answer of a response, read whole, searched for the key (status text, headers, body). */
async function readAnswer(res, where) {
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString("latin1");
  const headers = Object.fromEntries(res.headers);
  assertNoKey(`${res.status} ${res.statusText}\n${JSON.stringify([...res.headers])}\n${text}`, where);
  return {
    status: res.status,
    headers,
    get: (name) => res.headers.get(name),
    text: bytes.toString("utf8"),
    json: () => JSON.parse(bytes.toString("utf8")),
  };
}

/** Calls `handler` with a request on the app's origin; the answer is searched for the key. */
async function send(handler, path, init = {}) {
  const res = await handler(new Request(`${APP}${path}`, init));
  assert.ok(res instanceof Response, "the handler answers a Response");
  return readAnswer(res, `${init.method ?? "GET"} ${path}`);
}

const post = (handler, body, headers = {}, path = "/api/idv/sessions") =>
  send(handler, path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

/** The error page's code (`<code id="code">…</code>`). */
function pageCode(answer) {
  assert.match(answer.get("Content-Type") ?? "", /^text\/html/);
  const match = /<code id="code">([^<]*)<\/code>/.exec(answer.text);
  assert.ok(match, `an error page: ${answer.text.slice(0, 200)}`);
  return match[1];
}

let mock;
let handlers;

function handlerFor(provider, options = {}) {
  return createIdvHandler({
    provider,
    apiKey: KEY,
    providerUrl: mock.url,
    allowInsecureLocalhost: true,
    returnUrls: [RETURN],
    timeoutMs: 3000,
    ...(provider === "verifa" ? { params: VERIFA_PARAMS } : {}),
    ...options,
  });
}

before(async () => {
  mock = await startProvider();
  handlers = {
    deepidv: handlerFor("deepidv", { allowedOrigins: [PARTNER], resultUrl: "/result" }),
    didit: handlerFor("didit"),
    verifa: handlerFor("verifa"),
  };
});

after(async () => {
  await mock?.close();
  Object.assign(console, originalConsole);
});

// =============================================================================================
// Node
// =============================================================================================

describe("in Node", () => {
  // -------------------------------------------------------------------------------------------
  describe("1. one session per Idempotency-Key", () => {
    test("20 concurrent POSTs with one key and body: one provider create, the same answer for all", { timeout: 20_000 }, async () => {
      mock.reset();
      mock.answer((req, fallback) => ({ ...fallback(req), delayMs: 150, headers: { "X-RateLimit-Remaining": "41" } }));
      const body = bodies.deepidv();
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => post(handlers.deepidv, body, { "Idempotency-Key": "key-concurrent-1" })),
      );
      assert.equal(mock.creates(), 1, "the provider saw exactly one create");
      for (const a of answers) {
        assert.equal(a.status, 201);
        assert.equal(a.text, answers[0].text);
        assert.equal(a.get("Idv-Idempotency"), "deduplicated");
        assert.equal(a.get("X-RateLimit-Remaining"), "41", "the provider's rate-limit headers are replayed too");
      }
      assert.deepEqual(answers[0].json(), { idv_id: "sess-1", session_url: "https://app.deepidv.com/s/sess-1" });

      // Later, the same key and body: replayed, still one create.
      const again = await post(handlers.deepidv, body, { "Idempotency-Key": "key-concurrent-1" });
      assert.equal(again.status, 201);
      assert.equal(again.text, answers[0].text);
      assert.equal(mock.creates(), 1);
    });

    test("the same key with another body: 422 idempotency_conflict, no provider call", { timeout: 20_000 }, async () => {
      mock.reset();
      const first = await post(handlers.deepidv, bodies.deepidv(), { "Idempotency-Key": "key-conflict-1" });
      assert.equal(first.status, 201);
      assert.equal(mock.creates(), 1);
      const other = await post(handlers.deepidv, bodies.deepidv(undefined, { firstName: "Grace" }), { "Idempotency-Key": "key-conflict-1" });
      assert.equal(other.status, 422);
      assert.equal(other.json().code, "idempotency_conflict");
      assert.equal(other.get("Idv-Idempotency"), "deduplicated");
      assert.equal(mock.creates(), 1, "no provider call for the conflict");
    });

    test("a conflicting body sent while the key's first create is in flight is refused too, with one create", { timeout: 20_000 }, async () => {
      mock.reset();
      mock.answer((req, fallback) => ({ ...fallback(req), delayMs: 200 }));
      const [a, b] = await Promise.all([
        post(handlers.deepidv, bodies.deepidv(), { "Idempotency-Key": "key-conflict-2" }),
        sleep(30).then(() => post(handlers.deepidv, bodies.deepidv(undefined, { lastName: "Hopper" }), { "Idempotency-Key": "key-conflict-2" })),
      ]);
      assert.equal(a.status, 201);
      assert.equal(b.status, 422);
      assert.equal(b.json().code, "idempotency_conflict");
      assert.equal(mock.creates(), 1);
    });

    test("without a key, every POST creates", { timeout: 20_000 }, async () => {
      mock.reset();
      const body = bodies.deepidv();
      const answers = await Promise.all(Array.from({ length: 5 }, () => post(handlers.deepidv, body)));
      assert.equal(mock.creates(), 5);
      assert.equal(new Set(answers.map((a) => a.json().idv_id)).size, 5);
      for (const a of answers) assert.equal(a.status, 201);
    });

    test("a 5xx from the provider is not kept: the same key creates again", { timeout: 20_000 }, async () => {
      mock.reset();
      let n = 0;
      mock.answer((req, fallback) => (++n === 1 ? { status: 503, json: { error: "unavailable" } } : fallback(req)));
      const body = bodies.deepidv();
      const first = await post(handlers.deepidv, body, { "Idempotency-Key": "key-5xx" });
      assert.equal(first.status, 503);
      assert.equal(first.get("Idv-Idempotency"), "deduplicated");
      const retry = await post(handlers.deepidv, body, { "Idempotency-Key": "key-5xx" });
      assert.equal(retry.status, 201);
      assert.equal(mock.creates(), 2, "the retry reached the provider");
      const third = await post(handlers.deepidv, body, { "Idempotency-Key": "key-5xx" });
      assert.equal(third.status, 201);
      assert.equal(third.text, retry.text);
      assert.equal(mock.creates(), 2, "the 201 is kept");
    });

    test("a 429 is not kept either (its Retry-After passed on), a timeout is not kept", { timeout: 20_000 }, async () => {
      mock.reset();
      let n = 0;
      mock.answer((req, fallback) => {
        n += 1;
        if (n === 1) return { status: 429, json: { error: "slow down" }, headers: { "Retry-After": "2" } };
        if (n === 2) return { hang: true };
        return fallback(req);
      });
      const handler = handlerFor("deepidv", { timeoutMs: 300 });
      const body = bodies.deepidv();
      const limited = await post(handler, body, { "Idempotency-Key": "key-429" });
      assert.equal(limited.status, 429);
      assert.equal(limited.get("Retry-After"), "2");
      const timedOut = await post(handler, body, { "Idempotency-Key": "key-429" });
      assert.equal(timedOut.status, 504);
      assert.equal(timedOut.get("Idv-Idempotency"), "deduplicated");
      const done = await post(handler, body, { "Idempotency-Key": "key-429" });
      assert.equal(done.status, 201);
      assert.equal(mock.creates(), 3);
    });

    test("a 4xx (400) from the provider is kept: replayed, no second call", { timeout: 20_000 }, async () => {
      mock.reset();
      mock.answer(() => ({ status: 400, json: { error: "bad phone" } }));
      const body = bodies.deepidv();
      const first = await post(handlers.deepidv, body, { "Idempotency-Key": "key-4xx" });
      assert.equal(first.status, 400);
      assert.deepEqual(first.json(), { error: "bad phone" });
      const again = await post(handlers.deepidv, body, { "Idempotency-Key": "key-4xx" });
      assert.equal(again.status, 400);
      assert.equal(again.text, first.text);
      assert.equal(again.get("Idv-Idempotency"), "deduplicated");
      assert.equal(mock.creates(), 1);
    });

    // memoryStore evicts its oldest records past maxKeys, and a record still in flight can be one
    // of them: see the report.
    test("memoryStore past maxKeys: a key still in flight keeps its one create, its waiters get the answer", { timeout: 20_000 }, async () => {
      mock.reset();
      mock.answer((req, fallback) => ({ ...fallback(req), delayMs: 300 }));
      const handler = handlerFor("deepidv", { store: memoryStore({ maxKeys: 1 }) });
      const body = bodies.deepidv();
      const within = (promise) => Promise.race([promise, sleep(1500).then(() => "no answer in 1.5 s")]);
      const first = post(handler, body, { "Idempotency-Key": "evict-A" });
      await sleep(20);
      const waiter = post(handler, body, { "Idempotency-Key": "evict-A" });
      await sleep(20);
      const others = [post(handler, body, { "Idempotency-Key": "evict-B" }), post(handler, body, { "Idempotency-Key": "evict-C" })];
      await sleep(20);
      const late = post(handler, body, { "Idempotency-Key": "evict-A" });
      const [a1, a2, a3] = await Promise.all([first, waiter, late].map(within));
      await Promise.all(others);
      assert.equal(a1.status, 201);
      assert.equal(a2?.text, a1.text, `the waiter got the key's answer (${a2?.text ?? a2})`);
      assert.equal(a3?.text, a1.text, `a later request got the key's answer (${a3?.text ?? a3})`);
      assert.equal(mock.creates(), 3, "one create per key (A, B, C)");
    });

    test("memoryStore and a custom store: the handler claims and finishes each key through the store", { timeout: 20_000 }, async () => {
      mock.reset();
      const inner = memoryStore();
      const calls = [];
      const store = {
        begin: (key, fingerprint, ttl) => (calls.push(["begin", key, typeof fingerprint, ttl]), inner.begin(key, fingerprint, ttl)),
        finish: (key, answer) => (calls.push(["finish", key, answer?.status ?? null]), inner.finish(key, answer)),
      };
      const handler = handlerFor("deepidv", { store });
      await post(handler, bodies.deepidv(), { "Idempotency-Key": "key-store" });
      await post(handler, bodies.deepidv(), { "Idempotency-Key": "key-store" });
      assert.deepEqual(calls, [
        ["begin", "key-store", "string", 86400],
        ["finish", "key-store", 201],
        ["begin", "key-store", "string", 86400],
      ]);
      assert.equal(mock.creates(), 1);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("2. return URLs pinned", () => {
    const member = { deepidv: ["redirect_url", "redirectUrl"], didit: ["callback"], verifa: ["redirect_url"] };
    const wellFormedOthers = [
      "https://evil.example/idv/return",
      "https://yourapp.com.evil.example/idv/return",
      "https://yourapp.com/idv/other",
      "https://yourapp.com/idv/return/x",
      "https://yourapp.com/idv/returnx",
      "https://yourapp.com/IDV/return",
      "https://yourapp.com:8443/idv/return",
      "https://sub.yourapp.com/idv/return",
    ];
    const malformed = [
      "http://yourapp.com/idv/return",
      "https://evil.example@yourapp.com/idv/return",
      "https://yourapp.com@evil.example/idv/return",
      "https://user:pass@yourapp.com/idv/return",
      "//evil.example/idv/return",
      "javascript:alert(1)//yourapp.com/idv/return",
    ];

    for (const provider of ["deepidv", "didit", "verifa"]) {
      for (const name of member[provider]) {
        test(`${provider} \`${name}\`: another origin or path → 400 return_url_not_allowed, the provider never called`, { timeout: 20_000 }, async () => {
          mock.reset();
          const make = (url) => {
            const body = bodies[provider](undefined);
            delete body.redirectUrl;
            delete body.redirect_url;
            delete body.callback;
            return { ...body, [name]: url };
          };
          for (const url of wellFormedOthers) {
            const a = await post(handlers[provider], make(url));
            assert.equal(a.status, 400, url);
            assert.equal(a.json().code, "return_url_not_allowed", url);
          }
          for (const url of malformed) {
            const a = await post(handlers[provider], make(url));
            assert.equal(a.status, 400, url);
            // Not even a valid https URL: refused by the request check (invalid_request naming
            // the member) before the pin, or by the pin.
            const { code, field } = a.json();
            assert.ok(
              code === "return_url_not_allowed" || (code === "invalid_request" && [name, "redirect_url", "callback"].includes(field)),
              `${url}: ${a.text}`,
            );
          }
          assert.equal(mock.requests.length, 0, "the provider was never called");

          const ok = await post(handlers[provider], make(`${RETURN}?state=x`));
          assert.equal(ok.status, 201, ok.text);
          assert.equal(mock.creates(), 1);
          const sent = JSON.parse(mock.requests[0].body);
          const sentMember = provider === "didit" ? "callback" : "redirect_url";
          assert.equal(sent[sentMember], `${RETURN}?state=x`);
        });
      }
    }

    test("a return URL whose query differs is accepted; any of several returnUrls is", { timeout: 20_000 }, async () => {
      mock.reset();
      const handler = handlerFor("deepidv", { returnUrls: [RETURN, new URL("https://other.example/back")] });
      for (const url of [`${RETURN}?state=x`, `${RETURN}?state=${newState()}&lang=fr`, RETURN, "https://other.example/back?state=y"]) {
        const a = await post(handler, bodies.deepidv(url));
        assert.equal(a.status, 201, `${url}: ${a.text}`);
      }
      assert.equal(mock.creates(), 4);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("3. body cap", () => {
    const bound = { deepidv: 16 * 1024, verifa: 64 * 1024, didit: 3 * 1024 * 1024 };

    /** A valid create body padded with spaces to exactly `size` bytes. */
    function padded(provider, size) {
      const text = JSON.stringify(bodies[provider]());
      return text.slice(0, -1) + " ".repeat(size - text.length) + "}";
    }

    function streamOf(text, chunkSize = 8192) {
      const bytes = new TextEncoder().encode(text);
      let at = 0;
      return new ReadableStream({
        pull(controller) {
          if (at >= bytes.length) return controller.close();
          controller.enqueue(bytes.slice(at, at + chunkSize));
          at += chunkSize;
        },
      });
    }

    for (const provider of ["deepidv", "verifa", "didit"]) {
      test(`${provider}: over ${bound[provider]} bytes → 413 input_too_long (request), as text or as a stream; the bound itself passes`, { timeout: 30_000 }, async () => {
        mock.reset();
        const over = padded(provider, bound[provider] + 1);
        assert.equal(Buffer.byteLength(over), bound[provider] + 1);
        const asText = await post(handlers[provider], over);
        assert.equal(asText.status, 413);
        assert.deepEqual({ code: asText.json().code, field: asText.json().field }, { code: "input_too_long", field: "request" });

        const asStream = await send(handlers[provider], "/api/idv/sessions", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: streamOf(over),
          duplex: "half",
        });
        assert.equal(asStream.status, 413);
        assert.equal(asStream.json().code, "input_too_long");
        assert.equal(asStream.json().field, "request");
        assert.equal(mock.requests.length, 0, "the provider was never called");

        const atBound = await post(handlers[provider], padded(provider, bound[provider]));
        assert.equal(atBound.status, 201, atBound.text.slice(0, 200));
        assert.equal(mock.creates(), 1);
      });
    }

    test("a declared Content-Length over the bound is refused before the body is read", { timeout: 20_000 }, async () => {
      mock.reset();
      let pulled = 0;
      const endless = new ReadableStream({
        pull(controller) {
          pulled += 1;
          controller.enqueue(new Uint8Array(1024).fill(0x20));
        },
      });
      const a = await send(handlers.deepidv, "/api/idv/sessions", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Content-Length": String(bound.deepidv + 1) },
        body: endless,
        duplex: "half",
      });
      assert.equal(a.status, 413);
      assert.equal(a.json().code, "input_too_long");
      assert.ok(pulled < 8, `the body was not read (${pulled} chunks pulled)`);
      assert.equal(mock.requests.length, 0);
    });

    test("an endless body without Content-Length: 413 once past the bound, read no further", { timeout: 20_000 }, async () => {
      mock.reset();
      let pulled = 0;
      const endless = new ReadableStream({
        pull(controller) {
          pulled += 1;
          controller.enqueue(new Uint8Array(4096).fill(0x20));
        },
      });
      const a = await send(handlers.deepidv, "/api/idv/sessions", { method: "POST", body: endless, duplex: "half" });
      assert.equal(a.status, 413);
      assert.equal(a.json().code, "input_too_long");
      assert.ok(pulled < 16, `reading stopped at the bound (${pulled} chunks of 4 KiB pulled)`);
      assert.equal(mock.requests.length, 0);
    });

    test("the bound counts bytes, not characters (multi-byte text over 16 KiB)", { timeout: 20_000 }, async () => {
      mock.reset();
      const body = JSON.stringify(bodies.deepidv(undefined, { externalId: "é".repeat(9000) }));
      assert.ok(body.length < 16 * 1024 && Buffer.byteLength(body) > 16 * 1024);
      const a = await post(handlers.deepidv, body);
      assert.equal(a.status, 413);
      assert.equal(mock.requests.length, 0);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("4. CORS", () => {
    test("no Origin: answered, without CORS headers", { timeout: 20_000 }, async () => {
      mock.reset();
      const created = await post(handlers.deepidv, bodies.deepidv());
      const status = await send(handlers.deepidv, "/api/idv/sessions/s-1");
      for (const a of [created, status]) {
        assert.ok([200, 201].includes(a.status));
        assert.deepEqual(Object.keys(a.headers).filter((h) => h.startsWith("access-control-")), []);
      }
    });

    for (const origin of [APP, PARTNER]) {
      test(`Origin ${origin}: Access-Control-Allow-Origin echoes it, the rate-limit and idempotency headers exposed`, { timeout: 20_000 }, async () => {
        mock.reset();
        const answers = [
          await post(handlers.deepidv, bodies.deepidv(), { Origin: origin, "Idempotency-Key": `cors-${origin}` }),
          await send(handlers.deepidv, "/api/idv/sessions/s-1", { headers: { Origin: origin } }),
          // Errors too, or the browser could not read them.
          await post(handlers.deepidv, bodies.deepidv("https://evil.example/idv/return"), { Origin: origin }),
          await send(handlers.deepidv, "/api/idv/sessions/bad!id", { headers: { Origin: origin } }),
        ];
        assert.deepEqual(answers.map((a) => a.status), [201, 200, 400, 400]);
        for (const a of answers) {
          assert.equal(a.get("Access-Control-Allow-Origin"), origin);
          const exposed = (a.get("Access-Control-Expose-Headers") ?? "").split(",").map((s) => s.trim().toLowerCase());
          for (const name of EXPOSED) assert.ok(exposed.includes(name.toLowerCase()), `${name} exposed: ${exposed}`);
          assert.match(a.get("Vary") ?? "", /Origin/);
        }
        const preflight = await send(handlers.deepidv, "/api/idv/sessions", {
          method: "OPTIONS",
          headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type, idempotency-key" },
        });
        assert.equal(preflight.status, 204);
        assert.equal(preflight.get("Access-Control-Allow-Origin"), origin);
        assert.match(preflight.get("Access-Control-Allow-Methods") ?? "", /POST/);
        assert.match(preflight.get("Access-Control-Allow-Methods") ?? "", /GET/);
        assert.match(preflight.get("Access-Control-Allow-Headers") ?? "", /Idempotency-Key/i);
        assert.match(preflight.get("Access-Control-Allow-Headers") ?? "", /Content-Type/i);
      });
    }

    test("any other origin: 403 origin_not_allowed (create, status, preflight), without CORS headers, the provider never called", { timeout: 20_000 }, async () => {
      mock.reset();
      for (const origin of ["https://evil.example", "http://yourapp.com", "https://yourapp.com:8443", "https://partner.example.evil", "null"]) {
        const answers = [
          await post(handlers.deepidv, bodies.deepidv(), { Origin: origin, "Idempotency-Key": "cors-evil" }),
          await send(handlers.deepidv, "/api/idv/sessions/s-1", { headers: { Origin: origin } }),
          await send(handlers.deepidv, "/api/idv/sessions", { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "POST" } }),
        ];
        for (const a of answers) {
          assert.equal(a.status, 403, origin);
          assert.equal(a.json().code, "origin_not_allowed");
          assert.equal(a.get("Access-Control-Allow-Origin"), null);
        }
      }
      assert.equal(mock.requests.length, 0);
    });

    test("publicOrigin: the handler's own origin whatever request.url says (a framework on localhost, a request line naming another host)", { timeout: 20_000 }, async () => {
      mock.reset();
      const handler = handlerFor("deepidv", { publicOrigin: APP });
      const behind = async (url, origin) =>
        readAnswer(await handler(new Request(url, { method: "POST", headers: { "Content-Type": "application/json", Origin: origin, "Idempotency-Key": `po-${origin}` }, body: JSON.stringify(bodies.deepidv()) })), url);
      // next start: request.url is http://localhost:3000, the browser's Origin is the public one.
      const local = await behind("http://localhost:3000/api/idv/sessions", APP);
      assert.ok([200, 201].includes(local.status), local.text);
      assert.equal(local.get("Access-Control-Allow-Origin"), APP);
      // An adapter that took the host from a request line `//evil.example/…`: evil is not "own".
      const forged = await behind("http://evil.example/api/idv/sessions", "http://evil.example");
      assert.equal(forged.status, 403);
      assert.equal(forged.get("Access-Control-Allow-Origin"), null);
      assert.throws(() => handlerFor("deepidv", { publicOrigin: "https://yourapp.com/path" }), (e) => e.code === "invalid_option" && e.field === "publicOrigin");
    });
  });

  describe("4b. what the documents allow beyond https, and headers forwarded", () => {
    test("Didit app-scheme callbacks (003: \"Custom URL schemes (e.g. myapp://) are supported\"): pinned like any return URL when the scheme is allowed", { timeout: 20_000 }, async () => {
      mock.reset();
      assert.throws(() => handlerFor("didit", { returnUrls: ["myapp://verified"] }), (e) => e.code === "invalid_option" && e.field === "returnUrls");
      const handler = handlerFor("didit", { returnUrls: ["myapp://verified", RETURN], allowedAppSchemes: ["myapp"] });
      const ok = await post(handler, bodies.didit("myapp://verified?state=abc"), { "Idempotency-Key": "app-1" });
      assert.ok([200, 201].includes(ok.status), ok.text);
      assert.equal(JSON.parse(mock.requests.at(-1).body).callback, "myapp://verified?state=abc");
      const before = mock.requests.length;
      for (const other of ["myapp://elsewhere", "otherapp://verified"]) {
        const refused = await post(handler, bodies.didit(other));
        assert.equal(refused.status, 400, other);
      }
      assert.equal(mock.requests.length, before, "refused before the provider");
    });

    test("Verifa-Version (004: an API version date) is checked before it is forwarded", { timeout: 20_000 }, async () => {
      mock.reset();
      const bad = await post(handlers.verifa, bodies.verifa(), { "Idempotency-Key": "vv-1", "Verifa-Version": "banana" });
      assert.equal(bad.status, 400);
      assert.deepEqual([bad.json().code, bad.json().field], ["invalid_request", "Verifa-Version"]);
      assert.equal(mock.requests.length, 0);
      const good = await post(handlers.verifa, bodies.verifa(), { "Idempotency-Key": "vv-2", "Verifa-Version": "2026-02-01" });
      assert.ok([200, 201].includes(good.status), good.text);
      assert.equal(mock.requests[0].headers["verifa-version"], "2026-02-01");
      // deepidv documents no such header: not forwarded.
      await post(handlers.deepidv, bodies.deepidv(), { "Idempotency-Key": "vv-3", "Verifa-Version": "2026-02-01" });
      assert.equal(mock.requests.at(-1).headers["verifa-version"], undefined);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("5. statuses and final", () => {
    const tables = {
      deepidv: {
        path: (id) => `/v1/sessions/${id}`,
        answer: (word) => ({ sessionRecord: { status: word, id: "s-1" } }),
        rows: [
          ["PENDING", "pending", false],
          ["SUBMITTED", "submitted", true],
          ["VERIFIED", "verified", true],
          ["REJECTED", "rejected", true],
          ["VOIDED", "voided", true],
        ],
      },
      didit: {
        path: (id) => `/v3/session/${id}/decision/`,
        answer: (word) => ({ session_id: "s-1", status: word }),
        rows: [
          ["Not Started", "not_started", false],
          ["In Progress", "in_progress", false],
          ["Approved", "approved", true],
          ["Declined", "declined", true],
          ["In Review", "in_review", false],
          ["Expired", "expired", true],
          ["Abandoned", "abandoned", true],
          ["Kyc Expired", "kyc_expired", true],
          ["Resubmitted", "resubmitted", false],
          ["Awaiting User", "awaiting_user", false],
        ],
      },
      verifa: {
        path: (id) => `/v1/sessions/${id}`,
        answer: (word) => ({ id: "s-1", status: word }),
        rows: [
          ["created", "created", false],
          ["completed", "completed", true],
          ["failed", "failed", true],
          ["cancelled", "cancelled", true],
          ["expired", "expired", true],
        ],
      },
    };

    for (const [provider, table] of Object.entries(tables)) {
      test(`${provider}: every status word, snake_case, final as the table says, raw the provider's answer`, { timeout: 20_000 }, async () => {
        mock.reset();
        let word;
        mock.answer(() => ({ status: 200, json: table.answer(word) }));
        for (const [w, status, final] of table.rows) {
          word = w;
          const before = mock.requests.length;
          const a = await send(handlers[provider], "/api/idv/sessions/s-1");
          assert.equal(a.status, 200, a.text);
          assert.deepEqual(a.json(), { provider, id: "s-1", status, final, raw: table.answer(w) });
          assert.equal(mock.requests.length, before + 1);
          const read = mock.requests.at(-1);
          assert.equal(read.method, "GET");
          assert.equal(read.path, table.path("s-1"));
        }
      });

      test(`${provider}: an unknown status word → 502, provider 404 → 404 session_not_found, a malformed id → 400 invalid_session_id without a call`, { timeout: 20_000 }, async () => {
        mock.reset();
        const known = table.rows[0][0];
        for (const word of ["Totally New", known.toLowerCase() === known ? known.toUpperCase() : known.toLowerCase(), ""]) {
          mock.answer(() => ({ status: 200, json: table.answer(word) }));
          const a = await send(handlers[provider], "/api/idv/sessions/s-1");
          assert.equal(a.status, 502, `${JSON.stringify(word)}: ${a.text}`);
          assert.equal(a.json().code, "upstream_error");
        }
        mock.answer(() => ({ status: 200, json: { nothing: "here" } }));
        assert.equal((await send(handlers[provider], "/api/idv/sessions/s-1")).status, 502, "no status member");
        mock.answer(() => ({ status: 200, text: "<html>not json</html>" }));
        assert.equal((await send(handlers[provider], "/api/idv/sessions/s-1")).status, 502, "not JSON");
        mock.answer(() => ({ status: 500, json: table.answer(known) }));
        assert.equal((await send(handlers[provider], "/api/idv/sessions/s-1")).status, 502, "a 500 with a status");

        mock.answer(() => ({ status: 404, json: { error: "not found" } }));
        const missing = await send(handlers[provider], "/api/idv/sessions/s-404");
        assert.equal(missing.status, 404);
        assert.equal(missing.json().code, "session_not_found");

        mock.reset();
        for (const id of ["bad!id", "a".repeat(200), "a".repeat(129), "a%2Fb", "a%20b", "a:b", "%C3%A9"]) {
          const a = await send(handlers[provider], `/api/idv/sessions/${id}`);
          assert.equal(a.status, 400, id);
          assert.equal(a.json().code, "invalid_session_id", id);
        }
        assert.equal(mock.requests.length, 0, "no provider call for a malformed id");
      });
    }

    test("verifa: reason from failure_reason", { timeout: 20_000 }, async () => {
      mock.reset();
      mock.answer(() => ({ status: 200, json: { id: "s-1", status: "failed", failure_reason: "document_expired" } }));
      const a = await send(handlers.verifa, "/api/idv/sessions/s-1");
      assert.equal(a.status, 200);
      assert.deepEqual(a.json(), {
        provider: "verifa",
        id: "s-1",
        status: "failed",
        final: true,
        reason: "document_expired",
        raw: { id: "s-1", status: "failed", failure_reason: "document_expired" },
      });
    });

    test("custom statuses (word, word!) replace the table", { timeout: 20_000 }, async () => {
      mock.reset();
      const handler = handlerFor("verifa", { statuses: ["open", "done!"] });
      mock.answer(() => ({ status: 200, json: { status: "done" } }));
      assert.deepEqual((await send(handler, "/api/idv/sessions/s-1")).json(), { provider: "verifa", id: "s-1", status: "done", final: true, raw: { status: "done" } });
      mock.answer(() => ({ status: 200, json: { status: "completed" } }));
      assert.equal((await send(handler, "/api/idv/sessions/s-1")).status, 502);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("6. the API key", () => {
    test("each provider receives it in its documented header, and nowhere else in the request", { timeout: 20_000 }, async () => {
      const documented = { deepidv: "x-api-key", didit: "x-api-key", verifa: "X-API-Key" };
      for (const provider of ["deepidv", "didit", "verifa"]) {
        mock.reset();
        mock.answer((req, fallback) => (req.method === "POST" ? fallback(req) : { status: 200, json: tables(provider) }));
        await post(handlers[provider], bodies[provider](), { "Idempotency-Key": `key-header-${provider}`, "Verifa-Version": "2024-01-01" });
        await send(handlers[provider], "/api/idv/sessions/s-1");
        assert.equal(mock.requests.length, 2);
        for (const req of mock.requests) {
          // Node lowercases names; the raw list shows which name came (HTTP names are case-blind).
          const names = req.rawHeaders.filter((_, i) => i % 2 === 0);
          const keyNames = names.filter((n) => n.toLowerCase() === documented[provider].toLowerCase());
          assert.equal(keyNames.length, 1, `${provider}: one ${documented[provider]} header`);
          assert.equal(req.headers[documented[provider].toLowerCase()], KEY);
          const others = req.rawHeaders.filter((v, i) => !(i % 2 === 1 && names[(i - 1) / 2].toLowerCase() === documented[provider].toLowerCase()));
          assertNoKey(`${req.path}\n${others.join("\n")}\n${req.body}`, `${provider}'s request, besides its key header`);
        }
        const create = mock.requests[0];
        if (provider === "verifa") {
          // Verifa documents Idempotency-Key and Verifa-Version on its create: forwarded.
          assert.equal(create.headers["idempotency-key"], "key-header-verifa");
          assert.equal(create.headers["verifa-version"], "2024-01-01");
        } else {
          assert.equal(create.headers["idempotency-key"], undefined);
        }
      }
      function tables(provider) {
        return provider === "deepidv" ? { sessionRecord: { status: "PENDING" } } : provider === "didit" ? { status: "Approved" } : { status: "created" };
      }
    });

    test("not in any answer when the provider is down, for every route", { timeout: 20_000 }, async () => {
      const handler = handlerFor("deepidv", { providerUrl: await deadUrl(), allowedOrigins: [PARTNER] });
      const created = await post(handler, bodies.deepidv(), { "Idempotency-Key": "down-1", Origin: PARTNER });
      assert.equal(created.status, 502);
      assert.equal(created.json().code, "upstream_error");
      const status = await send(handler, "/api/idv/sessions/s-1", { headers: { Origin: PARTNER } });
      assert.equal(status.status, 502);
      assert.equal(status.json().code, "upstream_error");
      const state = newState();
      const back = await send(handler, `/idv/return?session_id=s-1&status=success&state=${state}`, { headers: { Cookie: `${STATE_COOKIE}=${state}` } });
      assert.equal(back.status, 400);
      assert.equal(pageCode(back), "upstream_error");
      // Every other route too (none reaches the provider).
      await send(handler, "/api/idv/sessions", { method: "OPTIONS", headers: { Origin: PARTNER } });
      await send(handler, "/api/idv/sessions", { method: "OPTIONS", headers: { Origin: "https://evil.example" } });
      await send(handler, "/idv/start?handoff=x");
      await send(handler, "/nowhere");
      await post(handler, "{", { Origin: PARTNER });
    });

    test("not in any answer when the provider times out", { timeout: 20_000 }, async () => {
      mock.reset();
      mock.answer(() => ({ hang: true }));
      const handler = handlerFor("deepidv", { timeoutMs: 300 });
      assert.equal((await post(handler, bodies.deepidv(), { "Idempotency-Key": "timeout-key" })).status, 504);
      assert.equal((await send(handler, "/api/idv/sessions/s-1")).status, 504);
      const state = newState();
      const back = await send(handler, `/idv/return?session_id=s-1&status=success&state=${state}`, { headers: { Cookie: `${STATE_COOKIE}=${state}` } });
      assert.equal(back.status, 400);
    });

    /** The provider echoes what it got (headers and body) in its answer, as some error pages do. */
    const echo = (status) => (req) => ({
      status,
      json: { error: "echo", headers: req.headers, body: req.body },
      headers: { "X-Echo-Api-Key": req.headers["x-api-key"] ?? "", "Retry-After": "1" },
    });

    test("not in the status route's answer when the provider's 5xx or 404 echoes its request headers", { timeout: 20_000 }, async () => {
      for (const status of [500, 502, 503, 404]) {
        mock.reset();
        mock.answer(echo(status));
        const a = await send(handlers.deepidv, "/api/idv/sessions/s-1", { headers: { Origin: APP } });
        assert.equal(a.status, status === 404 ? 404 : 502);
      }
    });

    // The create route passes the provider's answer body through as it is (server-handler.js,
    // `answer`): a provider error body that echoes the request headers carries the key to the
    // browser. See the report.
    test("not in the create route's answer when the provider's 5xx echoes its request headers", { timeout: 20_000 }, async () => {
      for (const status of [500, 503]) {
        mock.reset();
        mock.answer(echo(status));
        const withKey = await handlers.deepidv(
          new Request(`${APP}/api/idv/sessions`, { method: "POST", headers: { "Idempotency-Key": `echo-${status}` }, body: JSON.stringify(bodies.deepidv()) }),
        );
        const withoutKey = await handlers.deepidv(new Request(`${APP}/api/idv/sessions`, { method: "POST", body: JSON.stringify(bodies.deepidv()) }));
        for (const res of [withKey, withoutKey]) {
          const a = await readAnswer(res, `a create answered ${status} with an echo`);
          assert.ok(a.status >= 500);
        }
      }
    });

    test("not in the create route's answer (nor its replays) when the provider's 400 echoes its request headers", { timeout: 20_000 }, async () => {
      mock.reset();
      mock.answer(echo(400));
      for (let i = 0; i < 2; i++) {
        const a = await readAnswer(
          await handlers.deepidv(new Request(`${APP}/api/idv/sessions`, { method: "POST", headers: { "Idempotency-Key": "echo-400" }, body: JSON.stringify(bodies.deepidv()) })),
          "a create answered 400 with an echo",
        );
        assert.equal(a.status, 400);
      }
    });

    test("not in an option error", () => {
      for (const bad of [{ returnUrls: [] }, { provider: "acme" }, { timeoutMs: 0 }, { store: {} }, { returnUrl: RETURN }]) {
        let thrown;
        try {
          createIdvHandler({ provider: "deepidv", apiKey: KEY, returnUrls: [RETURN], ...bad });
        } catch (e) {
          thrown = e;
        }
        assert.ok(thrown instanceof IdvError);
        assertNoKey(`${thrown.message}\n${thrown.stack}\n${JSON.stringify(thrown)}\n${inspect(thrown)}`, "an option error");
      }
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("7. timeouts toward the provider", () => {
    for (const [label, answer, key] of [
      ["never answers", { hang: true }, "slow-hang"],
      ["sends its headers, then nothing", { status: 201, json: { idv_id: "x", session_url: "https://app.deepidv.com/s/x" }, stallBody: true }, "slow-stall"],
    ]) {
      test(`a provider that ${label}: 504 timeout within about timeoutMs (create and status)`, { timeout: 20_000 }, async () => {
        mock.reset();
        mock.answer(() => answer);
        const handler = handlerFor("deepidv", { timeoutMs: 300 });
        for (const call of [
          () => post(handler, bodies.deepidv(), { "Idempotency-Key": key }),
          () => post(handler, bodies.deepidv()),
          () => send(handler, "/api/idv/sessions/s-1"),
        ]) {
          const start = performance.now();
          const a = await call();
          const took = performance.now() - start;
          assert.equal(a.status, 504, a.text);
          assert.equal(a.json().code, "timeout");
          assert.ok(took >= 250 && took < 2000, `answered in ${Math.round(took)} ms`);
        }
      });
    }
  });

  // -------------------------------------------------------------------------------------------
  describe("8. beforeCreate and beforeStatus", () => {
    test("beforeCreate returning a Response refuses (sent as is, with the CORS headers), the provider not called", { timeout: 20_000 }, async () => {
      mock.reset();
      const seen = [];
      const handler = handlerFor("deepidv", {
        beforeCreate: async (request) => {
          seen.push(request.headers.get("Authorization"));
          if (request.headers.get("Authorization") !== "Bearer ok") {
            return new Response("sign in first", { status: 401, headers: { "X-Why": "no-auth", "Content-Type": "text/plain" } });
          }
          return undefined;
        },
      });
      const refused = await post(handler, bodies.deepidv(), { Origin: APP, "Idempotency-Key": "hook-1" });
      assert.equal(refused.status, 401);
      assert.equal(refused.text, "sign in first");
      assert.equal(refused.get("X-Why"), "no-auth");
      assert.equal(refused.get("Content-Type"), "text/plain");
      assert.equal(refused.get("Access-Control-Allow-Origin"), APP);
      assert.equal(mock.requests.length, 0);

      const plain = await post(handler, bodies.deepidv());
      assert.equal(plain.status, 401);
      assert.equal(plain.get("Access-Control-Allow-Origin"), null);
      assert.equal(mock.requests.length, 0);

      const allowed = await post(handler, bodies.deepidv(), { Authorization: "Bearer ok", Origin: APP, "Idempotency-Key": "hook-1" });
      assert.equal(allowed.status, 201, "nothing returned: the create goes on (the refused key was not claimed)");
      assert.equal(mock.creates(), 1);
      assert.equal(mock.requests[0].headers.authorization, undefined, "the browser's Authorization is not sent to the provider");
      assert.deepEqual(seen, [null, null, "Bearer ok"]);
    });

    test("beforeCreate returning something other than a Response goes on", { timeout: 20_000 }, async () => {
      mock.reset();
      for (const value of [false, true, 0, "no", { status: 401 }, null]) {
        const handler = handlerFor("deepidv", { beforeCreate: () => value });
        assert.equal((await post(handler, bodies.deepidv())).status, 201, JSON.stringify(value));
      }
      assert.equal(mock.creates(), 6);
    });

    test("beforeStatus gets the request and the id; a Response refuses, nothing goes on", { timeout: 20_000 }, async () => {
      mock.reset();
      const seen = [];
      const handler = handlerFor("deepidv", {
        allowedOrigins: [PARTNER],
        beforeStatus: (request, id) => {
          seen.push([new URL(request.url).pathname, id]);
          return id === "mine" ? undefined : Response.json({ code: "forbidden" }, { status: 403 });
        },
      });
      const refused = await send(handler, "/api/idv/sessions/theirs", { headers: { Origin: PARTNER } });
      assert.equal(refused.status, 403);
      assert.deepEqual(refused.json(), { code: "forbidden" });
      assert.equal(refused.get("Access-Control-Allow-Origin"), PARTNER);
      assert.equal(mock.requests.length, 0);
      const allowed = await send(handler, "/api/idv/sessions/mine");
      assert.equal(allowed.status, 200);
      assert.equal(mock.requests.length, 1);
      assert.deepEqual(seen, [["/api/idv/sessions/theirs", "theirs"], ["/api/idv/sessions/mine", "mine"]]);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("9. the handoff state routes", () => {
    const handoffOf = (state, returnUrl = RETURN) =>
      `https://app.deepidv.com/s/1?redirect_url=${encodeURIComponent(`${returnUrl}?state=${state}`)}`;
    const startPath = (handoff, extra = "") => `/idv/start?handoff=${encodeURIComponent(handoff)}${extra}`;

    test("start (deepidv): 302 to the hosted URL, the state in a __Host- cookie", { timeout: 20_000 }, async () => {
      const state = newState();
      assert.equal(state.length, 43);
      const a = await send(handlers.deepidv, startPath(handoffOf(state)));
      assert.equal(a.status, 302, a.text);
      const location = new URL(a.get("Location"));
      assert.equal(location.origin, "https://app.deepidv.com");
      assert.equal(location.pathname, "/s/1");
      assert.equal(location.searchParams.get("redirect_url"), `${RETURN}?state=${state}`);
      assert.equal(a.get("Set-Cookie"), `${STATE_COOKIE}=${state}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600`);
    });

    test("start (Didit): the state comes as `state`", { timeout: 20_000 }, async () => {
      const state = newState();
      const a = await send(handlers.didit, `/idv/start?handoff=${encodeURIComponent("https://verify.didit.me/session/abc")}&state=${state}`);
      assert.equal(a.status, 302, a.text);
      assert.equal(a.get("Location"), "https://verify.didit.me/session/abc");
      assert.equal(a.get("Set-Cookie"), `${STATE_COOKIE}=${state}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600`);
    });

    test("start refuses another host, a redirect_url that is not a return URL, a state createState would not make: 400 error page", { timeout: 20_000 }, async () => {
      const state = newState();
      const cases = [
        [startPath(`https://evil.example/s/1?redirect_url=${encodeURIComponent(`${RETURN}?state=${state}`)}`), "session_host_not_allowed"],
        [startPath(`http://app.deepidv.com/s/1?redirect_url=${encodeURIComponent(`${RETURN}?state=${state}`)}`), null],
        [startPath(handoffOf(state, "https://evil.example/idv/return")), "return_url_not_allowed"],
        [startPath(handoffOf(state, "https://yourapp.com/elsewhere")), "return_url_not_allowed"],
        [startPath(`https://app.deepidv.com/s/1?redirect_url=${encodeURIComponent(`${RETURN}?state=${state}`)}&redirect_url=${encodeURIComponent(`${RETURN}?state=${state}`)}`), null],
        [startPath("https://app.deepidv.com/s/1"), null],
        [startPath(handoffOf(state.slice(1))), "invalid_state"],
        [startPath(handoffOf(`${state}A`)), "invalid_state"],
        [startPath(handoffOf("short")), "invalid_state"],
        [startPath(handoffOf(`${state.slice(1)}!`)), "invalid_state"],
        ["/idv/start", null],
      ];
      for (const [path, code] of cases) {
        const a = await send(handlers.deepidv, path);
        assert.equal(a.status, 400, path);
        const got = pageCode(a);
        if (code) assert.equal(got, code, path);
        else assert.ok(got.length > 0);
        assert.equal(a.get("Set-Cookie"), null, `no state kept: ${path}`);
        assert.equal(a.get("Location"), null);
      }
      const didit = await send(handlers.didit, `/idv/start?handoff=${encodeURIComponent("https://verify.didit.me/session/abc")}&state=abc`);
      assert.equal(didit.status, 400);
      assert.equal(pageCode(didit), "invalid_state");
    });

    test("return with the cookie and a matching callback, the provider confirming: 303 to resultUrl with the callback query, the state marked used", { timeout: 20_000 }, async () => {
      mock.reset();
      const state = newState();
      const query = `?session_id=s-77&status=success&state=${state}`;
      const a = await send(handlers.deepidv, `/idv/return${query}`, { headers: { Cookie: `theme=dark; ${STATE_COOKIE}=${state}; other=1` } });
      assert.equal(a.status, 303, a.text);
      assert.equal(a.get("Location"), `/result${query}`);
      assert.equal(a.get("Set-Cookie"), usedCookie(state));
      assert.equal(mock.requests.length, 1);
      assert.equal(mock.requests[0].path, "/v1/sessions/s-77");
      assert.equal(mock.requests[0].headers["x-api-key"], KEY);

      // Default resultUrl "/".
      const plain = await send(handlerFor("deepidv"), `/idv/return${query}`, { headers: { Cookie: `${STATE_COOKIE}=${state}` } });
      assert.equal(plain.status, 303);
      assert.equal(plain.get("Location"), `/${query}`);
    });

    test("return refusals: another state (the pending state kept), a replay, no state, unknown session, provider failing (the state used up)", { timeout: 20_000 }, async () => {
      mock.reset();
      const state = newState();
      const query = `?session_id=s-1&status=success&state=${state}`;
      const other = await send(handlers.deepidv, `/idv/return${query}`, { headers: { Cookie: `${STATE_COOKIE}=${newState()}` } });
      assert.equal(other.status, 400);
      assert.equal(pageCode(other), "state_mismatch");
      // A forged link leaves the person's pending state alone: their real return still works.
      assert.equal(other.get("Set-Cookie"), null);

      const replay = await send(handlers.deepidv, `/idv/return${query}`, { headers: { Cookie: `${STATE_COOKIE}=used.${state}` } });
      assert.equal(replay.status, 400);
      assert.equal(pageCode(replay), "handoff_replayed");
      assert.equal(replay.get("Set-Cookie"), null);

      const noState = await send(handlers.deepidv, "/idv/return?session_id=s-1&status=success", { headers: { Cookie: `${STATE_COOKIE}=${state}` } });
      assert.equal(noState.status, 400);
      assert.equal(noState.get("Set-Cookie"), null, "a return without the state leaves it pending");
      assert.equal(mock.requests.length, 0, "nothing confirmed with the provider for a refused callback");

      mock.answer(() => ({ status: 404, json: { error: "no such session" } }));
      const unknown = await send(handlers.deepidv, `/idv/return${query}`, { headers: { Cookie: `${STATE_COOKIE}=${state}` } });
      assert.equal(unknown.status, 400);
      assert.equal(pageCode(unknown), "session_not_found");
      assert.equal(unknown.get("Set-Cookie"), usedCookie(state));
      assert.equal(unknown.get("Location"), null);

      mock.answer(() => ({ status: 500, json: { error: "boom" } }));
      const failing = await send(handlers.deepidv, `/idv/return${query}`, { headers: { Cookie: `${STATE_COOKIE}=${state}` } });
      assert.equal(failing.status, 400);
      assert.equal(pageCode(failing), "upstream_error");
      assert.equal(failing.get("Set-Cookie"), usedCookie(state));
    });

    test("another device (no pending state here): a confirmed session gets \"you're done here\" and nothing more; an unknown one the error page", { timeout: 20_000 }, async () => {
      mock.reset();
      mock.answer(() => ({ status: 200, json: { sessionRecord: { id: "s-2", status: "SUBMITTED", firstName: "Ada" } } }));
      const state = newState();
      const query = `?session_id=s-2&status=success&state=${state}`;
      for (const cookie of [undefined, `${STATE_COOKIE}=short`, `${STATE_COOKIE}=used.${newState()}`]) {
        const phone = await send(handlers.deepidv, `/idv/return${query}`, cookie ? { headers: { Cookie: cookie } } : {});
        assert.equal(phone.status, 200, String(cookie));
        assert.match(phone.text, /You're done here/);
        assert.match(phone.text, /device where you started/);
        // Nothing of the result: not the status, not the person's details, no redirect.
        assert.doesNotMatch(phone.text, /SUBMITTED|submitted|Ada|s-2/);
        assert.equal(phone.get("Location"), null);
        assert.equal(phone.get("Set-Cookie"), null);
        assert.equal(phone.get("Cache-Control"), "no-store");
      }
      assert.equal(mock.requests.length, 3, "each confirmed with the provider");
      assert.equal(mock.requests[0].path, "/v1/sessions/s-2");
      mock.answer(() => ({ status: 404, json: { error: "no such session" } }));
      const forged = await send(handlers.deepidv, `/idv/return${query}`);
      assert.equal(forged.status, 400);
      assert.equal(pageCode(forged), "session_not_found");
      const malformed = await send(handlers.deepidv, `/idv/return?session_id=../x&status=success`);
      assert.equal(malformed.status, 400);
    });

    test("Verifa's return route reads its configured parameters", { timeout: 20_000 }, async () => {
      mock.reset();
      mock.answer(() => ({ status: 200, json: { status: "completed" } }));
      const state = newState();
      const query = `?verifa_session=v-1&verifa_status=completed&state=${state}`;
      const a = await send(handlers.verifa, `/idv/return${query}`, { headers: { Cookie: `${STATE_COOKIE}=${state}` } });
      assert.equal(a.status, 303, a.text);
      assert.equal(a.get("Location"), `/${query}`);
      assert.equal(mock.requests[0].path, "/v1/sessions/v-1");
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("routes", () => {
    test("the exports", () => {
      assert.equal(typeof createIdvHandler, "function");
      assert.equal(typeof memoryStore, "function");
      assert.equal(typeof durableObjectStore, "function");
      assert.equal(typeof IdvIdempotencyStore, "function");
      const store = durableObjectStore({ idFromName: (n) => n, get: () => ({ fetch: async () => Response.json({ result: null }) }) });
      assert.equal(typeof store.begin, "function");
      assert.equal(typeof store.finish, "function");
    });

    test("anything else: 404 not_found", { timeout: 20_000 }, async () => {
      mock.reset();
      for (const [method, path] of [
        ["GET", "/"],
        ["GET", "/api/idv"],
        ["GET", "/api/idv/sessions"],
        ["GET", "/api/idv/sessions/"],
        ["GET", "/api/idv/other"],
        ["DELETE", "/api/idv/sessions/s-1"],
        ["PUT", "/api/idv/sessions"],
        ["POST", "/idv/start"],
        ["POST", "/idv/return"],
        ["GET", "/api/idvx/sessions"],
      ]) {
        const a = await send(handlers.deepidv, path, { method, body: method === "GET" ? undefined : "{}" });
        assert.equal(a.status, 404, `${method} ${path}`);
        assert.equal(a.json().code, "not_found");
      }
      assert.equal(mock.requests.length, 0);
    });

    test("apiPath and startPath move the routes", { timeout: 20_000 }, async () => {
      mock.reset();
      const handler = handlerFor("deepidv", { apiPath: "/kyc", startPath: "/kyc-start" });
      assert.equal((await post(handler, bodies.deepidv(), {}, "/kyc/sessions")).status, 201);
      assert.equal((await post(handler, bodies.deepidv())).status, 404);
      assert.equal((await send(handler, `/kyc-start?handoff=${encodeURIComponent(`https://app.deepidv.com/s/1?redirect_url=${encodeURIComponent(`${RETURN}?state=${newState()}`)}`)}`)).status, 302);
      assert.equal((await send(handler, "/idv/start?handoff=x")).status, 404);
    });

    // Headers a browser or a client controls must not make the handler throw (a worker would
    // answer 500 with its own error page): each gets an answer of the handler's own.
    test("an over-long Idempotency-Key or Origin is answered, not thrown", { timeout: 20_000 }, async () => {
      mock.reset();
      const outcome = async (headers) => {
        try {
          return (await post(handlers.deepidv, bodies.deepidv(), headers)).status;
        } catch (e) {
          return `threw ${e?.code ?? e} (field ${e?.field})`;
        }
      };
      assert.deepEqual(
        {
          key300: await outcome({ "Idempotency-Key": "k".repeat(300) }),
          key2000: await outcome({ "Idempotency-Key": "k".repeat(2000) }),
          origin3000: await outcome({ Origin: `https://${"o".repeat(3000)}.example` }),
        },
        { key300: 400, key2000: 400, origin3000: 403 },
      );
      assert.equal(mock.requests.length, 0);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("10. options", () => {
    const base = { provider: "deepidv", apiKey: KEY, returnUrls: [RETURN] };
    const cases = [
      ["provider missing", { provider: undefined }, "provider"],
      ["provider unknown", { provider: "acme" }, "provider"],
      ["apiKey missing", { apiKey: undefined }, "apiKey"],
      ["apiKey empty", { apiKey: "" }, "apiKey"],
      ["apiKey not a string", { apiKey: 123 }, "apiKey"],
      ["returnUrls empty", { returnUrls: [] }, "returnUrls"],
      ["returnUrls missing", { returnUrls: undefined }, "returnUrls"],
      ["returnUrls http", { returnUrls: ["http://yourapp.com/idv/return"] }, "returnUrls"],
      ["returnUrls http on localhost without allowInsecureLocalhost", { returnUrls: ["http://localhost:3000/idv/return"] }, "returnUrls"],
      ["returnUrls http elsewhere even with allowInsecureLocalhost", { returnUrls: ["http://yourapp.com/idv/return"], allowInsecureLocalhost: true }, "returnUrls"],
      ["a typo: returnUrl", { returnUrl: RETURN }, "returnUrl"],
      ["store without begin/finish", { store: {} }, "store"],
      ["store without finish", { store: { begin: async () => null } }, "store"],
      ["timeoutMs 0", { timeoutMs: 0 }, "timeoutMs"],
      ["timeoutMs negative", { timeoutMs: -5 }, "timeoutMs"],
      ["timeoutMs NaN", { timeoutMs: NaN }, "timeoutMs"],
      ["timeoutMs a string", { timeoutMs: "300" }, "timeoutMs"],
      ["beforeCreate not a function", { beforeCreate: "check" }, "beforeCreate"],
      ["beforeStatus not a function", { beforeStatus: {} }, "beforeStatus"],
      ["Verifa without providerUrl", { provider: "verifa" }, "providerUrl"],
      ["providerUrl http", { providerUrl: "http://api.deepidv.com" }, "providerUrl"],
      ["apiPath not a path", { apiPath: "api" }, "apiPath"],
      ["startPath ending in /", { startPath: "/idv/start/" }, "startPath"],
    ];
    for (const [label, change, field] of cases) {
      test(`${label} → invalid_option naming ${field}`, () => {
        const options = { ...base, ...change };
        for (const [k, v] of Object.entries(change)) if (v === undefined) delete options[k];
        assert.throws(
          () => createIdvHandler(options),
          (e) => {
            assert.ok(e instanceof IdvError, `an IdvError: ${e}`);
            assert.equal(e.code, "invalid_option");
            assert.equal(e.field, field);
            return true;
          },
        );
      });
    }

    test("the stores' own options: maxKeys and shards are whole numbers in range → invalid_option naming them", () => {
      for (const maxKeys of [0, -1, 1.5, "10", NaN, null]) {
        assert.throws(() => memoryStore({ maxKeys }), (e) => e instanceof IdvError && e.code === "invalid_option" && e.field === "maxKeys", String(maxKeys));
      }
      const namespace = { idFromName: (name) => name, get: () => ({}) };
      for (const shards of [0, 1025, 2.5, "32", null]) {
        assert.throws(() => durableObjectStore(namespace, { shards }), (e) => e instanceof IdvError && e.code === "invalid_option" && e.field === "shards", String(shards));
      }
      assert.equal(typeof memoryStore({ maxKeys: 1 }).begin, "function");
      assert.equal(typeof durableObjectStore(namespace, { shards: 1024 }).begin, "function");
    });

    test("good options make a handler (documented defaults, URL objects, http on loopback in development)", () => {
      assert.equal(typeof createIdvHandler(base), "function");
      assert.equal(typeof createIdvHandler({ ...base, provider: "didit", returnUrls: [new URL(RETURN)] }), "function");
      assert.equal(typeof createIdvHandler({ ...base, provider: "verifa", providerUrl: "https://api.verifa.example" }), "function");
      assert.equal(
        typeof createIdvHandler({ ...base, allowInsecureLocalhost: true, providerUrl: "http://127.0.0.1:9", returnUrls: ["http://localhost:3000/idv/return"] }),
        "function",
      );
      assert.equal(typeof createIdvHandler({ ...base, store: memoryStore({ maxKeys: 5 }), timeoutMs: 1 }), "function");
      assert.equal(typeof createIdvHandler({ ...base, beforeCreate() {}, beforeStatus: async () => {} }), "function");
    });

    test("options are read once: changing the caller's object afterwards changes nothing", { timeout: 20_000 }, async () => {
      mock.reset();
      const options = { provider: "deepidv", apiKey: KEY, providerUrl: mock.url, allowInsecureLocalhost: true, returnUrls: [RETURN], timeoutMs: 3000 };
      const handler = createIdvHandler(options);
      options.returnUrls.push("https://evil.example/idv/return");
      options.returnUrls[0] = "https://evil.example/other";
      options.provider = "didit";
      options.providerUrl = "https://api.evil.example";
      for (const url of ["https://evil.example/idv/return", "https://evil.example/other"]) {
        const foreign = await post(handler, bodies.deepidv(url));
        assert.equal(foreign.status, 400, foreign.text);
        assert.equal(foreign.json().code, "return_url_not_allowed");
      }
      const ok = await post(handler, bodies.deepidv(`${RETURN}?state=x`));
      assert.equal(ok.status, 201, ok.text);
      assert.equal(mock.creates(), 1, "the create went to the provider configured at first");
    });

    test("a fault inside the wasm answers 500 internal_error, then the handler serves again with its configuration", { timeout: 60_000 }, async () => {
      const result = await new Promise((ok, fail) => {
        const worker = new Worker(new URL("./server/fault-worker.mjs", import.meta.url), { workerData: { returnUrl: RETURN } });
        const timer = setTimeout(() => {
          worker.terminate();
          fail(new Error("the fault worker did not answer in 30 s"));
        }, 30_000);
        worker.once("message", (message) => {
          clearTimeout(timer);
          worker.terminate();
          ok(message);
        });
        worker.once("error", (e) => {
          clearTimeout(timer);
          fail(e);
        });
      });
      assert.deepEqual(result.failures, [], result.failures.join("\n"));
      assert.equal(result.steps, 4, "every step ran");
    });
  });
});

// =============================================================================================
// workerd (Miniflare): the handler mounted in tests/js/server/worker.js, the Durable Object store
// =============================================================================================

describe("in workerd, with the Durable Object store", () => {
  let mf;
  let provider;
  const WORKER_ORIGIN = "https://yourapp.com";

  before(async () => {
    provider = await startProvider();
    const out = outDir("server-workerd");
    await bundleWorker(`${ROOT}tests/js/server/worker.js`, out);
    mf = new Miniflare({
      host: "127.0.0.1",
      port: 0,
      modules: true,
      scriptPath: `${out}worker.js`,
      modulesRules: [
        { type: "ESModule", include: ["**/*.js"] },
        { type: "CompiledWasm", include: ["**/*.wasm"] },
      ],
      compatibilityDate: "2025-09-01",
      durableObjects: { IDEMPOTENCY: "IdvIdempotencyStore" },
      bindings: { PROVIDER_URL: provider.url, IDV_API_KEY: KEY },
    });
    await mf.ready;
  });

  after(async () => {
    await mf?.dispose();
    await provider?.close();
  });

  /** A request to the worker (its URL on the app's origin), the answer searched for the key. */
  async function call(path, init = {}) {
    const res = await mf.dispatchFetch(`${WORKER_ORIGIN}${path}`, init);
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString("latin1");
    assertNoKey(`${res.status}\n${JSON.stringify([...res.headers])}\n${text}`, `workerd ${init.method ?? "GET"} ${path}`);
    return { status: res.status, get: (n) => res.headers.get(n), text: bytes.toString("utf8"), json: () => JSON.parse(bytes.toString("utf8")) };
  }
  const create = (body, headers = {}, path = "/api/idv/sessions") =>
    call(path, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

  test("20 concurrent same-key creates: one provider create, the same answer for all; then 422 for another body", { timeout: 30_000 }, async () => {
    provider.reset();
    provider.answer((req, fallback) => ({ ...fallback(req), delayMs: 200 }));
    const body = bodies.deepidv();
    const answers = await Promise.all(Array.from({ length: 20 }, () => create(body, { "Idempotency-Key": "wd-key-1", Origin: WORKER_ORIGIN })));
    assert.equal(provider.creates(), 1, "the provider saw exactly one create");
    for (const a of answers) {
      assert.equal(a.status, 201);
      assert.equal(a.text, answers[0].text);
      assert.equal(a.get("Idv-Idempotency"), "deduplicated");
      assert.equal(a.get("Access-Control-Allow-Origin"), WORKER_ORIGIN);
    }
    const replay = await create(body, { "Idempotency-Key": "wd-key-1" });
    assert.equal(replay.status, 201);
    assert.equal(replay.text, answers[0].text);

    const conflict = await create(bodies.deepidv(undefined, { firstName: "Grace" }), { "Idempotency-Key": "wd-key-1" });
    assert.equal(conflict.status, 422);
    assert.equal(conflict.json().code, "idempotency_conflict");
    assert.equal(provider.creates(), 1);

    // A 5xx is not kept in the Durable Object either; a 400 is.
    provider.answer(() => ({ status: 503, json: { error: "unavailable" } }));
    assert.equal((await create(body, { "Idempotency-Key": "wd-key-2" })).status, 503);
    provider.reset();
    assert.equal((await create(body, { "Idempotency-Key": "wd-key-2" })).status, 201);
    assert.equal(provider.creates(), 1);
    provider.reset();
    provider.answer(() => ({ status: 400, json: { error: "bad" } }));
    assert.equal((await create(body, { "Idempotency-Key": "wd-key-3" })).status, 400);
    assert.equal((await create(body, { "Idempotency-Key": "wd-key-3" })).status, 400);
    assert.equal(provider.creates(), 1);
  });

  test("return URL pinned, 413 over the bound (with and without Content-Length), CORS 403", { timeout: 30_000 }, async () => {
    provider.reset();
    for (const url of ["https://evil.example/idv/return", "https://yourapp.com/idv/other"]) {
      const a = await create(bodies.deepidv(url));
      assert.equal(a.status, 400);
      assert.equal(a.json().code, "return_url_not_allowed");
    }
    const didit = await create(bodies.didit("https://evil.example/didit/return"), {}, "/didit/api/sessions");
    assert.equal(didit.status, 400);
    assert.equal(didit.json().code, "return_url_not_allowed");
    assert.equal((await create(bodies.deepidv("http://yourapp.com/idv/return"))).status, 400);

    const text = JSON.stringify(bodies.deepidv());
    const over = text.slice(0, -1) + " ".repeat(16 * 1024 + 1 - text.length) + "}";
    const declared = await create(over);
    assert.equal(declared.status, 413);
    assert.deepEqual([declared.json().code, declared.json().field], ["input_too_long", "request"]);
    const bytes = new TextEncoder().encode(over);
    const streamed = await call("/api/idv/sessions", {
      method: "POST",
      body: new ReadableStream({
        start(controller) {
          for (let at = 0; at < bytes.length; at += 4096) controller.enqueue(bytes.slice(at, at + 4096));
          controller.close();
        },
      }),
      duplex: "half",
    });
    assert.equal(streamed.status, 413);
    assert.equal(streamed.json().code, "input_too_long");

    for (const [path, init] of [
      ["/api/idv/sessions", { method: "POST", body: text, headers: { Origin: "https://evil.example" } }],
      ["/api/idv/sessions/s-1", { headers: { Origin: "https://evil.example" } }],
      ["/api/idv/sessions", { method: "OPTIONS", headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" } }],
    ]) {
      const a = await call(path, init);
      assert.equal(a.status, 403);
      assert.equal(a.json().code, "origin_not_allowed");
      assert.equal(a.get("Access-Control-Allow-Origin"), null);
    }
    const partner = await call("/api/idv/sessions", { method: "OPTIONS", headers: { Origin: PARTNER, "Access-Control-Request-Method": "POST" } });
    assert.equal(partner.status, 204);
    assert.equal(partner.get("Access-Control-Allow-Origin"), PARTNER);
    assert.equal(provider.requests.length, 0, "the provider was never called");
  });

  test("status summaries from the three providers", { timeout: 30_000 }, async () => {
    provider.reset();
    provider.answer((req) => {
      if (req.path === "/v1/sessions/d-1") return { status: 200, json: { sessionRecord: { status: "VERIFIED" } } };
      if (req.path === "/v3/session/k-1/decision/") return { status: 200, json: { status: "Kyc Expired" } };
      if (req.path === "/v1/sessions/v-1") return { status: 200, json: { status: "failed", failure_reason: "document_expired" } };
      if (req.path === "/v1/sessions/gone") return { status: 404, json: {} };
      return { status: 200, json: { sessionRecord: { status: "NEW_WORD" } } };
    });
    assert.deepEqual((await call("/api/idv/sessions/d-1")).json(), { provider: "deepidv", id: "d-1", status: "verified", final: true, raw: { sessionRecord: { status: "VERIFIED" } } });
    assert.deepEqual((await call("/didit/api/sessions/k-1")).json(), { provider: "didit", id: "k-1", status: "kyc_expired", final: true, raw: { status: "Kyc Expired" } });
    assert.deepEqual((await call("/verifa/api/sessions/v-1")).json(), {
      provider: "verifa",
      id: "v-1",
      status: "failed",
      final: true,
      reason: "document_expired",
      raw: { status: "failed", failure_reason: "document_expired" },
    });
    assert.equal((await call("/api/idv/sessions/other")).status, 502);
    const gone = await call("/api/idv/sessions/gone");
    assert.equal(gone.status, 404);
    assert.equal(gone.json().code, "session_not_found");
    const before = provider.requests.length;
    assert.equal((await call("/api/idv/sessions/bad!id")).status, 400);
    assert.equal(provider.requests.length, before);
    for (const req of provider.requests) assert.equal(req.headers["x-api-key"], KEY);
  });

  test("the key in no answer: provider timing out, a 5xx read, the start and return routes", { timeout: 30_000 }, async () => {
    provider.reset();
    provider.answer(() => ({ hang: true }));
    const started = performance.now();
    const timedOut = await create(bodies.deepidv(), { "Idempotency-Key": "wd-timeout" });
    assert.equal(timedOut.status, 504);
    assert.equal(timedOut.json().code, "timeout");
    assert.ok(performance.now() - started < 3000, "within about timeoutMs (300)");
    assert.equal((await call("/api/idv/sessions/s-1")).status, 504);

    provider.reset();
    provider.answer((req) => ({ status: 500, json: { echoed: req.headers } }));
    assert.equal((await call("/api/idv/sessions/s-1")).status, 502);

    provider.reset();
    const state = newState();
    const handoff = `https://app.deepidv.com/s/1?redirect_url=${encodeURIComponent(`${RETURN}?state=${state}`)}`;
    const start = await call(`/idv/start?handoff=${encodeURIComponent(handoff)}`, { redirect: "manual" });
    assert.equal(start.status, 302);
    assert.equal(start.get("Set-Cookie"), `${STATE_COOKIE}=${state}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600`);
    const query = `?session_id=s-9&status=success&state=${state}`;
    const back = await call(`/idv/return${query}`, { redirect: "manual", headers: { Cookie: `${STATE_COOKIE}=${state}` } });
    assert.equal(back.status, 303);
    assert.equal(back.get("Location"), `/${query}`);
    assert.equal(back.get("Set-Cookie"), usedCookie(state));
    const mismatch = await call(`/idv/return${query}`, { redirect: "manual", headers: { Cookie: `${STATE_COOKIE}=${newState()}` } });
    assert.equal(mismatch.status, 400);
    assert.equal(pageCode({ get: mismatch.get, text: mismatch.text }), "state_mismatch");
  });
});

// Last: nothing the handler logged (through console.*) while this file ran held the key.
test("nothing logged holds the API key", () => {
  for (const line of logged) assertNoKey(line, "a console line");
});
