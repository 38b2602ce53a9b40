// The JavaScript objects the wasm bindings hand out. Built here, in one call each, so a result
// crosses the wasm boundary once and arrives as a plain object.

/** The one error type of idv-handoff: a real Error with a stable `code`. */
export class IdvError extends Error {
  constructor(code, message, field, param, status, retryAfterMs) {
    super(message);
    this.code = code;
    if (field !== undefined) this.field = field;
    if (param !== undefined) this.param = param;
    if (status !== undefined) this.status = status;
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}
IdvError.prototype.name = "IdvError";

export function idvError(code, message, field, param, status, retryAfterMs) {
  return new IdvError(code, message, field, param, status, retryAfterMs);
}

// Seven fields joined by U+001F (see bindings/callback.rs); an empty optional field is absent.
export function callbackObject(fields) {
  const [provider, sessionId, status, reason, rawStatus, rawReason, state] = fields.split("\x1f");
  return {
    provider,
    sessionId,
    status,
    reason: reason || undefined,
    rawStatus,
    rawReason: rawReason || undefined,
    state: state || undefined,
  };
}

// The record beginHandoff keeps in sessionStorage, and its reading back: JSON, so a person can
// inspect it in devtools. A record that does not parse reads as absent.
export function encodePending(state, sessionId) {
  return JSON.stringify({ state, sessionId, createdAt: Date.now() });
}

export function decodePending(text) {
  try {
    const record = JSON.parse(text);
    return record !== null && typeof record === "object" ? record : undefined;
  } catch {
    return undefined;
  }
}

// Removes the callback from the address bar without a navigation, keeping the page's own
// history state.
export function replaceAddress(url) {
  history.replaceState(history.state, "", url);
}

// The host's own WHATWG parser, with no base: relative input does not parse.
export function canonicalUrl(input) {
  try {
    return new URL(input).href;
  } catch {
    return undefined;
  }
}

export function option(options, key) {
  return options == null ? undefined : options[key];
}

// parseCallback's options and input text in one crossing, no key strings to decode
// (bindings/callback.rs): `params` as its names (paramNames), the input as callbackInputText.
export function callbackOptionValues(options, input, maxLen) {
  const o = options ?? {};
  return [o.provider, o.expectedSessionId, o.expectedState, paramNames(o.params), callbackInputText(input, maxLen)];
}

function callbackInputText(input, maxLen) {
  if (typeof input === "string") return input.length > maxLen ? null : input;
  if (input instanceof URL) return input.search;
  if (input instanceof URLSearchParams) return input.toString();
  return undefined;
}

// The Session: one shape for every provider; keys without a value are left out.
export function sessionObject(id, sessionUrl, externalId, links, expiresAt, qrCodeDataUrl, raw) {
  const session = { id, sessionUrl };
  if (externalId !== undefined) session.externalId = externalId;
  if (links !== undefined) session.links = links;
  if (expiresAt !== undefined) session.expiresAt = expiresAt;
  if (qrCodeDataUrl !== undefined) session.qrCodeDataUrl = qrCodeDataUrl;
  session.raw = raw;
  return session;
}

export function sessionPlan(url, body, key, apiVersion, timeoutMs, maxRetries, maxDelayMs, provider, allowInsecureLocalhost) {
  const headers = { "Content-Type": "application/json", "Idempotency-Key": key };
  if (apiVersion !== undefined) headers["Verifa-Version"] = apiVersion;
  return { url, body, headers, timeoutMs, maxRetries, maxDelayMs, provider, allowInsecureLocalhost };
}

// Helper A (callback).

// The names of a `params` option: [sessionId, status, reason?] when each is a non-empty string
// (reason may be absent), false when one is not (read in order, up to the first bad one); an
// absent `params` as it is.
function paramNames(params) {
  if (params == null) return params;
  const names = [];
  for (const key of ["sessionId", "status", "reason"]) {
    const name = params[key];
    if (key === "reason" && name == null) break;
    if (typeof name !== "string" || name === "") return false;
    names.push(name);
  }
  return names;
}
