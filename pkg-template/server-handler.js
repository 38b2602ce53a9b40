// idv-handoff/server: the integrator's proxy as one Fetch-API handler, `(request) => Response`,
// for every runtime that has `Request` and `Response` (workerd, Vercel Edge and Next.js route
// handlers, Deno, Bun, Node 20+).
//
// This file is the I/O shell: it reads requests, keeps idempotency records in a store, calls the
// provider with the API key and writes responses. Every decision (routes, CORS, what a request
// may hold, what is sent and what an answer means) is made by the wasm core
// (src/bindings/server.rs, src/server.rs), which never sees the API key.
import * as wasm from "./server/idv_handoff.js";
import { IdvError } from "./server/idv_error.js";
import { guardOf } from "./guard.js";

const { call, instance } = guardOf(wasm, IdvError);
const {
  serverCreate,
  serverHandler,
  serverKeepsAnswer,
  serverReturn,
  serverRoute,
  serverSetup,
  serverStart,
  serverStatusAnswer,
  serverStatusRequest,
  serverUnconfirmed,
} = wasm;

/** Ten seconds for the provider to answer. */
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The handler. Options: see server.d.ts. The API key, the store, the timeout and the hooks stay
 * here; everything else is read and checked by the core once, now: a later change to the
 * caller's object is not seen.
 */
