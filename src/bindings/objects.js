// The JavaScript the wasm bindings import: the error class, and the browser facilities of
// beginHandoff and completeHandoff.

// `instanceof IdvError` asks for this brand rather than the prototype chain, so it holds across
// copies of the package (the ESM and CommonJS builds both loaded by one app) and across realms.
const BRAND = Symbol.for("idv-handoff.IdvError");

/** The one error type of idv-handoff: a real Error with a stable `code`. */
export class IdvError extends Error {
  static [Symbol.hasInstance](value) {
    return typeof value === "object" && value !== null && value[BRAND] === true;
  }

  /**
   * @param {string} code a stable snake_case code
   * @param {string} message
   * @param {{ field?: string, param?: string, status?: number, retryAfterMs?: number, cause?: unknown }} [details]
   */
  constructor(code, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    if (details.field !== undefined) this.field = details.field;
    if (details.param !== undefined) this.param = details.param;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}
IdvError.prototype.name = "IdvError";
Object.defineProperty(IdvError.prototype, BRAND, { value: true });

/** `value` if it is a string of at most `maxLength` UTF-16 units (src/bindings/args.rs). */
export function shortString(value, maxLength) {
  return typeof value === "string" && value.length <= maxLength ? value : undefined;
}

/**
 * A plain object (made by `{…}`, or with a null prototype): what options and requests must be
 * (src/bindings/args.rs). A Proxy whose getPrototypeOf trap throws is not one.
 */
export function isPlainObject(value) {
  if (typeof value !== "object" || value === null) return false;
  try {
    const prototype = Object.getPrototypeOf(value);
    return prototype === Object.prototype || prototype === null;
  } catch {
    return false;
  }
}

// beginHandoff and completeHandoff: the pending handoff is kept in sessionStorage (per tab) under
// one key, as JSON, so a person can read it in devtools.
const PENDING_KEY = "idv-handoff:pending";

export function keepPendingHandoff(record) {
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(record));
}

/** The record (one use: removed whatever follows); undefined when there is none or it is not JSON. */
export function takePendingHandoff() {
  const text = sessionStorage.getItem(PENDING_KEY);
  if (text === null) return undefined;
  sessionStorage.removeItem(PENDING_KEY);
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function currentAddress() {
  return String(location.href);
}

/** Removes the callback from the address bar without a navigation, keeping the page's state. */
export function replaceAddress(url) {
  history.replaceState(history.state, "", url);
}

export function navigateTo(url) {
  location.assign(url);
}
