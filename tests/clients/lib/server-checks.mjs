// The server apps' checks (the server-* stacks): the runner is the browser and the app is an
// idv-handoff/server handler mounted in the runtime under test, calling the stand-in provider
// (lib/standin.mjs). The calls and what each answer holds are gathered into a report, which
// expected.mjs' verifyServer compares with exact values.
//
// The report names the app's origin `{app}`, its return URL `{return}` (`{return, URL-encoded}`
// in a query) and the handoff's state `{state}` (they change from run to run), so that the
// expected values are the same for every app.
import { randomBytes, randomUUID } from "node:crypto";

/** What the browser asks to create (deepidv's fields, snake_case, as the documents show them). */
export const SESSION_REQUEST = {
  first_name: "Jane",
  last_name: "Doe",
  email: "jane@example.com",
  phone: "+15192223333",
  external_id: "user-12345",
};

export const FOREIGN_RETURN = "https://evil.example/idv/return";
export const FOREIGN_ORIGIN = "http://evil.example";

/** The headers of an answer that the report keeps (lower-case names), when present. */
const KEPT = ["content-type", "idv-idempotency", "access-control-allow-origin"];

/**
 * Runs the calls against the app at `base` (its origin, `http://127.0.0.1:<port>`), mounted with
 * `paths` (the handler's apiPath, startPath and return path). Resolves to the report.
 */
export async function serverReport(base, provider, { api = "/api/idv", start = "/idv/start", ret = "/idv/return", timeout = 20_000 } = {}) {
  provider.reset();
  const returnUrl = `${base}${ret}`;
  const answers = [];

  /** One call; the answer read whole and kept for the key search. */
  async function call(label, path, init = {}) {
    const res = await fetch(`${base}${path}`, { redirect: "manual", signal: AbortSignal.timeout(timeout), ...init });
    const text = await res.text();
    const headers = {};
    for (const name of KEPT) if (res.headers.has(name)) headers[name] = res.headers.get(name);
    const answer = { label, status: res.status, headers, text, all: [...res.headers], statusText: res.statusText, setCookie: res.headers.getSetCookie() };
    answers.push(answer);
    return answer;
  }
  const json = (answer) => {
    try {
      return JSON.parse(answer.text);
    } catch {
      return { notJson: answer.text.slice(0, 300) };
    }
  };
  const post = (label, body, key, { path = `${api}/sessions`, origin = base } = {}) =>
    call(label, path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": key, Origin: origin },
      body: JSON.stringify(body),
    });
  const created = (a) => ({ status: a.status, headers: a.headers, body: json(a) });

  const report = {};
  const key = randomUUID();
  const request = { ...SESSION_REQUEST, redirect_url: returnUrl };

  // Create, then the same again (the browser retrying with the same key).
  const first = await post("create", request, key);
  report.create = created(first);
  report.replay = created(await post("create again (same Idempotency-Key)", request, key));
  const sent = provider.requests.find((r) => r.method === "POST");
  report.provider = {
    creates: provider.creates(),
    request: sent
      ? {
          method: sent.method,
          path: sent.path,
          apiKey: sent.headers["x-api-key"] === provider.apiKey ? "the key" : sent.headers["x-api-key"] ?? null,
          contentType: sent.headers["content-type"] ?? null,
          body: JSON.parse(sent.body || "null"),
        }
      : null,
  };

  // A return URL this app was not given: refused before any provider call.
  const foreign = await post("create with a foreign redirect_url", { ...request, redirect_url: FOREIGN_RETURN }, randomUUID());
  report.foreignReturn = { status: foreign.status, code: json(foreign).code, creates: provider.creates() };

  // The session read back.
  const id = json(first).idv_id;
  const status = await call("status", `${api}/sessions/${encodeURIComponent(id ?? "none")}`);
  report.status = { status: status.status, headers: status.headers, body: json(status) };

  // A preflight from an origin the app does not allow: the handler's answer, not the framework's.
  const preflight = await call("preflight from a foreign origin", `${api}/sessions`, {
    method: "OPTIONS",
    headers: { Origin: FOREIGN_ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type, idempotency-key" },
  });
  report.foreignPreflight = { status: preflight.status, code: json(preflight).code, allowOrigin: preflight.headers["access-control-allow-origin"] ?? null };

  // The handoff: start (302 to the hosted page, the state in a cookie), then the return with
  // that cookie (confirmed with the provider, 303 to the result, the state marked used).
  const state = randomBytes(32).toString("base64url");
  const hosted = `${json(first).session_url}?redirect_url=${encodeURIComponent(`${returnUrl}?state=${state}`)}`;
  const started = await call("start", `${start}?handoff=${encodeURIComponent(hosted)}`);
  const cookie = started.setCookie[0]?.split(";")[0] ?? "";
  const back = await call("return", `${ret}?session_id=${encodeURIComponent(id ?? "none")}&status=success&state=${state}`, {
    headers: { Cookie: `theme=dark; ${cookie}` },
  });
  report.handoff = {
    start: { status: started.status, location: started.all.find(([n]) => n === "location")?.[1] ?? null, setCookie: started.setCookie },
    return: { status: back.status, location: back.all.find(([n]) => n === "location")?.[1] ?? null, setCookie: back.setCookie },
    reads: provider.reads(),
  };

  // A request-target `//evil.example/...`: the app's own origin must come from its Host, never
  // from the path (else that host's pages would pass the handler's same-origin check).
  const creates = provider.creates();
  const trick = await post("create at //evil.example/…", request, randomUUID(), { path: `//evil.example${api}/sessions`, origin: FOREIGN_ORIGIN });
  report.pathAuthority = {
    providerCalled: provider.creates() > creates,
    allowOrigin: trick.headers["access-control-allow-origin"] ?? null,
  };

  // Two creates with one new key at the same time (the browser's retry while the first is still
  // in flight), the provider slow to answer: one create reaches it, both get its answer.
  provider.delayCreates(300);
  const key2 = randomUUID();
  const both = await Promise.all([1, 2].map((n) => post(`concurrent create ${n}`, request, key2)));
  provider.delayCreates(0);
  report.concurrent = {
    statuses: both.map((a) => a.status),
    ids: both.map((a) => json(a).idv_id ?? null),
    creates: provider.creates() - creates,
  };

  // The API key, whole or its distinctive part, in no answer (status line, headers, body).
  const part = provider.apiKey.slice(-12);
  report.keyInAnswers = answers
    .filter((a) => `${a.status} ${a.statusText}\n${JSON.stringify(a.all)}\n${a.text}`.includes(part))
    .map((a) => a.label);

  // Run-specific values named, so that the report is the same for every app.
  const calls = answers.map((a) => `${a.label}: ${a.status}`);
  let text = JSON.stringify(report);
  for (const [value, name] of [
    [returnUrl, "{return}"],
    [encodeURIComponent(returnUrl), "{return, URL-encoded}"],
    [base, "{app}"],
    [state, "{state}"],
  ]) {
    text = text.split(value).join(name);
  }
  return { report: JSON.parse(text), calls };
}
