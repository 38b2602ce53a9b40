// A local stand-in for deepidv, behaving as its documents (shared/seeds/000_* to 002_*) say, so
// the demo and the end-to-end tests need no account and no network. It is deliberately
// independent of idv-handoff: it checks requests its own way, as a remote provider would.
//
//   POST /v1/sessions       x-api-key → 401; rate limit → 429 (Retry-After, X-RateLimit-*);
//                           Idempotency-Key replays for 24 h, 422 when reused with another
//                           body; required fields and E.164 → 400; unknown workflow → 404;
//                           token balance spent → 402; else 200 { idv_id, session_url, … }
//   GET  /v1/sessions/:id   x-api-key → 401; 404; 200 { sessionRecord }
//   GET  /hosted/:id        the hosted page, where a person picks an outcome
//   POST /hosted/:id        records the outcome, then redirects to redirect_url with
//                           session_id, status and reason appended (reason omitted on success)
//
// State lives in one Durable Object, so it is consistent under concurrency and, with
// Miniflare's persistence, survives a restart.

const REASONS = ["document_unreadable", "face_mismatch", "session_expired", "internal_error", "user_cancelled", "unknown"];
// Not (yet) in the documents: the demo offers it to show how clients handle a future reason.
const FUTURE_REASON = "liveness_spoof_detected";
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const FIELDS = [
  ["first_name", "firstName"],
  ["last_name", "lastName"],
  ["email", "email"],
  ["phone", "phone"],
  ["external_id", "externalId"],
  ["send_email_invite", "sendEmailInvite"],
  ["send_phone_invite", "sendPhoneInvite"],
  ["workflow_id", "workflowId"],
  ["redirect_url", "redirectUrl"],
];

const json = (status, body, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const state = env.PROVIDER.get(env.PROVIDER.idFromName("deepidv"));
    if (url.pathname === "/v1/sessions" || url.pathname.startsWith("/v1/sessions/")) {
      return state.fetch(request);
    }
    // Counters for the tests (sessions created, tokens left); off unless configured.
    if (url.pathname === "/__stats" && env.EXPOSE_STATS) return state.fetch("https://state/internal-stats");
    const hosted = url.pathname.match(/^\/hosted\/([A-Za-z0-9-]{1,64})$/);
    if (hosted && request.method === "GET") return hostedPage(state, hosted[1], url);
    if (hosted && request.method === "POST") return finish(state, hosted[1], request);
    return new Response("Not found", { status: 404 });
  },
};

