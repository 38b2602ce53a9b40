// The reference proxy: the integrator's own backend, as a Cloudflare-style worker. It holds the
// provider API key (a secret binding); browsers talk to it, never to the provider.
//
//   POST /api/idv/sessions       validate (normalizeSessionRequest), add x-api-key, forward
//                                with the browser's Idempotency-Key, return the provider's answer
//   GET  /api/idv/sessions/:id   the authoritative session, fetched from the provider
//   GET  /api/idv/config         what the app needs to check handoff URLs (session hosts)
//   GET  /idv/start?handoff=…    edge side of beginHandoff: checks the handoff URL, keeps its
//                                state in a __Host- cookie, redirects to the hosted page
//   GET  /idv/return             edge side of the return: state cookie, callback, confirmation
//                                with the provider, then the app's result page
//
// Configuration (bindings): PROVIDER_URL, IDV_API_KEY (secret), ALLOWED_ORIGINS (comma list of
// origins allowed to call the API cross-origin), SESSION_HOSTS (comma list; default: the
// provider's host), DEV ("true": http on localhost is accepted, for the local demo only).
import { buildHandoffUrl, normalizeSessionRequest, parseCallback, IdvError } from "idv-handoff";

const STATE_COOKIE = "__Host-idv-state";
const SESSION_ID = /^[A-Za-z0-9._~-]{1,128}$/;
const RATE_LIMIT_HEADERS = ["Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"];

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const route = `${request.method} ${url.pathname}`;
    try {
      if (url.pathname.startsWith("/api/idv/")) return await api(request, env, url);
      if (route === "GET /idv/start") return start(request, env, url);
      if (route === "GET /idv/return") return await finish(request, env, url);
    } catch (e) {
      // Never leak internals (or the key) in an error: a fixed body and a log line.
      console.error("proxy error", e);
      return Response.json({ code: "proxy_error", message: "The proxy failed" }, { status: 500 });
    }
    return env.ASSETS.fetch(request);
  },
};

/** The JSON API, with CORS for the configured origins. */
async function api(request, env, url) {
  const origin = request.headers.get("Origin");
  const cors = corsHeaders(origin, env, url);
  if (origin && !cors) return Response.json({ code: "origin_not_allowed" }, { status: 403 });
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: cors ?? {} });
  const respond = (status, body, headers = {}) => Response.json(body, { status, headers: { ...cors, ...headers } });

  if (url.pathname === "/api/idv/config" && request.method === "GET") {
    return respond(200, { sessionHosts: sessionHosts(env) });
  }
  if (url.pathname === "/api/idv/sessions" && request.method === "POST") {
    let body;
    try {
      body = normalizeSessionRequest(await request.json(), { allowInsecureLocalhost: env.DEV === "true" });
    } catch (e) {
      if (e instanceof SyntaxError) return respond(400, { code: "invalid_request", message: "The body is not JSON" });
      if (e instanceof IdvError) return respond(400, { code: e.code, field: e.field, message: e.message });
      throw e;
    }
    const forwarded = { "Content-Type": "application/json", "x-api-key": env.IDV_API_KEY };
    const key = request.headers.get("Idempotency-Key");
    if (key) forwarded["Idempotency-Key"] = key;
    const answer = await fetch(`${env.PROVIDER_URL}/v1/sessions`, { method: "POST", headers: forwarded, body: JSON.stringify(body) });
    const headers = { "Content-Type": "application/json" };
    for (const name of RATE_LIMIT_HEADERS) {
      const value = answer.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    return new Response(answer.body, { status: answer.status, headers: { ...cors, ...headers } });
  }
  const id = url.pathname.match(/^\/api\/idv\/sessions\/([^/]+)$/)?.[1];
  if (id && request.method === "GET") {
    if (!SESSION_ID.test(id)) return respond(400, { code: "invalid_session_id" });
    const answer = await providerSession(env, id);
    return new Response(answer.body, { status: answer.status, headers: { ...cors, "Content-Type": "application/json" } });
  }
  return respond(404, { code: "not_found" });
}

