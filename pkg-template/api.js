// The package's public API, in one list: every entry re-exports it once the wasm is ready.
//
// Each function hands its arguments to the wasm export of the same name, which checks them and
// answers or throws an IdvError (guard.js: a fault inside the wasm is recovered from).
import * as wasm from "./idv_handoff.js";
import { IdvError } from "./idv_error.js";
import { guardOf } from "./guard.js";

const { call } = guardOf(wasm, IdvError);

export { IdvError };
export { openHandoffWindow } from "./idv_error.js";
export { createSession } from "./session.js";
export { awaitResult } from "./result.js";

export function parseCallback(input, options) {
  return call(wasm.parseCallback, input, options);
}

export function buildHandoffUrl(sessionUrl, options) {
  return call(wasm.buildHandoffUrl, sessionUrl, options);
}

export function buildReturnUrl(redirectUrl, options) {
  return call(wasm.buildReturnUrl, redirectUrl, options);
}

export function createState() {
  return call(wasm.createState);
}

export function beginHandoff(sessionUrl, options) {
  return call(wasm.beginHandoff, sessionUrl, options);
}

export function completeHandoff(options) {
  return call(wasm.completeHandoff, options);
}

export function normalizeSessionRequest(request, options) {
  return call(wasm.normalizeSessionRequest, request, options);
}

