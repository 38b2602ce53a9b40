// The floor of the edge benchmark: a worker that forwards POST /api/idv/sessions to the provider
// with the API key added and nothing else (no validation, no error mapping), answering with the
// provider's response as it is. Same bindings as the reference proxy worker: PROVIDER_URL, IDV_API_KEY.
export default {
  async fetch(request, env) {
    if (request.method !== "POST" || new URL(request.url).pathname !== "/api/idv/sessions") {
      return new Response(null, { status: 404 });
    }
    const headers = new Headers({ "content-type": "application/json", "x-api-key": env.IDV_API_KEY });
    const idempotencyKey = request.headers.get("idempotency-key");
    if (idempotencyKey) headers.set("idempotency-key", idempotencyKey);
    return fetch(`${env.PROVIDER_URL}/v1/sessions`, { method: "POST", headers, body: request.body });
  },
};