/** CORS headers for an allowed origin (or for same-origin calls); null when not allowed. */
function corsHeaders(origin, env, url) {
  if (!origin) return {};
  const allowed = String(env.ALLOWED_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean);
  if (origin !== url.origin && !allowed.includes(origin)) return null;
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Methods": "GET, POST",
    "Access-Control-Allow-Headers": "Content-Type, Idempotency-Key",
    "Access-Control-Expose-Headers": RATE_LIMIT_HEADERS.join(", "),
    "Access-Control-Max-Age": "600",
    Vary: "Origin",
  };
}

function sessionHosts(env) {
  const configured = String(env.SESSION_HOSTS ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  return configured.length ? configured : [new URL(env.PROVIDER_URL).host];
}

function providerSession(env, id) {
  return fetch(`${env.PROVIDER_URL}/v1/sessions/${id}`, { headers: { "x-api-key": env.IDV_API_KEY } });
}

/**
 * The handoff begins: the browser's beginHandoff made the state and put it on the return URL;
 * the edge keeps the same state in an HttpOnly cookie, so the return can be checked here too,
 * and re-builds the handoff URL with the package (it must point at an allowed session host and
 * return to this origin's /idv/return) before redirecting to it.
 */
function start(request, env, url) {
  let handoff;
  try {
    handoff = new URL(url.searchParams.get("handoff") ?? "");
  } catch {
    return errorPage(400, "invalid_url", "The handoff link is not a URL.");
  }
  const returnUrl = `${url.origin}/idv/return`;
  let redirect;
  try {
    redirect = new URL(handoff.searchParams.get("redirect_url") ?? "");
  } catch {
    return errorPage(400, "invalid_url", "The handoff link has no return URL.");
  }
  const state = redirect.searchParams.get("state") ?? "";
  if (`${redirect.origin}${redirect.pathname}` !== returnUrl || !/^[A-Za-z0-9_-]{43}$/.test(state)) {
    return errorPage(400, "redirect_origin_not_allowed", "The handoff link does not return here.");
  }
  handoff.searchParams.delete("redirect_url");
  let target;
  try {
    target = buildHandoffUrl(handoff.href, {
      redirectUrl: returnUrl,
      state,
      allowedRedirectOrigins: [url.origin],
      allowedSessionHosts: sessionHosts(env),
      allowInsecureLocalhost: env.DEV === "true",
    });
  } catch (e) {
    if (e instanceof IdvError) return errorPage(400, e.code, "The handoff link was refused.");
    throw e;
  }
  return new Response(null, {
    status: 302,
    headers: { Location: target, "Set-Cookie": `${STATE_COOKIE}=${state}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600` },
  });
}

/**
 * The person is back. The callback is a hint: check it against the state cookie (one use: it is
 * cleared whatever happens), confirm the session with the provider, and only then send the
 * person on to the app's result page, with the callback for the page's own check.
 */
async function finish(request, env, url) {
  const cookie = (request.headers.get("Cookie") ?? "")
    .split(";")
    .map((c) => c.trim().split("="))
    .find(([name]) => name === STATE_COOKIE)?.[1];
  const clear = `${STATE_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0`;
  if (!cookie) {
    return errorPage(400, "no_pending_handoff", "No verification was started in this browser, or this link was already used.", clear);
  }
  let callback;
  try {
    callback = parseCallback(url, { expectedState: cookie });
  } catch (e) {
    if (e instanceof IdvError) return errorPage(400, e.code, "The return from the provider could not be verified.", clear);
    throw e;
  }
  const confirmed = await providerSession(env, callback.sessionId);
  if (!confirmed.ok) {
    return errorPage(400, "session_not_confirmed", "The provider does not know this session.", clear);
  }
  return new Response(null, { status: 303, headers: { Location: `/result${url.search}`, "Set-Cookie": clear } });
}

function errorPage(status, code, text, cookie) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Verification not confirmed</title>
<link rel="stylesheet" href="/style.css"></head><body><main>
<h1>Verification not confirmed</h1><p class="error" id="refused">${text}</p><p>Code: <code id="code">${code}</code></p>
<p><a href="/">Start again</a></p></main></body></html>`;
  const headers = { "Content-Type": "text/html; charset=utf-8" };
  if (cookie) headers["Set-Cookie"] = cookie;
  return new Response(html, { status, headers });
}
