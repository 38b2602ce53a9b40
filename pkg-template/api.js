// The package's public API, in one list: every entry re-exports it once the wasm is ready.
export {
  parseCallback,
  buildHandoffUrl,
  buildReturnUrl,
  createState,
  beginHandoff,
  completeHandoff,
  normalizeSessionRequest,
} from "./idv_handoff.js";
export { createSession } from "./session.js";
export { IdvError } from "./idv_error.js";
