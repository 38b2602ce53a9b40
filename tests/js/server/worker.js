// A small worker over idv-handoff/server for tests/js/server.test.mjs: one handler per provider
// (deepidv on /api/idv, Didit on /didit/api, Verifa on /verifa/api), every one keeping its
// Idempotency-Keys in the Durable Object store (the IDEMPOTENCY namespace of the class below).
//
// Bindings: PROVIDER_URL (the test's mock provider, on loopback), IDV_API_KEY.
import { createIdvHandler, durableObjectStore, IdvIdempotencyStore } from "idv-handoff/server";

export { IdvIdempotencyStore };

const RETURN_URL = "https://yourapp.com/idv/return";

let handlers;
function handlersOf(env) {
  const common = {
    apiKey: env.IDV_API_KEY,
    providerUrl: env.PROVIDER_URL,
    allowInsecureLocalhost: true,
    returnUrls: [RETURN_URL],
    allowedOrigins: ["https://partner.example"],
    store: durableObjectStore(env.IDEMPOTENCY),
    timeoutMs: 300,
  };
  handlers ??= [
    ["/didit/", createIdvHandler({ ...common, provider: "didit", apiPath: "/didit/api", startPath: "/didit/start", returnUrls: ["https://yourapp.com/didit/return"] })],
    ["/verifa/", createIdvHandler({ ...common, provider: "verifa", apiPath: "/verifa/api", startPath: "/verifa/start", returnUrls: ["https://yourapp.com/verifa/return"], params: { sessionId: "verifa_session", status: "verifa_status" } })],
    ["/", createIdvHandler({ ...common, provider: "deepidv" })],
  ];
  return handlers;
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    const [, handler] = handlersOf(env).find(([prefix]) => pathname.startsWith(prefix));
    return handler(request);
  },
};
