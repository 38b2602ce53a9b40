// A scripted stand-in for the integrator's proxy, on loopback: each request takes the next
// scripted answer (status, headers, body, a delay, or a dropped connection) and is recorded, so
// tests can check exactly what createSession sent and how often. With `cors`, it answers
// preflights and exposes the headers createSession reads, as README documents. With
// `deduplicates` (the default, as the package's server half does) every answer says
// `Idv-Idempotency: deduplicated`; without it the proxy says nothing of idempotency.
import { createServer } from "node:http";

export const CORS_HEADERS = {
  "Access-Control-Allow-Methods": "POST",
  "Access-Control-Allow-Headers": "Content-Type, Idempotency-Key",
  "Access-Control-Expose-Headers": "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Idv-Idempotency",
  "Access-Control-Max-Age": "0",
};

export const SESSION = {
  idv_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
  session_url: "https://app.deepidv.com/s/a1b2c3d4",
  externalId: "user-12345",
  links: [],
};

export async function startProxyStub({ cors = false, deduplicates = true } = {}) {
  const script = [];
  const requests = [];
  const preflights = [];
  const server = createServer((req, res) => {
    const origin = req.headers.origin;
    const corsHeaders = cors && origin ? { "Access-Control-Allow-Origin": origin, ...CORS_HEADERS } : {};
    if (req.method === "OPTIONS") {
      preflights.push({ headers: req.headers });
      res.writeHead(cors ? 204 : 405, corsHeaders).end();
      return;
    }
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body, at: Date.now() });
      const answer = script.shift() ?? { status: 200, json: SESSION };
      const send = () => {
        if (answer.drop) {
          req.socket.destroy();
          return;
        }
        const said = deduplicates ? { "Idv-Idempotency": "deduplicated" } : {};
        const headers = { ...corsHeaders, ...said, ...(answer.headers ?? {}) };
        let text = answer.text ?? "";
        if (answer.json !== undefined) {
          text = JSON.stringify(answer.json);
          headers["Content-Type"] = "application/json";
        }
        res.writeHead(answer.status, headers).end(text);
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    preflights,
    /** Queues answers for the next requests, in order. */
    reply(...answers) {
      script.push(...answers);
    },
    reset() {
      script.length = 0;
      requests.length = 0;
      preflights.length = 0;
    },
    close: () => new Promise((ok) => {
      server.closeAllConnections();
      server.close(ok);
    }),
  };
}
