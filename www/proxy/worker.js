// The reference proxy: the integrator's own backend, as a Cloudflare-style worker. It holds the
// provider API key (a secret binding); browsers talk to it, never to the provider.
//
//   POST /api/idv/sessions       validate (normalizeSessionRequest), add the API key, forward
//                                with the browser's Idempotency-Key, return the provider's answer
//   GET  /api/idv/sessions/:id   the authoritative session, fetched from the provider and
//                                summed up for the app ({ provider, id, status, reason, raw })
//   GET  /api/idv/config         what the app needs: the provider, its session hosts, and for
//                                Didit the workflow and for Verifa the return parameter names
//   GET  /idv/start?handoff=…    edge side of beginHandoff: checks the handoff URL, keeps the
//                                state in a __Host- cookie, redirects to the hosted page
//   GET  /idv/return             edge side of the return: state cookie, callback, confirmation
//                                with the provider, then the app's result page
//
// Configuration (bindings): PROVIDER ("deepidv" default, "didit", "verifa"), PROVIDER_URL,
// IDV_API_KEY (secret), ALLOWED_ORIGINS (comma list of origins allowed to call the API
// cross-origin), SESSION_HOSTS (comma list; default: the provider's host), DIDIT_WORKFLOW_ID,
// DEV ("true": http on localhost is accepted, for the local demo only).
import { buildHandoffUrl, normalizeSessionRequest, parseCallback, IdvError } from "idv-handoff";

const STATE_COOKIE = "__Host-idv-state";
const SESSION_ID = /^[A-Za-z0-9._~-]{1,128}$/;
const MADE_STATE = /^[A-Za-z0-9_-]{43}$/;
const RATE_LIMIT_HEADERS = ["Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"];

/**
 * Each provider's API as its document gives it, and how its session answer reads for the app:
 * one status word (submitted, failed, abandoned, approved, declined, in_review, completed,
 * cancelled, expired, pending) and a reason where there is one.
 */
const PROVIDERS = {
  deepidv: {
    create: "/v1/sessions",
    keyHeader: "x-api-key",
    session: (id) => `/v1/sessions/${id}`,
    summary(body) {
      const outcome = body.sessionRecord?.outcome;
      if (!outcome) return { status: "pending" };
      const status = { success: "submitted", failed: "failed", abandoned: "abandoned" }[outcome.status] ?? "pending";
      return { status, reason: outcome.reason };
    },
  },
  didit: {
    create: "/v3/session/",
    keyHeader: "x-api-key",
    session: (id) => `/v3/session/${id}/decision/`,
    summary(body) {
      const status = String(body.status ?? "");
      const pending = status === "Not Started" || status === "In Progress" || status === "Awaiting User";
      return { status: pending ? "pending" : status.toLowerCase().replace(/ /g, "_") };
    },
  },
  verifa: {
    create: "/v1/sessions",
    keyHeader: "X-API-Key",
    forward: ["Verifa-Version"],
    session: (id) => `/v1/sessions/${id}`,
    // Verifa documents no return parameters; these are the ones its stand-in sends.
    params: { sessionId: "verifa_session", status: "verifa_status", reason: "verifa_reason" },
    summary(body) {
      const status = String(body.status ?? "");
      return { status: status === "created" ? "pending" : status, reason: body.failure_reason };
    },
  },
};

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const route = `${request.method} ${url.pathname}`;
    try {
      if (url.pathname.startsWith("/api/idv/")) return await api(request, env, url);
      if (route === "GET /idv/start") return start(env, url);
      if (route === "GET /idv/return") return await finish(request, env, url);
    } catch (e) {
      // Never leak internals (or the key) in an error: a fixed body and a log line.
      console.error("proxy error", e);
      return Response.json({ code: "proxy_error", message: "The proxy failed" }, { status: 500 });
    }
    return env.ASSETS.fetch(request);
  },
};

function providerOf(env) {
  const name = env.PROVIDER ?? "deepidv";
  return { name, ...PROVIDERS[name] };
}

