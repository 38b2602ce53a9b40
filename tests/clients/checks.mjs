// The checks every client app runs inside the runtime under test. No imports and no syntax newer
// than ES2020, so every bundler, test runner and runtime takes it as it is. The runner copies this
// file into each app as `checks.mjs` (and as `checks.cjs` for CommonJS apps); the expected values
// live in expected.mjs and are compared in the runner, never here.
//
// Usage in an app:
//   import { parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError } from "idv-handoff";
//   import { runChecks, showInPage } from "./checks.mjs";
//   showInPage(runChecks({ parseCallback, buildHandoffUrl, normalizeSessionRequest, IdvError }));

export const INPUTS = {
  callbackUrl: "https://yourapp.com/done?session_id=abc123&status=failed&reason=face_mismatch",
  handoffUrl: "https://app.deepidv.com/s/abc",
  handoffOptions: {
    redirectUrl: "https://yourapp.com/done",
    state: "s1",
    allowedRedirectOrigins: ["https://yourapp.com"],
  },
  sessionRequest: { firstName: "Jane", last_name: "Doe", email: "jane@example.com", phone: "+15551234567" },
  badCallback: "?status=success",
};

// Fields read one by one (a wasm-bindgen class would keep them in getters, which JSON skips).
const CALLBACK_FIELDS = ["provider", "sessionId", "status", "reason", "rawStatus", "rawReason"];

function describe(e) {
  if (e && typeof e === "object") {
    const out = { name: String(e.name), message: String(e.message) };
    if (e.code !== undefined) out.code = String(e.code);
    if (typeof e.stack === "string") out.stack = e.stack.split("\n").slice(0, 6).join("\n");
    return out;
  }
  return { name: typeof e, message: String(e) };
}

function toJson(value) {
  if (value === undefined) return { undefined: true };
  try {
    return JSON.parse(JSON.stringify(value));
  } catch (e) {
    return { unserializable: describe(e) };
  }
}

function attempt(fn) {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    return { ok: false, error: describe(e) };
  }
}

/** What the runtime looks like from inside (informational: tells a jsdom run from a node run). */
export function environment() {
  const g = globalThis;
  return {
    window: typeof g.window !== "undefined",
    document: typeof g.document !== "undefined",
    process: typeof g.process !== "undefined" && !!(g.process && g.process.versions && g.process.versions.node),
    deno: typeof g.Deno !== "undefined",
    bun: typeof g.Bun !== "undefined",
    edgeRuntime: typeof g.EdgeRuntime !== "undefined" ? String(g.EdgeRuntime) : null,
    userAgent: g.navigator && g.navigator.userAgent ? String(g.navigator.userAgent) : null,
  };
}

/** Runs every check against `api` (the package's exports) and returns a JSON-safe report. */
export function runChecks(api, extra) {
  const report = {};

  const parsed = attempt(() => api.parseCallback(INPUTS.callbackUrl));
  if (parsed.ok) {
    const fields = {};
    for (const k of CALLBACK_FIELDS) fields[k] = toJson(parsed.value[k]);
    report.parseCallback = { ok: true, value: fields, json: toJson(parsed.value) };
  } else report.parseCallback = parsed;

  const url = attempt(() => api.buildHandoffUrl(INPUTS.handoffUrl, INPUTS.handoffOptions));
  report.buildHandoffUrl = url.ok ? { ok: true, value: toJson(url.value) } : url;

  const normalized = attempt(() => api.normalizeSessionRequest(INPUTS.sessionRequest));
  report.normalizeSessionRequest = normalized.ok ? { ok: true, value: toJson(normalized.value) } : normalized;

  try {
    const value = api.parseCallback(INPUTS.badCallback);
    report.error = { threw: false, value: toJson(value) };
  } catch (e) {
    report.error = {
      threw: true,
      instanceOfIdvError: typeof api.IdvError === "function" ? e instanceof api.IdvError : "IdvError is not exported",
      instanceOfError: e instanceof Error,
      code: e && e.code,
      name: e && e.name,
      message: e && String(e.message),
    };
  }

  report.environment = environment();
  if (extra) Object.assign(report, extra);
  return report;
}

/** Browser apps: puts the report in <pre id="idv-result">, which the runner waits for. */
export function showInPage(report) {
  let el = document.getElementById("idv-result");
  if (!el) {
    el = document.createElement("pre");
    el.id = "idv-result";
    document.body.appendChild(el);
  }
  el.textContent = JSON.stringify(report);
}

/** Script apps: prints the report on one stdout line that the runner picks out. */
export function printResult(report) {
  console.log("IDV_RESULT " + JSON.stringify(report));
}
