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

// parseCallback's options in one crossing, no key strings to decode (bindings/callback.rs).
export function callbackOptionValues(options) {
  return options == null ? undefined : [options.provider, options.expectedSessionId, options.expectedState, options.params];
}

export function callbackInputText(input, maxLen) {
  if (typeof input === "string") return input.length > maxLen ? null : input;
  if (input instanceof URL) return input.search;
  if (input instanceof URLSearchParams) return input.toString();
  return undefined;
}

// The Session: one shape for every provider; keys without a value are left out. `text` is the
// answer the core read and checked (valid JSON for JSON.parse: no try needed).
export function sessionObject(id, sessionUrl, externalId, expiresAt, qrCodeDataUrl, text, withLinks) {
  const raw = JSON.parse(text);
  const session = { id, sessionUrl };
  if (externalId !== undefined) session.externalId = externalId;
  if (withLinks) session.links = raw.links === undefined ? [] : raw.links;
  if (expiresAt !== undefined) session.expiresAt = expiresAt;
  if (qrCodeDataUrl !== undefined) session.qrCodeDataUrl = qrCodeDataUrl;
  session.raw = raw;
  return session;
}

// The plan createSession follows (pkg-template/session.js); `provider` is an index, passed back
// to each step with the retry policy.
export function sessionPlan(url, body, key, apiVersion, timeoutMs, maxRetries, maxDelayMs, provider, allowInsecureLocalhost) {
  const headers = { "Content-Type": "application/json", "Idempotency-Key": key };
  if (apiVersion !== undefined) headers["Verifa-Version"] = apiVersion;
  return { url, body, headers, timeoutMs, maxRetries, maxDelayMs, provider, allowInsecureLocalhost };
}
