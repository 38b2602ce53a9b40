// A stand-in for deepidv's API, for the server apps (the server-* stacks): a real HTTP server on
// loopback, in the runner's own process, that every app's handler calls as its provider.
//
// What it implements is what deepidv documents (shared seeds 000/001, create) and what the
// project assumes for the read (`GET /v1/sessions/:id`, the `sessionRecord` answer of seed 002):
//   POST /v1/sessions      header x-api-key (else 401), JSON body with first_name, last_name,
//                          email, phone in E.164 (else 400) → 200 { idv_id, session_url,
//                          externalId (only when external_id was given), links: [] }
//   GET  /v1/sessions/:id  header x-api-key (else 401) → 200 { sessionRecord: { id, status:
//                          "PENDING", externalId? } }, 404 for an id it did not make
// Creates can be answered late (delayCreates), for requests in flight together.
// Ids are deterministic (the n-th create of a run, counted from reset()), so every app's answers
// can be compared with exact values. Every request it gets is recorded.
import { createServer } from "node:http";

/** The API key every app is given; searched for in every answer an app gives. */
export const API_KEY = "sk_test_IDV_CLIENTS_7c41d2";

/** The id of the n-th session a stand-in made (from 1). */
export const sessionId = (n) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

/** The hosted page of a session (on deepidv's documented host, which the start route allows). */
export const sessionUrl = (id) => `https://app.deepidv.com/session/${id}`;

const E164 = /^\+[1-9]\d{1,14}$/;

/** Starts the stand-in on 127.0.0.1 (a free port); resolves to its handle. */
export async function startStandIn() {
  const requests = [];
  const sessions = new Map();
  let made = 0;
  let createDelayMs = 0;

  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      requests.push({ method: req.method, path: req.url, headers: req.headers, body: text });
      const send = (status, value) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(value));
      };
      if (req.headers["x-api-key"] !== API_KEY) return send(401, { message: "Unauthorized" });
      const path = req.url.split("?")[0];
      if (req.method === "POST" && path === "/v1/sessions") {
        let body;
        try {
          body = JSON.parse(text);
        } catch {
          return send(400, { message: "Invalid JSON body" });
        }
        const field = (snake, camel) => body?.[camel] ?? body?.[snake];
        for (const [snake, camel] of [["first_name", "firstName"], ["last_name", "lastName"], ["email"], ["phone"]]) {
          const v = field(snake, camel ?? snake);
          if (typeof v !== "string" || v.trim() === "") return send(400, { message: `${snake} is required` });
        }
        if (!E164.test(field("phone", "phone"))) return send(400, { message: "phone must be in E.164 format" });
        made += 1;
        const id = sessionId(made);
        const externalId = field("external_id", "externalId");
        sessions.set(id, { externalId });
        const answer = { idv_id: id, session_url: sessionUrl(id), ...(externalId !== undefined ? { externalId } : {}), links: [] };
        if (createDelayMs) return void setTimeout(() => send(200, answer), createDelayMs);
        return send(200, answer);
      }
      const read = /^\/v1\/sessions\/([^/]+)$/.exec(path);
      if (req.method === "GET" && read) {
        const id = decodeURIComponent(read[1]);
        const session = sessions.get(id);
        if (!session) return send(404, { message: "Session not found" });
        return send(200, { sessionRecord: { id, status: "PENDING", ...(session.externalId !== undefined ? { externalId: session.externalId } : {}) } });
      }
      return send(404, { message: "Not found" });
    });
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", ok);
  });
  const url = `http://127.0.0.1:${server.address().port}`;

  return {
    url,
    apiKey: API_KEY,
    requests,
    creates: () => requests.filter((r) => r.method === "POST").length,
    reads: () => requests.filter((r) => r.method === "GET").length,
    /** Forgets every request and session: the next create is sessionId(1) again. */
    reset() {
      requests.length = 0;
      sessions.clear();
      made = 0;
      createDelayMs = 0;
    },
    /** From now on, a create is answered `ms` after it came (0: at once). */
    delayCreates(ms) {
      createDelayMs = ms;
    },
    /**
     * What an app is started with: its port, the provider, the key and its one return URL
     * (`base` + `returnPath`).
     */
    env(base, returnPath = "/idv/return") {
      return {
        PORT: new URL(base).port,
        PROVIDER_URL: url,
        IDV_API_KEY: API_KEY,
        RETURN_URL: `${base}${returnPath}`,
      };
    },
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