export function createIdvHandler(options) {
  const given = snapshot(options);
  // The core's configuration, made again in the module's fresh instance after a fault.
  let config = call(serverHandler, given);
  let configInstance = instance();
  const handler = () => {
    if (configInstance !== instance()) {
      config = call(serverHandler, given);
      configInstance = instance();
    }
    return config;
  };
  const setup = call(serverSetup, config);
  const { apiKey, store = memoryStore(), timeoutMs = DEFAULT_TIMEOUT_MS, beforeCreate, beforeStatus } = options;
  if (typeof apiKey !== "string" || apiKey === "") throw optionError("apiKey");
  if (typeof store?.begin !== "function" || typeof store?.finish !== "function") throw optionError("store");
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0)) throw optionError("timeoutMs");
  for (const [name, hook] of [["beforeCreate", beforeCreate], ["beforeStatus", beforeStatus]]) {
    if (hook !== undefined && typeof hook !== "function") throw optionError(name);
  }
  const providerHeaders = () => ({ [setup.keyHeader]: apiKey });
  const dedup = { [setup.dedupHeader]: setup.dedupValue };

  /**
   * `fetch` to the provider: bounded in time, redirects not followed, the answer bounded, and
   * the API key cut out of it wherever it appears (a provider echoing its request's headers in
   * an error would otherwise hand the key to the browser).
   */
  async function provider(url, init) {
    const response = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    const body = (await readText(response, setup.maxAnswerBytes)) ?? "";
    return { status: response.status, headers: response.headers, body: body.replaceAll(apiKey, "[redacted]") };
  }

  // Every answer of the create route says the proxy deduplicates (the browser's createSession
  // may then re-send a create whose answer it lost: src/session/retry.rs).
  async function create(request, corsHeaders) {
    const cors = { ...corsHeaders, ...dedup };
    if (beforeCreate) {
      const refused = await beforeCreate(request);
      if (refused instanceof Response) return withHeaders(refused, cors);
    }
    const length = Number(request.headers.get("Content-Length") ?? 0);
    const body = length > setup.maxBodyBytes ? null : await readText(request, setup.maxBodyBytes);
    const key = request.headers.get("Idempotency-Key");
    // A body over the bound is not read further: `null` tells the core, which refuses it (413).
    // The headers the provider documents for its create go to the core, which checks them.
    const sent = {};
    for (const name of setup.forwardedHeaders) {
      const value = request.headers.get(name);
      if (value !== null) sent[name] = value;
    }
    const plan = call(serverCreate, handler(), { body, idempotencyKey: key ?? undefined, headers: sent });
    if (plan.refuse) return json(plan.refuse.status, plan.refuse.body, cors);
    const headers = { "Content-Type": "application/json", ...plan.forward, ...providerHeaders() };
    const send = () => provider(plan.url, { method: "POST", headers, body: plan.body });
    // Without an Idempotency-Key nothing can be told apart: the create goes through as it is.
    if (key === null) return answer(await sendOrFail(send), cors);
    const fingerprint = await digest(plan.body);
    const seen = await store.begin(key, fingerprint, setup.idempotencyTtlSeconds);
    if (seen?.conflict) {
      return json(422, JSON.stringify({ code: "idempotency_conflict", message: "the Idempotency-Key was already used with another request" }), cors);
    }
    if (seen?.response) return answer(seen.response, cors);
    let result;
    try {
      result = await sendOrFail(send);
    } finally {
      // Kept for the key only when the same request would get the same answer again.
      const keep = result && result.status && call(serverKeepsAnswer, result.status);
      await store.finish(key, keep ? { status: result.status, headers: pick(result.headers, setup.answerHeaders), body: result.body } : null);
    }
    return answer(result, cors);
  }

  /** The provider's answer, or a 502 of the handler's own when there is none (timeout, network). */
  async function sendOrFail(send) {
    try {
      return await send();
    } catch (e) {
      const timedOut = e?.name === "TimeoutError";
      const error = timedOut ? { code: "timeout", message: "the provider did not answer in time" } : { code: "upstream_error", message: "the provider could not be reached" };
      return { status: timedOut ? 504 : 502, headers: new Headers(), body: JSON.stringify(error), own: true };
    }
  }

  /** The provider's answer as the browser gets it: its status and body, its rate-limit headers. */
  function answer(result, extra) {
    const headers = { "Content-Type": "application/json", ...pick(result.headers, setup.answerHeaders), ...extra };
    return new Response(result.body, { status: result.status, headers });
  }

  async function status(request, id, cors) {
    if (beforeStatus) {
      const refused = await beforeStatus(request, id);
      if (refused instanceof Response) return withHeaders(refused, cors);
    }
    const read = call(serverStatusRequest, handler(), id);
    if (read.refuse) return json(read.refuse.status, read.refuse.body, cors);
    const result = await sendOrFail(() => provider(read.url, { headers: providerHeaders() }));
    if (result.own) return json(result.status, result.body, cors);
    const summary = call(serverStatusAnswer, handler(), id, result.status, result.body);
    return json(summary.status, summary.body, cors);
  }

  function start(request) {
    const started = call(serverStart, handler(), request.url);
    if (started.error) return errorPage(400, started.error);
    return new Response(null, { status: 302, headers: { Location: started.location, "Set-Cookie": started.cookie } });
  }

  async function finish(request) {
    const back = call(serverReturn, handler(), request.url, request.headers.get("Cookie") ?? "");
    if (back.error) return errorPage(400, back.error, back.cookie);
    // Confirmed with the provider before anything is shown: a made-up session id ends here.
    const read = call(serverStatusRequest, handler(), back.sessionId);
    const result = read.refuse ? null : await sendOrFail(() => provider(read.url, { headers: providerHeaders() }));
    if (!result || result.own || result.status < 200 || result.status > 299) {
      return errorPage(400, call(serverUnconfirmed, result?.status ?? 400), back.cookie);
    }
    // Another device than the one the handoff began on: nothing of the result is shown here;
    // the starting browser learns it (awaitResult).
    if (back.otherDevice) return donePage();
    return new Response(null, { status: 303, headers: { Location: back.resultLocation, "Set-Cookie": back.cookie } });
  }

  // `context`: workerd's and Vercel's execution context (`ctx`), whose waitUntil keeps a create
  // running to its end (the provider's answer kept for its key) when the browser goes away.
  async function route(request, context) {
    const routed = call(serverRoute, handler(), {
      method: request.method,
      url: request.url,
      origin: request.headers.get("Origin") ?? undefined,
    });
    const cors = routed.cors ?? {};
    switch (routed.route) {
      case "preflight":
        return new Response(null, { status: 204, headers: cors });
      case "create": {
        const created = create(request, cors);
        if (typeof context?.waitUntil === "function") context.waitUntil(created.catch(() => {}));
        return created;
      }
      case "status":
        return status(request, routed.sessionId, cors);
      case "start":
        return start(request);
      case "return":
        return finish(request);
      case "forbidden":
        return json(403, JSON.stringify({ code: "origin_not_allowed", message: "this origin may not call the verification API" }), {});
      default:
        return json(404, JSON.stringify({ code: "not_found", message: "no such route" }), cors);
    }
  }

  // A fault inside the wasm (the module has recovered: the next request is served) is a 500 of
  // the handler's own; anything a hook or the store throws is the integrator's and goes on.
  return async function handle(request, context) {
    try {
      return await route(request, context);
    } catch (e) {
      if (!(e instanceof IdvError) || e.code !== "internal_error") throw e;
      return json(500, JSON.stringify({ code: e.code, message: e.message }), {});
    }
  };
}