/** The JSON API, with CORS for the configured origins. */
async function api(request, env, url) {
  const origin = request.headers.get("Origin");
  const cors = corsHeaders(origin, env, url);
  if (origin && !cors) return Response.json({ code: "origin_not_allowed" }, { status: 403 });
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: cors ?? {} });
  const respond = (status, body, headers = {}) => Response.json(body, { status, headers: { ...cors, ...headers } });
  const provider = providerOf(env);

  if (url.pathname === "/api/idv/config" && request.method === "GET") {
    return respond(200, {
      provider: provider.name,
      sessionHosts: sessionHosts(env),
      workflowId: provider.name === "didit" ? env.DIDIT_WORKFLOW_ID : undefined,
      params: provider.params,
    });
  }
  if (url.pathname === "/api/idv/sessions" && request.method === "POST") {
    let body;
    try {
      body = normalizeSessionRequest(await request.json(), {
        provider: provider.name,
        allowInsecureLocalhost: env.DEV === "true",
      });
    } catch (e) {
      if (e instanceof SyntaxError) return respond(400, { code: "invalid_request", message: "The body is not JSON" });
      if (e instanceof IdvError) return respond(400, { code: e.code, field: e.field, message: e.message });
      throw e;
    }
    const forwarded = { "Content-Type": "application/json", [provider.keyHeader]: env.IDV_API_KEY };
    for (const name of ["Idempotency-Key", ...(provider.forward ?? [])]) {
      const value = request.headers.get(name);
      if (value !== null) forwarded[name] = value;
    }
    const answer = await fetch(`${env.PROVIDER_URL}${provider.create}`, { method: "POST", headers: forwarded, body: JSON.stringify(body) });
    // The provider's own content type: an error page from a load balancer is not JSON.
    const headers = { "Content-Type": answer.headers.get("Content-Type") ?? "application/json" };
    for (const name of RATE_LIMIT_HEADERS) {
      const value = answer.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    return new Response(answer.body, { status: answer.status, headers: { ...cors, ...headers } });
  }
  const id = url.pathname.match(/^\/api\/idv\/sessions\/([^/]+)$/)?.[1];
  if (id && request.method === "GET") {
    if (!SESSION_ID.test(id)) return respond(400, { code: "invalid_session_id" });
    const answer = await providerSession(env, provider, id);
    if (!answer.ok) return respond(answer.status === 404 ? 404 : 502, { code: "session_not_confirmed" });
    const raw = await answer.json();
    return respond(200, { provider: provider.name, id, ...provider.summary(raw), raw });
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
    "Access-Control-Allow-Headers": "Content-Type, Idempotency-Key, Verifa-Version",
    "Access-Control-Expose-Headers": RATE_LIMIT_HEADERS.join(", "),
    "Access-Control-Max-Age": "600",
    Vary: "Origin",
  };
}

function sessionHosts(env) {
  const configured = String(env.SESSION_HOSTS ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  return configured.length ? configured : [new URL(env.PROVIDER_URL).host];
}

function providerSession(env, provider, id) {
  return fetch(`${env.PROVIDER_URL}${provider.session(id)}`, { headers: { [provider.keyHeader]: env.IDV_API_KEY } });
}

/**
 * The handoff begins: the browser made the state (beginHandoff for deepidv puts it on the return
 * URL inside the handoff URL; for Didit and Verifa it rode on the return URL given at creation
 * and comes here as `state`). The edge keeps the same state in an HttpOnly cookie, so the return
 * can be checked here too, and re-checks the handoff URL with the package (an allowed session
 * host; for deepidv, a return to this origin's /idv/return) before redirecting to it.
 */
function start(env, url) {
  const provider = providerOf(env);
  const returnUrl = `${url.origin}/idv/return`;
  const dev = env.DEV === "true";
  let handoff;
  try {
    handoff = new URL(url.searchParams.get("handoff") ?? "");
  } catch {
    return errorPage(400, "invalid_url", "The handoff link is not a URL.");
  }
  let state = url.searchParams.get("state") ?? "";
  let target;
  try {
    if (provider.name === "deepidv") {
      const redirect = new URL(handoff.searchParams.get("redirect_url") ?? "");
      state = redirect.searchParams.get("state") ?? "";
      if (`${redirect.origin}${redirect.pathname}` !== returnUrl) {
        return errorPage(400, "redirect_origin_not_allowed", "The handoff link does not return here.");
      }
      handoff.searchParams.delete("redirect_url");
      target = buildHandoffUrl(handoff.href, {
        redirectUrl: returnUrl,
        state,
        allowedRedirectOrigins: [url.origin],
        allowedSessionHosts: sessionHosts(env),
        allowInsecureLocalhost: dev,
      });
    } else {
      target = buildHandoffUrl(handoff.href, { provider: provider.name, allowedSessionHosts: sessionHosts(env), allowInsecureLocalhost: dev });
    }
  } catch (e) {
    if (e instanceof IdvError) return errorPage(400, e.code, "The handoff link was refused.");
    if (e instanceof TypeError) return errorPage(400, "invalid_url", "The handoff link has no return URL.");
    throw e;
  }
  if (!MADE_STATE.test(state)) return errorPage(400, "invalid_state", "The handoff link carries no state.");
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
  const provider = providerOf(env);
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
    callback = parseCallback(url, { provider: provider.name, expectedState: cookie, params: provider.params });
  } catch (e) {
    if (e instanceof IdvError) return errorPage(400, e.code, "The return from the provider could not be verified.", clear);
    throw e;
  }
  const confirmed = await providerSession(env, provider, callback.sessionId);
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
