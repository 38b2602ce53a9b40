// Faults and load on the reference proxy worker (hardening issue, part 5), rerun through the
// handler. The proxy is www/proxy/worker.js, a few lines over createIdvHandler from
// idv-handoff/server, in real workerd (startDemo with providerUrl) with its idempotency store
// in a Durable Object namespace (IDEMPOTENCY → IdvIdempotencyStore). The provider behind it is a
// fault-injecting stand-in for deepidv's POST /v1/sessions and GET /v1/sessions/:id, a plain
// Node HTTP server on loopback that does NOT deduplicate: deepidv documents no idempotency, so
// every POST that reaches it makes a new session, and an Idempotency-Key, if one came, is
// ignored (the handler sends none). Scripted per scenario: slow answers (past the client's
// timeoutMs, the session created first), dropped connections (the session created, then the
// socket destroyed), 500s, 429 storms, faults that outlast the retries, and a mix.
//
// Each scenario sends 200 concurrent createSession calls through the proxy and counts, at the
// provider, the sessions made for each client (by the body's external_id, unique per client;
// one client = one Idempotency-Key, checked on the client side). What the handler guarantees is
// asserted exactly: one provider session per key under every fault where the provider either
// refused before creating or answered late, and, where it created and then lost the answer
// (a dropped connection), one more session per lost answer: the handler releases the key after
// a 502, the client retries, and a provider without idempotency makes another. That is the
// limit of a proxy in front of such a provider, and the figures show it. Every call settles
// (a session or a documented IdvError); every answer of the proxy is checked (JSON, a code,
// never the API key or a stack; `Idv-Idempotency: deduplicated` on every answer to the
// clients' creates). One figures line per scenario is printed (console.log), with the provider
// sessions per key.
//
// Harness notes. createSession re-sends a create that got no answer (a timeout) only to a proxy
// it has seen say it deduplicates; before() makes one warm-up call so the shared module knows.
// The fetch wrapper that watches the clients reads each answer's body itself, raced against the
// attempt's signal: in Node 20 a body read aborted mid-way can stay pending for ever
// (nodejs/node#56917), which left a few of 200 calls hanging under the slow provider.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { randomBytes, randomUUID } from "node:crypto";
import { startDemo } from "../../www/demo.mjs";
import { outDir } from "./helpers/paths.mjs";
import { freePort } from "./helpers/ports.mjs";
import { createSession, IdvError } from "idv-handoff";