/** The hosted verification page: document, selfie and liveness, simulated by a choice. */
async function hostedPage(state, id, url) {
  const record = await (await state.fetch(`https://state/internal/${id}`)).json();
  if (!record) return new Response("Unknown session", { status: 404 });
  const redirect = url.searchParams.get("redirect_url") ?? record.redirectUrl ?? "";
  const reasons = [...REASONS, FUTURE_REASON]
    .map((r) => `<option value="${r}">${r}${r === FUTURE_REASON ? " (not yet documented)" : ""}</option>`)
    .join("");
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>deepidv (local stand-in): verify your identity</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;background:#f6f7fb}
main{background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 4px #0002}button{font:inherit;padding:.5rem 1rem;margin:.25rem 0}
.note{color:#555;font-size:.9rem}fieldset{border:1px solid #ddd;border-radius:8px;margin:1rem 0}</style></head>
<body><main><h1>Verify your identity</h1>
<p class="note">Local stand-in for deepidv's hosted page. A real one asks for a document, a selfie and a liveness check; here you pick the outcome.</p>
<p>Applicant: <strong>${escapeHtml(`${record.firstName} ${record.lastName}`)}</strong>, session <code>${id}</code></p>
<form method="post"><input type="hidden" name="redirect_url" value="${escapeHtml(redirect)}">
<fieldset><legend>Completed</legend><button name="outcome" value="success" id="success">Submit verification</button></fieldset>
<fieldset><legend>Failed</legend><label>Reason <select name="reason" id="reason">${reasons}</select></label><br>
<button name="outcome" value="failed" id="failed">Fail with this reason</button></fieldset>
<fieldset><legend>Left</legend><button name="outcome" value="abandoned" id="abandoned">Cancel and go back</button></fieldset>
</form></main></body></html>`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

/** Records the outcome and sends the person back, as deepidv's redirect section documents. */
async function finish(state, id, request) {
  const form = await request.formData();
  const outcome = String(form.get("outcome"));
  if (!["success", "failed", "abandoned"].includes(outcome)) return new Response("Bad outcome", { status: 400 });
  // Abandoning is a user cancellation ("typically user_cancelled"); success carries no reason.
  const reason = outcome === "failed" ? String(form.get("reason")) : outcome === "abandoned" ? "user_cancelled" : undefined;
  let back;
  try {
    back = new URL(String(form.get("redirect_url")));
    if (back.protocol !== "https:" && back.protocol !== "http:") throw new Error("scheme");
  } catch {
    return new Response("No valid redirect_url", { status: 400 });
  }
  const saved = await state.fetch(`https://state/internal/${id}/outcome`, {
    method: "POST",
    body: JSON.stringify({ status: outcome, reason }),
  });
  if (!saved.ok) return new Response("Unknown session", { status: 404 });
  back.searchParams.append("session_id", id);
  back.searchParams.append("status", outcome);
  if (reason) back.searchParams.append("reason", reason);
  return Response.redirect(back.href, 303);
}

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Everything the provider remembers: sessions, idempotency records, balance, rate window. */
export class ProviderState {
  constructor(ctx, env) {
    this.storage = ctx.storage;
    this.env = env;
  }

  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/internal-stats") {
      const [sessions, balance] = await Promise.all([this.storage.get("count"), this.storage.get("balance")]);
      return json(200, { sessions: sessions ?? 0, balance: balance ?? Number(this.env.TOKEN_BALANCE ?? 1000) });
    }
    const internal = url.pathname.match(/^\/internal\/([A-Za-z0-9-]+)(\/outcome)?$/);
    if (internal) {
      const record = (await this.storage.get(`session:${internal[1]}`)) ?? null;
      if (!internal[2]) return json(200, record);
      if (!record) return json(404, null);
      const outcome = await request.json();
      record.outcome = outcome;
      record.status = outcome.status === "success" ? "SUBMITTED" : "PENDING";
      record.sessionProgress = { success: "COMPLETED", failed: "FAILED", abandoned: "ABANDONED" }[outcome.status];
      await this.storage.put(`session:${record.id}`, record);
      return json(200, record);
    }
    if (request.headers.get("x-api-key") !== this.env.API_KEY) {
      return json(401, { message: "Missing or invalid API key" });
    }
    if (url.pathname === "/v1/sessions" && request.method === "POST") return this.create(request);
    const id = url.pathname.match(/^\/v1\/sessions\/([A-Za-z0-9-]{1,64})$/)?.[1];
    if (id && request.method === "GET") {
      const record = await this.storage.get(`session:${id}`);
      return record ? json(200, { sessionRecord: record }) : json(404, { message: "Session not found" });
    }
    return json(404, { message: "Not found" });
  }

  /** A fixed window per API key: RATE_LIMIT requests per RATE_WINDOW_SECONDS. */
  async rateLimit() {
    const limit = Number(this.env.RATE_LIMIT ?? 30);
    const windowMs = Number(this.env.RATE_WINDOW_SECONDS ?? 60) * 1000;
    const now = Date.now();
    let window = (await this.storage.get("rate")) ?? { start: now, count: 0 };
    if (now - window.start >= windowMs) window = { start: now, count: 0 };
    window.count += 1;
    await this.storage.put("rate", window);
    const reset = Math.ceil((window.start + windowMs) / 1000);
    const headers = {
      "X-RateLimit-Limit": String(limit),
      "X-RateLimit-Remaining": String(Math.max(0, limit - window.count)),
      "X-RateLimit-Reset": String(reset),
    };
    if (window.count <= limit) return { headers };
    const retryAfter = String(Math.max(1, reset - Math.floor(now / 1000)));
    return { headers, refused: json(429, { message: "Rate limit exceeded" }, { ...headers, "Retry-After": retryAfter }) };
  }

  async create(request) {
    const { headers: rateHeaders, refused } = await this.rateLimit();
    if (refused) return refused;
    const raw = await request.text();
    const key = request.headers.get("Idempotency-Key");
    if (key) {
      const seen = await this.storage.get(`idem:${key}`);
      if (seen && Date.now() - seen.at < IDEMPOTENCY_TTL_MS) {
        if (seen.body !== raw) return json(422, { message: "Idempotency-Key reused with a different request body" }, rateHeaders);
        return json(seen.status, seen.response, { ...rateHeaders, "Idempotent-Replayed": "true" });
      }
    }
    const [status, response] = await this.createSession(raw);
    if (key) await this.storage.put(`idem:${key}`, { body: raw, status, response, at: Date.now() });
    // A slow provider, for the tests: the answer comes late, after the session exists.
    if (this.env.SLOW_CREATE_MS && status === 200) await new Promise((r) => setTimeout(r, Number(this.env.SLOW_CREATE_MS)));
    return json(status, response, rateHeaders);
  }

  async createSession(raw) {
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return [400, { message: "Request body is not JSON" }];
    }
    if (body === null || typeof body !== "object") return [400, { message: "Request body must be an object" }];
    // Both spellings are accepted; camelCase takes priority (000_*).
    const value = (snake, camel) => body[camel] ?? body[snake];
    const fields = Object.fromEntries(FIELDS.map(([snake, camel]) => [snake, value(snake, camel)]));
    for (const field of ["first_name", "last_name", "email", "phone"]) {
      if (typeof fields[field] !== "string" || fields[field].trim() === "") {
        return [400, { message: `${field} is required`, field }];
      }
    }
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(fields.email)) return [400, { message: "email is invalid", field: "email" }];
    if (!/^\+[1-9]\d{1,14}$/.test(fields.phone)) return [400, { message: "phone must be in E.164 format", field: "phone" }];
    const workflows = String(this.env.WORKFLOWS ?? "wf_standard_kyc,wf_abc123").split(",");
    if (fields.workflow_id !== undefined && !workflows.includes(fields.workflow_id)) {
      return [404, { message: "Workflow ID not found" }];
    }
    const balance = (await this.storage.get("balance")) ?? Number(this.env.TOKEN_BALANCE ?? 1000);
    if (balance <= 0) return [402, { message: "Insufficient token balance" }];
    await this.storage.put("balance", balance - 1);

    const id = crypto.randomUUID();
    const record = {
      id,
      firstName: fields.first_name,
      lastName: fields.last_name,
      externalId: fields.external_id,
      workflowId: fields.workflow_id,
      redirectUrl: fields.redirect_url,
      status: "PENDING",
      sessionProgress: "NOT_STARTED",
      outcome: null,
      createdAt: new Date().toISOString(),
    };
    await this.storage.put(`session:${id}`, record);
    const sessions = ((await this.storage.get("count")) ?? 0) + 1;
    await this.storage.put("count", sessions);
    // "If redirect_url is provided, the returned session_url will include it as an encoded
    // query parameter" (001_*).
    const hosted = new URL(`/hosted/${id}`, this.env.PUBLIC_URL);
    if (typeof fields.redirect_url === "string") hosted.searchParams.set("redirect_url", fields.redirect_url);
    const response = { idv_id: id, session_url: hosted.href, links: [] };
    if (fields.external_id !== undefined) response.externalId = fields.external_id;
    return [200, response];
  }
}
