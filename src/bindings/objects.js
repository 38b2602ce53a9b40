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

// parseCallback's options and input text in one crossing, no key strings to decode
// (bindings/callback.rs): `params` as its names (paramNames), the input as callbackInputText.
export function callbackOptionValues(options, input, maxLen) {
  const o = options ?? {};
  const s = (v) => (v == null ? undefined : typeof v == "string" ? v : null);
  return [s(o.provider), s(o.expectedSessionId), s(o.expectedState), paramNames(o.params), callbackInputText(input, maxLen)];
}

function callbackInputText(input, maxLen) {
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

// The options of every export but parseCallback, one crossing per call; then beginHandoff's
// and completeHandoff's host calls.

// The options named in `keys`, each behind its kind (s, a, b, n, w, p, m: see OptionValues in
// bindings/mod.rs): undefined when absent (undefined or null), null when of the wrong type. An
// array of strings comes back as a copy, each item read once; `params` names as paramNames.
export function optionValues(options, keys) {
  return keys.split(",").map((key) => {
    const value = options == null ? undefined : options[key.slice(1)];
    const kind = key[0];
    if (value == null) return undefined;
    if (kind == "m") return paramNames(value);
    if (kind == "a") {
      if (!Array.isArray(value)) return null;
      const items = [];
      for (let i = 0, n = value.length; i < n; i++) {
        const item = value[i];
        if (typeof item != "string") return null;
        items.push(item);
      }
      return items;
    }
    const type = kind == "b" ? "boolean" : kind == "n" || kind == "w" ? "number" : "string";
    // w: `>>> 0` keeps a whole number from 0 to 2 ** 32 - 1 as it is.
    return typeof value == type && (kind == "n" ? value > 0 : kind != "w" || value >>> 0 === value) ? value : null;
  });
}

// The record beginHandoff keeps in sessionStorage: JSON, so a person can inspect it in devtools.
const PENDING_KEY = "idv-handoff:pending";

// Keeps the pending handoff, then goes to `url` if given; false (and no navigation) when
// sessionStorage is unavailable.
export function keepPending(state, sessionId, url) {
  try {
    sessionStorage.setItem(PENDING_KEY, JSON.stringify({ state, sessionId, createdAt: Date.now() }));
  } catch {
    return false;
  }
  if (url !== undefined) location.assign(url);
  return true;
}

// Takes the pending handoff (one use: removed whatever follows) and reads the address:
// [href, state, sessionId, createdAt], each undefined when the record lacks it (a record that is
// not a JSON object reads as absent); null when sessionStorage is unavailable.
export function takePending() {
  let record;
  try {
    record = sessionStorage.getItem(PENDING_KEY);
  } catch {
    return null;
  }
  try {
    sessionStorage.removeItem(PENDING_KEY);
  } catch {}
  try {
    record = JSON.parse(record);
  } catch {}
  if (record === null || typeof record != "object") record = {};
  return [location.href, record.state, record.sessionId, record.createdAt];
}

// parseCallback and completeHandoff: the `params` option.

// The names of a `params` option: [sessionId, status, reason?] when each is a non-empty string
// (reason may be absent), null when one is not (read in order, up to the first bad one);
// undefined when `params` is absent.
function paramNames(params) {
  if (params == null) return undefined;
  const names = [];
  for (const key of ["sessionId", "status", "reason"]) {
    const name = params[key];
    if (key === "reason" && name == null) break;
    if (typeof name !== "string" || name === "") return null;
    names.push(name);
  }
  return names;
}