/**
 * The options as given now: a plain object's own members, arrays and plain objects among them
 * copied, so that changing the caller's object later changes nothing here. Anything else goes
 * to the core as it is, which refuses it.
 */
function snapshot(options) {
  if (options === null || typeof options !== "object" || Object.getPrototypeOf(options) !== Object.prototype) return options;
  try {
    const copy = {};
    for (const [key, value] of Object.entries(options)) {
      const plain = value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
      copy[key] = Array.isArray(value) ? [...value] : plain ? { ...value } : value;
    }
    return copy;
  } catch {
    // A getter that throws: the core reads the object itself and says which option failed.
    return options;
  }
}

function optionError(option) {
  return new IdvError("invalid_option", "an option has an invalid value", { field: option });
}

function json(status, body, headers) {
  return new Response(body, { status, headers: { "Content-Type": "application/json", ...headers } });
}

function withHeaders(response, headers) {
  const copy = new Response(response.body, response);
  for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
  return copy;
}

function pick(headers, names) {
  const picked = {};
  for (const name of names) {
    const value = headers instanceof Headers ? headers.get(name) : headers?.[name];
    if (value !== null && value !== undefined) picked[name] = value;
  }
  return picked;
}

/**
 * The body of a Request or Response as text, or null when it is longer than `max` bytes (read
 * no further than that). A body whose Content-Length is within the bound is read by the host in
 * one go; one without is read chunk by chunk and counted.
 */
async function readText(message, max) {
  const stream = message.body;
  if (!stream) return "";
  const declared = message.headers.get("Content-Length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) <= max) {
    // The HTTP layer (Node's parser, workerd, Deno, Bun, fetch) holds the body to its declared
    // length; the count below still refuses a text that cannot fit in `max` bytes.
    const text = await message.text();
    return text.length > max ? null : text;
  }
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** SHA-256 of a create's checked body, hex: what a key's later requests are compared with. */
async function digest(text) {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A small page of the handler's own, its text escaped; no-store, as each is about one person. */
function page(status, title, body, cookie) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}</style></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;
  const headers = { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };
  if (cookie) headers["Set-Cookie"] = cookie;
  return new Response(html, { status, headers });
}

function errorPage(status, error, cookie) {
  const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return page(
    status,
    "Verification not confirmed",
    `<p class="error" id="refused">${escape(error.message)}</p>
<p>Code: <code id="code">${escape(error.code)}</code></p><p><a href="/">Start again</a></p>`,
    cookie,
  );
}

/** The other device's page: the session is real, and this is all it says. */
function donePage() {
  return page(
    200,
    "You're done here",
    `<p id="done">Your verification was sent. Go back to the device where you started: it shows the result.</p>`,
  );
}

/**
 * The default idempotency store: in this process's memory (a Node server, one isolate), for
 * `ttlSeconds` per key, at most `maxKeys` keys (the oldest go first). Requests with a key in
 * flight wait for its answer. Not shared between processes or isolates, and lost on restart:
 * for workerd, use `durableObjectStore`.
 */
export function memoryStore({ maxKeys = 10_000 } = {}) {
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw optionError("maxKeys");
  const records = new Map();
  // Expired records go, and past maxKeys the oldest; a key whose first create is still in
  // flight stays whatever its age (others wait on it: removing it would let a second create
  // through).
  const sweep = () => {
    const now = Date.now();
    for (const [key, record] of records) {
      if (record.pending) continue;
      if (record.expiresAt <= now || records.size > maxKeys) records.delete(key);
      else break;
    }
  };
  return {
    async begin(key, fingerprint, ttlSeconds) {
      sweep();
      let record = records.get(key);
      while (record?.pending) {
        await record.pending;
        record = records.get(key);
      }
      if (!record) {
        let resolve;
        const pending = new Promise((ok) => (resolve = ok));
        records.set(key, { fingerprint, pending, resolve, expiresAt: Date.now() + ttlSeconds * 1000 });
        return null;
      }
      if (record.fingerprint !== fingerprint) return { conflict: true };
      return { response: record.response };
    },
    async finish(key, response) {
      const record = records.get(key);
      if (!record) return;
      if (response) records.set(key, { fingerprint: record.fingerprint, response, expiresAt: record.expiresAt });
      else records.delete(key);
      record.resolve?.();
    },
  };
}