const API_KEY = `sk_test_${randomBytes(12).toString("hex")}`;
const CLIENTS = 200;
const PERSON = { firstName: "Jane", lastName: "Doe", email: "jane@example.com", phone: "+15551234567" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Longest any one createSession call may take before it counts as hung. */
const HANG_MS = 25_000;
/** The header by which the handler says it deduplicates creates, and its value. */
const DEDUP_HEADER = "idv-idempotency";
const DEDUPLICATED = "deduplicated";

/**
 * deepidv's POST /v1/sessions (and GET /v1/sessions/:id), without idempotency, with scripted
 * faults: `plan(attempt, externalId)` (attempt counts the POSTs for that external_id, from 1)
 * returns null (create, answer 200) or a fault: { kind: "500" | "429" | "slow" | "drop", ... }.
 * "slow" and "drop" create the session before they answer late or hang up, as a real provider
 * that fails after committing would; "500" and "429" refuse before creating anything.
 */
async function startFaultyProvider(apiKey) {
  let plan = () => null;
  let stats;
  const timers = new Set();
  const reset = (next = () => null) => {
    plan = next;
    stats = {
      requests: 0, // POST /v1/sessions received
      unauthorized: 0,
      withKey: 0, // POSTs that carried an Idempotency-Key (the handler must send none to deepidv)
      notJson: 0,
      faults: {}, // by kind
      clients: new Map(), // external_id → { attempts, times: [], sessions: [ids], bodies: Set }
      created: 0, // sessions created
      ids: new Map(), // session id → external_id
      redirects: new Set(), // every redirect_url a create carried
      reads: 0, // GET /v1/sessions/:id received
      late: { cancelled: 0, written: 0 }, // slow answers: the proxy had hung up, or took them
    };
  };
  reset();
  const later = (ms, fn) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const server = createServer((req, res) => {
    req.on("error", () => {});
    res.on("error", () => {});
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => {
      const json = (status, body, headers = {}) => {
        if (res.destroyed || res.writableEnded) return;
        res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify(body));
      };
      const url = new URL(req.url, "http://provider");
      if (req.headers["x-api-key"] !== apiKey) {
        stats.unauthorized++;
        return json(401, { code: "unauthorized", message: "Invalid API key" });
      }
      const get = url.pathname.match(/^\/v1\/sessions\/([^/]+)$/);
      if (req.method === "GET" && get) {
        stats.reads++;
        if (get[1] === "drop-me") return req.socket.destroy();
        const externalId = stats.ids.get(get[1]);
        if (!externalId) return json(404, { code: "session_not_found", message: "Session not found" });
        // 002: the record under sessionRecord; a new session is PENDING.
        const sessionRecord = { id: get[1], status: "PENDING", sessionProgress: null, externalId, createdAt: new Date().toISOString() };
        return json(200, { sessionRecord, resourceLinks: {} });
      }
      if (req.method !== "POST" || url.pathname !== "/v1/sessions") return json(404, { code: "not_found", message: "Not found" });
      stats.requests++;
      if (req.headers["idempotency-key"] !== undefined) stats.withKey++;
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        stats.notJson++;
        return json(400, { code: "invalid_request", message: "Not JSON" });
      }
      const externalId = body.external_id ?? body.externalId;
      if (body.redirect_url !== undefined) stats.redirects.add(body.redirect_url);
      let client = stats.clients.get(externalId);
      if (!client) {
        client = { attempts: 0, times: [], sessions: [], bodies: new Set() };
        stats.clients.set(externalId, client);
      }
      client.attempts++;
      client.times.push(Date.now());
      client.bodies.add(text);
      // No idempotency: every create that gets this far is a new session.
      const create = () => {
        const id = randomUUID();
        const session = { idv_id: id, session_url: `https://app.deepidv.com/s/${id}`, externalId, links: [] };
        client.sessions.push(id);
        stats.created++;
        stats.ids.set(id, externalId);
        return session;
      };
      const fault = plan(client.attempts, externalId);
      if (fault) stats.faults[fault.kind] = (stats.faults[fault.kind] ?? 0) + 1;
      // The error bodies carry a `code` (the handler passes a provider's 500 and 429 through
      // as they are, body included: the code the browser sees there is the provider's).
      switch (fault?.kind) {
        case "500":
          return json(500, { code: "internal_error", message: "Something went wrong" });
        case "429": {
          const headers = { "X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0" };
          headers["X-RateLimit-Reset"] = String(fault.reset ?? Math.ceil(Date.now() / 1000));
          if (fault.retryAfter !== undefined) headers["Retry-After"] = String(fault.retryAfter);
          return json(429, { code: "rate_limited", message: "Too many requests" }, headers);
        }
        case "slow": {
          const session = create();
          const late = stats.late;
          let hungUp = false;
          res.on("close", () => (hungUp ||= !res.writableEnded));
          return later(fault.ms, () => {
            if (hungUp || res.destroyed) late.cancelled++;
            else late.written++;
            json(200, session);
          });
        }
        case "drop":
          create();
          return req.socket.destroy();
        default:
          return json(200, create());
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get stats() {
      return stats;
    },
    reset,
    /** Resolves once every late answer has been sent (or dropped). */
    async settled(limitMs = 10_000) {
      for (let waited = 0; timers.size && waited < limitMs; waited += 50) await new Promise((ok) => setTimeout(ok, 50));
      assert.equal(timers.size, 0, "late answers still pending");
    },
    /** Changes the faults, keeping the sessions and counters. */
    setPlan(next) {
      plan = next;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      return new Promise((ok) => server.close(() => ok()));
    },
  };
}

let provider;
let demo;
let sessionsUrl;
let returnUrl;
/** Every attempt and answer of createSession to the proxy, recorded by a wrapper around global fetch. */
let observed;
const realFetch = globalThis.fetch;
/**
 * What workerd printed (Miniflare passes its output through console.log and console.error). The
 * handler logs nothing of its own; whatever workerd prints during a scenario is counted here
 * (an uncaught exception would show up) and passed through.
 */
const workerLog = [];
const realConsole = { log: console.log, error: console.error };
function captureWorkerLog(level) {
  console[level] = (...args) => {
    const line = args.map(String).join(" ").replace(/\x1b\[[0-9;]*m/g, "");
    if (!line.startsWith("proxy-faults[")) workerLog.push(line);
    realConsole[level](...args);
  };
}

before(async () => {
  captureWorkerLog("log");
  captureWorkerLog("error");
  provider = await startFaultyProvider(API_KEY);
  const port = await freePort();
  const providerPort = await freePort(); // unused: the demo's own stand-in provider is not started
  demo = await startDemo({ port, providerPort, providerUrl: provider.url, apiKey: API_KEY, out: `${outDir("proxy-faults")}demo/` });
  sessionsUrl = `${demo.url}/api/idv/sessions`;
  returnUrl = `${demo.url}/idv/return`; // the worker's only return URL: APP_URL/idv/return
  // createSession calls the global fetch; the wrapper sees each attempt, its key and its answer.
  globalThis.fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!observed || url !== sessionsUrl) return realFetch(input, init);
    observed.attempts++;
    const key = new Headers(init?.headers).get("idempotency-key");
    let externalId;
    try {
      const sent = JSON.parse(init.body);
      externalId = sent.external_id ?? sent.externalId;
    } catch {}
    if (!observed.keys.has(externalId)) observed.keys.set(externalId, new Set());
    observed.keys.get(externalId).add(key);
    if (!observed.trail.has(externalId)) observed.trail.set(externalId, []);
    const trail = observed.trail.get(externalId); // how each of this client's attempts ended
    let response;
    try {
      response = await realFetch(input, init);
    } catch (e) {
      const kind = init?.signal?.aborted ? "client timeout" : "client network";
      observed.failures[kind] = (observed.failures[kind] ?? 0) + 1;
      trail.push(kind);
      throw e;
    }
    // The body is read here and handed on as a new Response. In Node, a body read that the
    // attempt's signal aborts after it has started can stay pending for ever instead of
    // rejecting (nodejs/node#56917, undici): seen here, a few calls in 200 whose timeout fell
    // between the headers and the body never settled. So the read is raced against the
    // signal, which ends it as a browser would (AbortError, which createSession counts as its
    // timeout). createSession's own body read has the same exposure in Node (see the report).
    const { status, statusText, headers } = response;
    const signal = init?.signal;
    let onAbort;
    const aborted = new Promise((_, reject) => {
      onAbort = () => reject(signal.reason ?? new DOMException("This operation was aborted", "AbortError"));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    });
    aborted.catch(() => {});
    let text;
    try {
      text = await Promise.race([response.text(), aborted]);
    } catch (e) {
      observed.failures["client timeout (body)"] = (observed.failures["client timeout (body)"] ?? 0) + 1;
      trail.push(`${status}, then client timeout (body)`);
      throw e;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
    observed.answers.push({ status, headers, text });
    trail.push(String(status));
    return new Response(text, { status, statusText, headers });
  };
  // deepidv documents no idempotency, so createSession re-sends a create that timed out (or
  // lost its connection) without an answer only to a proxy that said, in an answer on this
  // page, that it deduplicates; the module remembers the proxy's origin, and all the clients
  // of this file share that module. A warm-up call teaches it, as a page's first create would,
  // so that each scenario can be run alone (--test-name-pattern) and still retry timeouts.
  observed = newObserved();
  await createSession(sessionsUrl, { ...PERSON, externalId: "warm-up" }, { allowInsecureProxy: true });
  assert.equal(observed.answers.length, 1);
  assert.equal(observed.answers[0].headers.get(DEDUP_HEADER), DEDUPLICATED, "the warm-up's answer says the proxy deduplicates");
  assert.equal(provider.stats.created, 1);
  observed = undefined;
});

after(async () => {
  globalThis.fetch = realFetch;
  await demo?.close();
  await provider?.close();
  Object.assign(console, realConsole);
});

function newObserved() {
  return { attempts: 0, failures: {}, answers: [], keys: new Map(), trail: new Map() };
}

/** Checks one error answer of the proxy: JSON, a code, no stack trace, no API key. */
function assertWellFormedError(status, headers, text, what) {
  assert.match(headers.get("content-type") ?? "", /^application\/json/, `${what}: Content-Type`);
  let body;
  assert.doesNotThrow(() => (body = JSON.parse(text)), `${what}: not JSON: ${text.slice(0, 200)}`);
  assert.equal(typeof body, "object", what);
  assert.equal(typeof body.code, "string", `${what}: no code in ${text.slice(0, 200)}`);
  assert.ok(!text.includes(API_KEY), `${what}: the API key leaked`);
  assert.ok(!/\bat .+:\d+:\d+|Error:|stack/i.test(text), `${what}: a stack trace or error text leaked: ${text.slice(0, 200)}`);
  return body;
}

/** Checks every answer the proxy gave to the clients' creates; returns counts by "status code". */
function checkAnswers() {
  const byStatus = {};
  for (const { status, headers, text } of observed.answers) {
    let label = String(status);
    assert.equal(headers.get(DEDUP_HEADER), DEDUPLICATED, `a create answer ${status} without Idv-Idempotency`);
    if (status === 200) {
      const body = JSON.parse(text);
      assert.match(body.idv_id, UUID);
      assert.equal(body.session_url, `https://app.deepidv.com/s/${body.idv_id}`);
      assert.ok(!text.includes(API_KEY));
    } else {
      const body = assertWellFormedError(status, headers, text, `proxy answer ${status}`);
      label += ` ${body.code}`;
      if (status === 429) {
        // The handler passes the provider's rate-limit headers through.
        assert.equal(headers.get("x-ratelimit-limit"), "100");
        assert.equal(headers.get("x-ratelimit-remaining"), "0");
        assert.ok(headers.get("x-ratelimit-reset"));
      }
    }
    byStatus[label] = (byStatus[label] ?? 0) + 1;
  }
  return byStatus;
}

/**
 * Runs `count` concurrent createSession calls (options per client from `optionsOf(i)`), each
 * with its own externalId so the provider can tell whose creates it got; returns the outcomes
 * in client order, each { externalId, group, session } or { externalId, group, error }.
 */
async function runClients(name, count, optionsOf, extraLoad = async () => {}) {
  observed = newObserved();
  workerLog.length = 0;
  const started = Date.now();
  const calls = Array.from({ length: count }, (_, i) => {
    const { group = "c", ...options } = optionsOf(i);
    const externalId = `${name}-${group}-${i}`;
    let timer;
    const hang = new Promise((ok) => (timer = setTimeout(() => ok({ externalId, hung: true }), HANG_MS)));
    const call = createSession(sessionsUrl, { ...PERSON, externalId }, { allowInsecureProxy: true, ...options }).then(
      (session) => ({ externalId, group, session }),
      (error) => ({ externalId, group, error }),
    );
    return Promise.race([call, hang]).finally(() => clearTimeout(timer));
  });
  const [outcomes] = await Promise.all([Promise.all(calls), extraLoad()]);
  const wallMs = Date.now() - started;
  const hung = outcomes.filter((o) => o.hung);
  assert.equal(hung.length, 0, `calls still pending after ${HANG_MS} ms: ${hung.map((o) => o.externalId).join(", ")}`);
  for (const o of outcomes) {
    if (o.error) assert.ok(o.error instanceof IdvError, `${o.externalId}: not an IdvError: ${o.error}`);
  }
  return { outcomes, wallMs };
}

/** The provider sessions made for a client (by its external_id), in creation order. */
const sessionsOf = (externalId) => provider.stats.clients.get(externalId)?.sessions ?? [];
/** The creates the provider received for a client. */
const attemptsOf = (externalId) => provider.stats.clients.get(externalId)?.attempts ?? 0;
/** The one Idempotency-Key a client's attempts carried. */
const keyOf = (externalId) => [...observed.keys.get(externalId)][0];

/**
 * The checks every scenario shares. Each client sent one Idempotency-Key (a UUID) on all its
 * attempts; the handler sent the provider neither the key nor anything but the checked body;
 * each client's provider sessions number exactly `expected(outcome)`; a successful call holds
 * the last of its sessions (the one whose answer got through), never another client's. Returns
 * the histogram { sessions per key → keys }. `others`: external_ids of creates the scenario sent
 * straight to the proxy, not counted here.
 */
function checkSessions(outcomes, expected, others = new Set()) {
  const { stats } = provider;
  assert.equal(stats.unauthorized, 0, "the proxy always sends the API key");
  assert.equal(stats.withKey, 0, "the handler never forwards the Idempotency-Key to deepidv");
  assert.equal(stats.notJson, 0);
  const returned = new Set();
  const histogram = {};
  for (const o of outcomes) {
    const keys = observed.keys.get(o.externalId);
    assert.ok(keys, `${o.externalId}: no attempt seen`);
    assert.equal(keys.size, 1, `${o.externalId}: its attempts used ${keys.size} Idempotency-Keys`);
    assert.match(keyOf(o.externalId), UUID, "createSession's own key is a UUID");
    const client = stats.clients.get(o.externalId);
    if (client) assert.equal(client.bodies.size, 1, `${o.externalId}: the provider got different bodies`);
    const sessions = sessionsOf(o.externalId);
    const trail = observed.trail.get(o.externalId).join(" → ");
    assert.equal(sessions.length, expected(o), `${o.externalId} (${o.error?.code ?? "ok"}; attempts: ${trail}): provider sessions`);
    histogram[sessions.length] = (histogram[sessions.length] ?? 0) + 1;
    if (o.session) {
      assert.equal(o.session.id, sessions.at(-1), `${o.externalId}: not the session whose answer got through`);
      assert.equal(o.session.sessionUrl, `https://app.deepidv.com/s/${o.session.id}`);
      assert.equal(o.session.externalId, o.externalId);
      assert.ok(!returned.has(o.session.id), `${o.externalId}: session ${o.session.id} returned twice`);
      returned.add(o.session.id);
    }
  }
  // No provider traffic but the clients' own (and the `others` the scenario sent itself).
  const clientIds = new Set(outcomes.map((o) => o.externalId));
  for (const externalId of stats.clients.keys()) assert.ok(clientIds.has(externalId) || others.has(externalId), `a create nobody made: ${externalId}`);
  return histogram;
}

/**
 * What workerd printed during a scenario: only that a client had hung up before its answer was
 * written (a client timeout: "disconnected: ::write(...): Broken pipe", with its native stack),
 * never an uncaught exception or a line of the worker's own. Returns those hang-ups, counted.
 */
function checkWorkerLog() {
  const hungUp = /disconnected: ::write\(.*\): (Broken pipe|Connection reset by peer)$/;
  const other = workerLog.filter((line) => !hungUp.test(line) && !/^stack: /.test(line));
  assert.deepEqual(other, [], "workerd printed something else");
  return workerLog.filter((line) => hungUp.test(line)).length;
}

const list = (o) => Object.entries(o).map(([k, v]) => `${k} ×${v}`).join(", ") || "none";

/**
 * Prints the scenario's figures. With `since` (the provider's counters at an earlier point),
 * the provider's requests and sessions are counted from there, the per-key figures still in all.
 */
function figures(name, { outcomes, wallMs }, answers, histogram, hangUps = 0, since) {
  const { stats } = provider;
  const errors = {};
  for (const o of outcomes) {
    if (o.error) {
      const label = `${o.error.code}${o.error.status ? ` ${o.error.status}` : ""}`;
      errors[label] = (errors[label] ?? 0) + 1;
    }
  }
  const errorCount = outcomes.filter((o) => o.error).length;
  const perKey = Object.entries(histogram).map(([sessions, keys]) => `${keys} keys with ${sessions}`).join(", ");
  const requests = since ? `${stats.requests - since.requests} more provider requests` : `${stats.requests} provider requests`;
  const sessions = since ? `${stats.created - since.created} more provider sessions (per key, in all: ${perKey})` : `${stats.created} provider sessions (per key: ${perKey})`;
  console.log(
    `proxy-faults[${name}]: ${outcomes.length} clients, ${observed.attempts} attempts (${observed.attempts - outcomes.length} retries), ` +
      `${requests}, ${sessions}, ` +
      `${outcomes.length - errorCount} sessions returned, ${errorCount} errors (${list(errors)}); ` +
      `provider faults: ${since ? "none" : list(stats.faults)}; proxy answers: ${list(answers)}; client-side failures: ${list(observed.failures)}; ` +
      `answers written to a client that had gone: ${hangUps}; ${(wallMs / 1000).toFixed(1)} s`,
  );
  return errors;
}

/** Every call succeeded. */
function assertAllSucceeded(outcomes) {
  const failed = outcomes.filter((o) => o.error);
  assert.deepEqual(failed.map((o) => `${o.externalId}: ${o.error.code} ${o.error.status ?? ""}`), []);
}

test("slow provider: the answer comes after timeoutMs; the retry waits for the key in flight, one create per key", { timeout: 60_000 }, async () => {
  // The first create of each client: the provider makes the session at once and answers 3 s
  // later, after the client (timeoutMs 1.2 s) has given up. The client retries with the same
  // key (it may: the warm-up in before() taught it that the proxy deduplicates). The handler
  // still holds that key while its own provider call is in flight (the handler's timeout is
  // 10 s), so the retry waits in the store for that call's answer and gets it: the provider
  // sees ONE create per key. A retry that times out again while waiting retries again.
  provider.reset((attempt) => (attempt === 1 ? { kind: "slow", ms: 3_000 } : null));
  const run = await runClients("slow", CLIENTS, () => ({ timeoutMs: 1_200, maxRetries: 5, maxDelayMs: 100 }));
  const answers = checkAnswers();
  const hangUps = checkWorkerLog();
  const histogram = checkSessions(run.outcomes, () => 1);
  figures("slow", run, answers, histogram, hangUps);
  assertAllSucceeded(run.outcomes);
  assert.equal(provider.stats.requests, CLIENTS, "one create per key reached the provider");
  assert.equal(provider.stats.created, CLIENTS);
  assert.equal(answers["200"], CLIENTS, JSON.stringify(answers));
  assert.ok((observed.failures["client timeout"] ?? 0) >= CLIENTS, "each client timed out at least once");
  // Did the slow answers reach the handler, though each first client had hung up? They must
  // have: the retries got them from the store (asserted above). In local workerd the handler's
  // provider call is not cancelled when its client goes; the edge runtime's handling of a
  // client disconnect is not exercised here.
  await provider.settled();
  const { late } = provider.stats;
  console.log(`proxy-faults[slow]: late answers: ${late.written} read by the handler, ${late.cancelled} to a connection it had closed`);
  assert.equal(late.cancelled + late.written, CLIENTS);
  assert.equal(late.written, CLIENTS, "the handler's provider call outlived the client's timeout");
});

test("dropped connections: the provider creates, then hangs up; the handler answers 502 and releases the key, the retry creates again", { timeout: 60_000 }, async () => {
  // The first create of each client is made, then its connection destroyed: the handler sees
  // no answer, answers 502 upstream_error itself (with Idv-Idempotency, so the client may
  // retry) and releases the key, since the same request would not get that answer again. The
  // client's retry with the same key then reaches the provider, which does not deduplicate:
  // a second session. The first is made but never delivered. This is the limit of a proxy in
  // front of a provider without idempotency, asserted as it is: 2 provider sessions per key.
  provider.reset((attempt) => (attempt === 1 ? { kind: "drop" } : null));
  const run = await runClients("drop", CLIENTS, () => ({ timeoutMs: 10_000, maxRetries: 4, maxDelayMs: 100 }));
  const answers = checkAnswers();
  const hangUps = checkWorkerLog();
  const histogram = checkSessions(run.outcomes, () => 2);
  figures("drop", run, answers, histogram, hangUps);
  assertAllSucceeded(run.outcomes);
  assert.equal(answers["502 upstream_error"], CLIENTS, JSON.stringify(answers));
  assert.equal(answers["200"], CLIENTS);
  // Nothing lost between the client and the provider: every attempt reached it once.
  assert.equal(provider.stats.requests, observed.attempts, "requests at the provider == attempts by the clients");
  assert.equal(provider.stats.requests, 2 * CLIENTS);
  assert.equal(provider.stats.created, 2 * CLIENTS, "one orphaned session per lost answer");
  // Once a session got through, the key holds it: a second call with the same key gets the
  // kept answer, and the provider sees nothing more.
  const requests = provider.stats.requests;
  const again = await Promise.all(
    run.outcomes.map((o) => createSession(sessionsUrl, { ...PERSON, externalId: o.externalId }, { allowInsecureProxy: true, idempotencyKey: keyOf(o.externalId) })),
  );
  again.forEach((session, i) => assert.equal(session.id, run.outcomes[i].session.id, "the kept session"));
  assert.equal(provider.stats.requests, requests, "a kept answer reached the provider again");
  console.log(
    `proxy-faults[drop]: ${CLIENTS} sessions made at the provider whose answer was lost, never delivered (orphans); ` +
      `a second call per key: the kept session, 0 more provider requests`,
  );
});

test("500s before creating: retried with backoff, one session each", { timeout: 60_000 }, async () => {
  provider.reset((attempt) => (attempt <= 2 ? { kind: "500" } : null));
  const run = await runClients("500s", CLIENTS, () => ({ timeoutMs: 10_000, maxRetries: 4, maxDelayMs: 100 }));
  const answers = checkAnswers();
  const hangUps = checkWorkerLog();
  const histogram = checkSessions(run.outcomes, () => 1);
  figures("500s", run, answers, histogram, hangUps);
  assertAllSucceeded(run.outcomes);
  // The provider's 500 passes through as it is (status and body): not kept, the key released.
  assert.equal(answers["500 internal_error"], 2 * CLIENTS, JSON.stringify(answers));
  assert.equal(provider.stats.requests, observed.attempts);
  assert.equal(provider.stats.requests, 3 * CLIENTS);
  assert.equal(provider.stats.created, CLIENTS);
});

test("429s: Retry-After and X-RateLimit-Reset pass through the handler and are honoured", { timeout: 60_000 }, async () => {
  // Attempt 1: Retry-After: 0; attempt 2: X-RateLimit-Reset only (the next whole second);
  // attempt 3: Retry-After: 1; then 200.
  provider.reset((attempt) =>
    attempt === 1 ? { kind: "429", retryAfter: 0 } : attempt === 2 ? { kind: "429" } : attempt === 3 ? { kind: "429", retryAfter: 1 } : null,
  );
  const run = await runClients("429", CLIENTS, () => ({ timeoutMs: 10_000, maxRetries: 4, maxDelayMs: 1_500 }));
  const answers = checkAnswers();
  const hangUps = checkWorkerLog();
  const histogram = checkSessions(run.outcomes, () => 1);
  figures("429", run, answers, histogram, hangUps);
  assertAllSucceeded(run.outcomes);
  assert.equal(answers["429 rate_limited"], 3 * CLIENTS, JSON.stringify(answers));
  assert.equal(provider.stats.requests, observed.attempts);
  assert.equal(provider.stats.requests, 4 * CLIENTS);
  const retryAfters = observed.answers.filter((a) => a.status === 429).map((a) => a.headers.get("retry-after"));
  assert.equal(retryAfters.filter((v) => v === "0").length, CLIENTS, "Retry-After: 0 passed through");
  assert.equal(retryAfters.filter((v) => v === "1").length, CLIENTS, "Retry-After: 1 passed through");
  assert.equal(retryAfters.filter((v) => v === null).length, CLIENTS, "no Retry-After where the provider sent none");
  for (const o of run.outcomes) {
    const { times } = provider.stats.clients.get(o.externalId);
    // Retry-After: 1 was waited for (a little slack for timer granularity).
    assert.ok(times[3] - times[2] >= 950, `waited only ${times[3] - times[2]} ms after Retry-After: 1`);
  }
});

test("429 storm, global limit: 60 sessions a second for 200 clients at once", { timeout: 60_000 }, async () => {
  // A fixed one-second window for everyone (not per key): over the limit, 429 with
  // Retry-After: 1, so the refused clients come back together in the next window.
  const LIMIT = 60;
  const admitted = new Map();
  provider.reset(() => {
    const window = Math.floor(Date.now() / 1000);
    const used = admitted.get(window) ?? 0;
    if (used >= LIMIT) return { kind: "429", retryAfter: 1, reset: window + 1 };
    admitted.set(window, used + 1);
    return null;
  });
  const run = await runClients("storm", CLIENTS, () => ({ timeoutMs: 10_000, maxRetries: 6, maxDelayMs: 1_500 }));
  const answers = checkAnswers();
  const hangUps = checkWorkerLog();
  const histogram = checkSessions(run.outcomes, () => 1);
  figures("storm", run, answers, histogram, hangUps);
  assertAllSucceeded(run.outcomes);
  assert.equal(provider.stats.requests, observed.attempts);
  assert.equal(provider.stats.created, CLIENTS);
  assert.equal(answers["429 rate_limited"], provider.stats.requests - CLIENTS);
  assert.ok(Math.max(...admitted.values()) <= LIMIT);
  assert.ok(admitted.size >= Math.ceil(CLIENTS / LIMIT), `sessions made over ${admitted.size} windows`);
});

test("faults outlast the retries: documented codes, well-formed answers, then a second call with the same key", { timeout: 60_000 }, async () => {
  const GROUPS = ["always500", "alwaysDrop", "alwaysSlow", "long429", "zero429"];
  const groupOf = (externalId) => externalId.split("-")[1];
  provider.reset((attempt, externalId) => {
    switch (groupOf(externalId)) {
      case "always500": return { kind: "500" };
      case "alwaysDrop": return { kind: "drop" };
      case "alwaysSlow": return { kind: "slow", ms: 3_000 };
      case "long429": return { kind: "429", retryAfter: 5 };
      case "zero429": return { kind: "429", retryAfter: 0 };
    }
    return null;
  });
  const run = await runClients("outlast", CLIENTS, (i) => {
    const group = GROUPS[i % GROUPS.length];
    // The slow group alone has a short timeout, so that the others' answers under load are
    // never mistaken for timeouts.
    return { group, maxRetries: 2, maxDelayMs: 100, timeoutMs: group === "alwaysSlow" ? 500 : 10_000 };
  });
  const answers = checkAnswers();
  const hangUps = checkWorkerLog();
  // During the faults: a session per attempt that reached the provider for the dropped group
  // (each made, its answer lost, the key released, the retry made another), one per key for
  // the slow group (the handler held the key; the retries waited), none for the refusals.
  const during = { always500: 0, alwaysDrop: 3, alwaysSlow: 1, long429: 0, zero429: 0 };
  const histogram = checkSessions(run.outcomes, (o) => during[o.group]);
  const errors = figures("outlast", run, answers, histogram, hangUps);
  const per = CLIENTS / GROUPS.length;
  assert.deepEqual(errors, {
    "upstream_error 500": per, // the provider's 500s
    "upstream_error 502": per, // its dropped connections, answered by the handler
    timeout: per,
    "rate_limited 429": 2 * per,
  });
  for (const o of run.outcomes) {
    const { code, retryAfterMs } = o.error;
    const attempts = attemptsOf(o.externalId);
    switch (o.group) {
      case "always500":
      case "alwaysDrop":
        assert.equal(code, "upstream_error");
        assert.equal(attempts, 3);
        break;
      case "alwaysSlow":
        // Three client attempts; the provider got only the first.
        assert.equal(code, "timeout");
        assert.equal(attempts, 1);
        break;
      case "long429":
        // Retry-After (5 s) is longer than maxDelayMs: final at once, with the wait.
        assert.equal(code, "rate_limited");
        assert.equal(retryAfterMs, 5_000);
        assert.equal(attempts, 1);
        break;
      case "zero429":
        assert.equal(code, "rate_limited");
        assert.equal(retryAfterMs, 0);
        assert.equal(attempts, 3);
        break;
    }
  }
  assert.equal(answers["502 upstream_error"], 3 * per);
  assert.equal(answers["500 internal_error"], 3 * per);
  // The sessions made but never delivered: the dropped ones (three per key) and the slow ones.
  await provider.settled();
  assert.equal(provider.stats.late.written, per, "the slow answers reached the handler, which kept them");

  // Recovery: faults over, each client calls again with its own key (as an app would after an
  // error). The slow group's key holds the answer the handler kept: the one session comes back,
  // nothing new is created. The refused groups' keys were released: exactly one session now.
  // The dropped group's key was released too (a lost answer is not kept): the provider, which
  // does not deduplicate, makes a fourth session, and that is the one returned.
  provider.setPlan(() => null);
  const keys = new Map(run.outcomes.map((o) => [o.externalId, keyOf(o.externalId)]));
  const duringFaults = new Map(run.outcomes.map((o) => [o.externalId, [...sessionsOf(o.externalId)]]));
  const requestsBefore = provider.stats.requests;
  const since = { requests: provider.stats.requests, created: provider.stats.created };
  const recoveryRun = { outcomes: [], wallMs: 0 };
  const started = Date.now();
  observed = newObserved();
  recoveryRun.outcomes = await Promise.all(
    run.outcomes.map((o) =>
      createSession(sessionsUrl, { ...PERSON, externalId: o.externalId }, { allowInsecureProxy: true, idempotencyKey: keys.get(o.externalId), maxRetries: 2, maxDelayMs: 100 }).then(
        (session) => ({ ...o, error: undefined, session }),
        (error) => ({ ...o, error, session: undefined }),
      ),
    ),
  );
  recoveryRun.wallMs = Date.now() - started;
  const recoveryAnswers = checkAnswers();
  assertAllSucceeded(recoveryRun.outcomes);
  const afterRecovery = { always500: 1, alwaysDrop: 4, alwaysSlow: 1, long429: 1, zero429: 1 };
  const recoveryHistogram = checkSessions(recoveryRun.outcomes, (o) => afterRecovery[o.group]);
  figures("outlast, recovery", recoveryRun, recoveryAnswers, recoveryHistogram, 0, since);
  for (const o of recoveryRun.outcomes) {
    assert.equal(keyOf(o.externalId), keys.get(o.externalId), "the recovery used the same key");
    if (o.group === "alwaysSlow") assert.equal(o.session.id, duringFaults.get(o.externalId)[0], "the kept session came back");
    else assert.ok(!duringFaults.get(o.externalId).includes(o.session.id), "a session made during the faults came back");
  }
  assert.equal(provider.stats.requests - requestsBefore, 4 * per, "the slow group's key was answered from the store");
  const orphans = provider.stats.created - CLIENTS;
  assert.equal(orphans, 3 * per);
  console.log(
    `proxy-faults[outlast]: recovery with the same keys: ${CLIENTS} sessions returned (${per} kept by the handler, ${4 * per} created now); ` +
      `${provider.stats.created} provider sessions in all, ${orphans} of them orphans of lost answers (the dropped group: 3 per key)`,
  );
});

test("mixed faults under load, with malformed requests straight to the proxy", { timeout: 60_000 }, async () => {
  // Client i: per i % 5, no fault, one slow answer, one dropped connection, two 500s, or two
  // 429s (Retry-After: 0).
  const KINDS = ["clean", "slow", "drop", "e500", "r429"];
  provider.reset((attempt, externalId) => {
    switch (externalId.split("-")[1]) {
      case "slow": return attempt === 1 ? { kind: "slow", ms: 2_500 } : null;
      case "drop": return attempt === 1 ? { kind: "drop" } : null;
      case "e500": return attempt <= 2 ? { kind: "500" } : null;
      case "r429": return attempt <= 2 ? { kind: "429", retryAfter: 0 } : null;
    }
    return null;
  });
  const FOREIGN_RETURN = "https://evil.example/idv/return";
  const malformed = [];
  const probes = []; // { externalId, id }: creates sent straight to the proxy
  const run = await runClients(
    "mixed",
    CLIENTS,
    (i) => ({ group: KINDS[i % KINDS.length], timeoutMs: 1_200, maxRetries: 5, maxDelayMs: 100 }),
    async () => {
      // While the clients run: requests the proxy must refuse, each with a well-formed answer.
      await new Promise((ok) => setTimeout(ok, 50));
      const post = (body, headers = {}) =>
        realFetch(sessionsUrl, { method: "POST", headers: { "Content-Type": "application/json", "Idempotency-Key": randomUUID(), ...headers }, body });
      const cases = [
        ["not JSON", 400, "invalid_request", "request", () => post("{not json")],
        ["empty body", 400, "invalid_request", "request", () => post("")],
        ["JSON array", 400, "invalid_request", "request", () => post("[]")],
        ["missing fields", 400, "invalid_request", true, () => post("{}")],
        ["bad phone", 400, "invalid_request", "phone", () => post(JSON.stringify({ ...PERSON, phone: "555-1234" }))],
        ["an apiKey field", 400, "invalid_request", "apiKey", () => post(JSON.stringify({ ...PERSON, apiKey: "sk_live_x" }))],
        ["huge name", 413, "input_too_long", true, () => post(JSON.stringify({ ...PERSON, firstName: "J".repeat(100_000) }))],
        ["foreign redirect_url", 400, "return_url_not_allowed", false, () => post(JSON.stringify({ ...PERSON, externalId: "mixed-foreign", redirect_url: FOREIGN_RETURN }))],
        ["foreign origin", 403, "origin_not_allowed", false, () => post(JSON.stringify(PERSON), { Origin: "https://evil.example" })],
        ["PUT", 404, "not_found", false, () => realFetch(sessionsUrl, { method: "PUT", body: "{}" })],
        ["bad session id", 400, "invalid_session_id", false, () => realFetch(`${sessionsUrl}/bad!id`)],
        ["unknown session", 404, "session_not_found", false, () => realFetch(`${sessionsUrl}/no-such-session`)],
        ["provider hangs up on a read", 502, "upstream_error", false, () => realFetch(`${sessionsUrl}/drop-me`)],
      ];
      // The store under load, straight: a create with the app's own return URL (any query) is
      // made once; the same key and body again get the kept answer (no second create); the same
      // key with another body is refused; the session's status reads through the handler.
      const probe = async (round) => {
        const key = randomUUID();
        const externalId = `mixed-probe-${round}`;
        const body = JSON.stringify({ ...PERSON, externalId, redirect_url: `${returnUrl}?state=s${round}` });
        const first = await post(body, { "Idempotency-Key": key });
        const firstText = await first.text();
        assert.equal(first.status, 200, firstText);
        assert.equal(first.headers.get(DEDUP_HEADER), DEDUPLICATED);
        const again = await post(body, { "Idempotency-Key": key });
        assert.equal(again.status, 200);
        assert.equal(again.headers.get(DEDUP_HEADER), DEDUPLICATED);
        assert.equal(await again.text(), firstText, "the kept answer, as it was");
        const other = await post(JSON.stringify({ ...PERSON, externalId, firstName: "John" }), { "Idempotency-Key": key });
        const otherText = await other.text();
        assert.equal(other.status, 422, otherText);
        assert.equal(other.headers.get(DEDUP_HEADER), DEDUPLICATED);
        assert.equal(assertWellFormedError(422, other.headers, otherText, "key reused").code, "idempotency_conflict");
        const { idv_id: id } = JSON.parse(firstText);
        const read = await realFetch(`${sessionsUrl}/${id}`);
        const readText = await read.text();
        assert.equal(read.status, 200, readText);
        const summary = JSON.parse(readText);
        assert.deepEqual({ ...summary, raw: undefined }, { provider: "deepidv", id, status: "pending", final: false, raw: undefined });
        assert.equal(summary.raw.sessionRecord.status, "PENDING");
        assert.ok(!readText.includes(API_KEY));
        probes.push({ externalId, id });
      };
      for (let round = 0; round < 3; round++) {
        await Promise.all([
          probe(round),
          ...cases.map(async ([what, status, code, field, send]) => {
            const response = await send();
            const text = await response.text();
            malformed.push({ what, dedup: response.headers.get(DEDUP_HEADER) });
            assert.equal(response.status, status, `${what}: ${text.slice(0, 200)}`);
            const body = assertWellFormedError(response.status, response.headers, text, what);
            assert.equal(body.code, code, `${what}: ${text.slice(0, 200)}`);
            if (typeof field === "string") assert.equal(body.field, field, `${what}: ${text.slice(0, 200)}`);
            else if (field) assert.equal(typeof body.field, "string", `${what}: ${text.slice(0, 200)}`);
          }),
        ]);
      }
    },
  );
  const answers = checkAnswers();
  const hangUps = checkWorkerLog();
  // The probes' creates went to the provider too: one each, and nothing else of theirs.
  const probeIds = new Set(probes.map((p) => p.externalId));
  assert.equal(probes.length, 3);
  for (const { externalId, id } of probes) assert.deepEqual(sessionsOf(externalId), [id], `${externalId}: one create for a key sent three times`);
  // One session per key but the dropped group's: 2 (a lost answer after creation, as above).
  const expected = { clean: 1, slow: 1, drop: 2, e500: 1, r429: 1 };
  const histogram = checkSessions(run.outcomes, (o) => expected[o.group], probeIds);
  figures("mixed", run, answers, histogram, hangUps);
  assertAllSucceeded(run.outcomes);
  for (const o of run.outcomes) {
    const attempts = attemptsOf(o.externalId);
    const least = { clean: 1, slow: 1, drop: 2, e500: 3, r429: 3 }[o.group];
    assert.ok(attempts >= least, `${o.externalId}: ${attempts} creates at the provider`);
    if (o.group === "slow") assert.equal(attempts, 1, `${o.externalId}: the retry did not wait for the key in flight`);
  }
  // The refused requests never reached the provider's POST: only the clients and the probes did,
  // and the foreign return URL was never sent.
  assert.equal(provider.stats.clients.size, CLIENTS + probes.length);
  assert.ok(![...provider.stats.redirects].some((u) => u.startsWith("https://evil.example")), "the foreign redirect_url reached the provider");
  assert.equal(provider.stats.reads, 2 * 3 + probes.length, "the status reads that passed the checks reached the provider");
  // Recorded, not asserted: a create the checks refuse (400, 413) is answered before the store,
  // without Idv-Idempotency (the client does not retry those anyway).
  const creates = malformed.filter((m) => !["PUT", "bad session id", "unknown session", "provider hangs up on a read", "foreign origin"].includes(m.what));
  console.log(
    `proxy-faults[mixed]: ${malformed.length} refused requests straight to the proxy during the load, all well-formed JSON ` +
      `(${creates.filter((m) => m.dedup === DEDUPLICATED).length} of the ${creates.length} refused creates said Idv-Idempotency); ` +
      `${probes.length} probe keys (create, the same again, another body → 422, a status read): one provider create each ` +
      `(counted in the figures above: ${provider.stats.requests} provider requests, ${provider.stats.created} sessions)`,
  );
});
