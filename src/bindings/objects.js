// The JavaScript objects the wasm bindings hand out. Built here, in one call each, so a result
// crosses the wasm boundary once and arrives as a plain object.

/** The one error type of idv-handoff: a real Error with a stable `code`. */
export class IdvError extends Error {
  constructor(code, message, field, param) {
    super(message);
    this.code = code;
    if (field !== undefined) this.field = field;
    if (param !== undefined) this.param = param;
  }
}
IdvError.prototype.name = "IdvError";

export function idvError(code, message, field, param) {
  return new IdvError(code, message, field, param);
}

export function callbackObject(provider, sessionId, status, reason, rawStatus, rawReason, state) {
  return { provider, sessionId, status, reason, rawStatus, rawReason, state };
}