/**
 * An idempotency store in a Durable Object namespace (workerd): the keys spread over `shards`
 * objects by a hash of the key, so that every isolate sees the same record of a key, requests
 * with a key wait for its first answer, and the objects stay warm (one object per key would
 * start a new object for every create). Bind `IdvIdempotencyStore` (exported here) as a Durable
 * Object class; each object sweeps its expired records hourly (an alarm).
 */
export function durableObjectStore(namespace, { shards = 32 } = {}) {
  if (!Number.isInteger(shards) || shards < 1 || shards > 1024) throw optionError("shards");
  // A stub per call: workerd binds a stub to the request that made it.
  const stub = (key) => namespace.get(namespace.idFromName(`idv-idempotency-${fnv1a(key) % shards}`));
  const ask = async (key, body) => {
    const response = await stub(key).fetch("https://idv-idempotency/", { method: "POST", body: JSON.stringify({ key, ...body }) });
    return response.json();
  };
  return {
    async begin(key, fingerprint, ttlSeconds) {
      return (await ask(key, { op: "begin", fingerprint, ttlSeconds })).result;
    },
    async finish(key, response) {
      await ask(key, { op: "finish", response });
    },
  };
}

/** FNV-1a, 32 bits: which shard a key lives in (not a secret: the key is the browser's own). */
function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** How long a claimed key waits for its request's answer before another may claim it. */
const CLAIM_MS = 60_000;
/** How often an object deletes its expired records. */
const SWEEP_MS = 3_600_000;

/**
 * The Durable Object class of `durableObjectStore`: the records of the keys of one shard (each
 * `{ fingerprint, response, expiresAt }` in storage under its key), and the keys in flight.
 */
export class IdvIdempotencyStore {
  constructor(state) {
    this.state = state;
    this.pending = new Map();
    this.sweeping = false;
  }

  async fetch(request) {
    const { op, key, fingerprint, ttlSeconds, response } = await request.json();
    const storage = this.state.storage;
    if (op === "begin") {
      // A claim whose request never finished (its isolate went away) stops holding the key.
      for (let p = this.pending.get(key); p && Date.now() - p.at < CLAIM_MS; p = this.pending.get(key)) {
        let timer;
        const claimEnds = new Promise((ok) => (timer = setTimeout(ok, CLAIM_MS - (Date.now() - p.at))));
        await Promise.race([p.promise, claimEnds]);
        clearTimeout(timer);
      }
      // (Storage reads close the object's input gate: no other request slips in between.)
      const record = await storage.get(key);
      if (record && record.expiresAt > Date.now()) {
        return Response.json({ result: record.fingerprint === fingerprint ? { response: record.response } : { conflict: true } });
      }
      let resolve;
      const promise = new Promise((ok) => (resolve = ok));
      this.pending.set(key, { promise, resolve, fingerprint, at: Date.now(), expiresAt: Date.now() + ttlSeconds * 1000 });
      return Response.json({ result: null });
    }
    const pending = this.pending.get(key);
    this.pending.delete(key);
    if (pending && response) {
      await storage.put(key, { fingerprint: pending.fingerprint, response, expiresAt: pending.expiresAt });
      if (!this.sweeping) {
        if ((await storage.getAlarm()) === null) await storage.setAlarm(Date.now() + SWEEP_MS);
        this.sweeping = true;
      }
    }
    pending?.resolve();
    return Response.json({ result: null });
  }

  /** Deletes the expired records, a page at a time; comes back while any record is left. */
  async alarm() {
    const storage = this.state.storage;
    const now = Date.now();
    let left = 0;
    let startAfter;
    for (;;) {
      const page = await storage.list({ limit: 512, startAfter });
      if (page.size === 0) break;
      const expired = [];
      for (const [key, record] of page) {
        if (!(record?.expiresAt > now)) expired.push(key);
        else left++;
        startAfter = key;
      }
      // At most 128 keys a delete.
      for (let i = 0; i < expired.length; i += 128) await storage.delete(expired.slice(i, i + 128));
    }
    this.sweeping = left > 0;
    if (left > 0) await storage.setAlarm(now + SWEEP_MS);
  }
}
