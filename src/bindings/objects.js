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
   * @param {{ field?: string, param?: string, status?: number, retryAfterMs?: number, errors?: object[], cause?: unknown }} [details]
   */
  constructor(code, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    if (details.field !== undefined) this.field = details.field;
    if (details.param !== undefined) this.param = details.param;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.errors !== undefined) this.errors = details.errors;
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
// one key, as JSON, so a person can read it in devtools. Once taken, its state stays under a
// second key: a return with that state again is a replay, not another device.
const PENDING_KEY = "idv-handoff:pending";
const USED_KEY = "idv-handoff:used";

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

/** Remembers the state of the handoff this tab is completing (a whole record's). */
export function markHandoffUsed(state) {
  sessionStorage.setItem(USED_KEY, state);
}

/** The state of the last handoff this tab completed, if any. */
export function usedHandoffState() {
  return sessionStorage.getItem(USED_KEY) ?? undefined;
}

/**
 * Browser only: opens a blank tab now, in the click's own task (Safari blocks a window opened
 * after an `await`), to be sent to the hosted page once the session is known. `navigate(url)`
 * moves this tab's pending handoff into the new tab (same origin while blank) and sends it
 * there; when the tab was blocked or has been closed, this tab goes instead. `close()` for a
 * session that could not be created.
 */
export function openHandoffWindow() {
  let tab = null;
  try {
    tab = window.open("", "_blank");
  } catch {
    tab = null;
  }
  return {
    get opened() {
      return tab !== null && !tab.closed;
    },
    navigate(url) {
      // A string or a URL, as everywhere in the package (the core's codes and messages).
      if (typeof url !== "string" && !(url instanceof URL)) {
        throw new IdvError("invalid_input", "an argument is not of a type this function takes", { field: "url" });
      }
      let target;
      try {
        target = new URL(String(url), location.href);
      } catch {
        throw new IdvError("invalid_url", "the URL does not parse as an absolute URL", { field: "url" });
      }
      // Only the hosted page (https) or this site (the server half's start route).
      if (target.protocol !== "https:" && target.origin !== location.origin) {
        throw new IdvError("insecure_url", "the URL must use https", { field: "url" });
      }
      if (tab === null || tab.closed) {
        location.assign(target.href);
        return "same-tab";
      }
      const record = sessionStorage.getItem(PENDING_KEY);
      if (record !== null) {
        try {
          tab.sessionStorage.setItem(PENDING_KEY, record);
          sessionStorage.removeItem(PENDING_KEY);
        } catch {
          // Kept here: a return to this tab still completes.
        }
      }
      // The hosted page gets no handle on this one (reverse tabnabbing).
      tab.opener = null;
      tab.location.replace(target.href);
      return "new-tab";
    },
    close() {
      if (tab !== null && !tab.closed) tab.close();
      tab = null;
    },
  };
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
