// The package's public API, in one list: every entry re-exports it once the wasm is ready.
//
// Each function hands its arguments to the wasm export of the same name, which checks them and
// answers or throws an IdvError (guard.js: a fault inside the wasm is recovered from).
import * as wasm from "./idv_handoff.js";
import { IdvError } from "./idv_error.js";
import { guardOf } from "./guard.js";

const { fault } = guardOf(wasm, IdvError);

export { IdvError };
export { openHandoffWindow } from "./idv_error.js";
export { createSession } from "./session.js";
export { awaitResult } from "./result.js";

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

