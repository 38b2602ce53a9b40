// Values: exactly what api.js exports. Types: every declaration of the wasm module's .d.ts
// (type-only, so its internals such as initSync cannot be used as values from here).
export {
  parseCallback,
  buildHandoffUrl,
  buildReturnUrl,
  createState,
  beginHandoff,
  completeHandoff,
  normalizeSessionRequest,
  createSession,
  IdvError,
} from "./idv_handoff.js";
export type * from "./idv_handoff.js";
