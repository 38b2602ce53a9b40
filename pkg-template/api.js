// The package's public API, in one list: every entry re-exports it once the wasm is ready.
//
// Each function hands its arguments to the wasm export of the same name, which checks them and
// answers or throws an IdvError. Anything else thrown out of the wasm is a fault inside it (a
// trap, or the host failing under it): the module then gets a fresh instance, so the next call
// works, and the caller gets an IdvError "internal_error" with the fault as its `cause`.
import * as wasm from "./idv_handoff.js";
import { IdvError } from "./idv_error.js";
import { createSession as createSessionWith } from "./session.js";

export { IdvError };

export function parseCallback(input, options) {
  try {
    return wasm.parseCallback(input, options);
  } catch (e) {
    throw fault(e);
  }
}

export function buildHandoffUrl(sessionUrl, options) {
  try {
    return wasm.buildHandoffUrl(sessionUrl, options);
  } catch (e) {
    throw fault(e);
  }
}

export function buildReturnUrl(redirectUrl, options) {
  try {
    return wasm.buildReturnUrl(redirectUrl, options);
  } catch (e) {
    throw fault(e);
  }
}

export function createState() {
  try {
    return wasm.createState();
  } catch (e) {
    throw fault(e);
  }
}

export function beginHandoff(sessionUrl, options) {
  try {
    return wasm.beginHandoff(sessionUrl, options);
  } catch (e) {
    throw fault(e);
  }
}

export function completeHandoff(options) {
  try {
    return wasm.completeHandoff(options);
  } catch (e) {
    throw fault(e);
  }
}

export function normalizeSessionRequest(request, options) {
  try {
    return wasm.normalizeSessionRequest(request, options);
  } catch (e) {
    throw fault(e);
  }
}

export function createSession(proxyUrl, request, options) {
  return createSessionWith(
    {
      plan: (...args) => guarded(wasm.createSessionPlan, args),
      step: (...args) => guarded(wasm.createSessionStep, args),
    },
    proxyUrl,
    request,
    options,
  );
}

function guarded(fn, args) {
  try {
    return fn(...args);
  } catch (e) {
    throw fault(e);
  }
}

/** The error to throw for `e`, thrown by a wasm export: an IdvError as it is, else a fault. */
function fault(e) {
  if (e instanceof IdvError) return e;
  try {
    wasm.__wbg_reset_state();
  } catch {
    // Not even a fresh instance could be made (the host is out of memory): the next call tries
    // again.
  }
  return new IdvError("internal_error", "idv-handoff failed inside its WebAssembly module and has recovered", {
    cause: e,
  });
}
