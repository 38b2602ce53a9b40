// A Cloudflare Worker mounting idv-handoff/server (its `workerd` entry), its Idempotency-Keys in
// the Durable Object store. The handler is made at the first request: env comes with requests.
import { createIdvHandler, durableObjectStore, IdvIdempotencyStore } from "idv-handoff/server";

export { IdvIdempotencyStore };

let idv;
export default {
  fetch(request, env, ctx) {
    idv ??= createIdvHandler({
      provider: "deepidv",
      apiKey: env.IDV_API_KEY,
      returnUrls: [env.RETURN_URL], // e.g. "https://yourapp.com/idv/return"
      store: durableObjectStore(env.IDV_IDEMPOTENCY),
      // The stand-in provider on loopback: leave both out to call deepidv itself.
      providerUrl: env.PROVIDER_URL,
      allowInsecureLocalhost: true,
    });
    return idv(request, ctx);
  },
};
