// The reference proxy: the integrator's own backend as a Cloudflare-style worker, a few lines
// over idv-handoff/server. It holds the provider API key (a secret binding); browsers talk to
// it, never to the provider.
//
//   POST /api/idv/sessions       the create: checked, return URL pinned, idempotent by key
//   GET  /api/idv/sessions/:id   the authoritative status, from the provider
//   GET  /idv/start, /idv/return the handoff's state in a __Host- cookie, confirmed on return
//   GET  /api/idv/config         the demo app's own: provider, session hosts, Didit workflow,
//                                Verifa return parameters
//
// Configuration (bindings): PROVIDER ("deepidv" default, "didit", "verifa"), PROVIDER_URL (the
// provider's documented API by default), IDV_API_KEY (secret), APP_URL (this app's origin: its
// return URL is APP_URL/idv/return), ALLOWED_ORIGINS (comma list of other origins that may call
// the API), SESSION_HOSTS (comma list; default: the provider's documented hosts),
// DIDIT_WORKFLOW_ID, IDEMPOTENCY (a Durable Object namespace of IdvIdempotencyStore), DEV
// ("true": http on localhost, for the local demo only).
import { createIdvHandler, durableObjectStore, IdvIdempotencyStore } from "idv-handoff/server";

export { IdvIdempotencyStore };

/** Verifa documents no return parameters: these are its stand-in's (README, "Beyond the documents"). */
const VERIFA_PARAMS = { sessionId: "verifa_session", status: "verifa_status", reason: "verifa_reason" };

const list = (value) => String(value ?? "").split(",").map((s) => s.trim()).filter(Boolean);

/** The handler, made once per isolate from its bindings. */
let handler;
function handlerOf(env) {
  handler ??= createIdvHandler({
    provider: env.PROVIDER ?? "deepidv",
    apiKey: env.IDV_API_KEY,
    providerUrl: env.PROVIDER_URL || undefined,
    returnUrls: [`${env.APP_URL}/idv/return`],
    allowedOrigins: list(env.ALLOWED_ORIGINS),
    sessionHosts: list(env.SESSION_HOSTS).length ? list(env.SESSION_HOSTS) : undefined,
    allowInsecureLocalhost: env.DEV === "true",
    resultUrl: "/result",
    params: env.PROVIDER === "verifa" ? VERIFA_PARAMS : undefined,
    store: env.IDEMPOTENCY ? durableObjectStore(env.IDEMPOTENCY) : undefined,
  });
  return handler;
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/api/idv/config") {
      return Response.json({
        provider: env.PROVIDER ?? "deepidv",
        sessionHosts: list(env.SESSION_HOSTS),
        workflowId: env.PROVIDER === "didit" ? env.DIDIT_WORKFLOW_ID : undefined,
        params: env.PROVIDER === "verifa" ? VERIFA_PARAMS : undefined,
      });
    }
    if (url.pathname.startsWith("/api/idv/") || url.pathname.startsWith("/idv/")) return handlerOf(env)(request, ctx);
    return env.ASSETS.fetch(request);
  },
};
