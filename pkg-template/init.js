// Manual initialisation, for those who serve the .wasm themselves (a CDN, a strict CSP that
// forbids inlined code, a custom fetch):
//
//   import init, { parseCallback } from "idv-handoff/init";
//   await init({ module_or_path: "/assets/idv_handoff_bg.wasm" });
//
// `init()` with no argument fetches idv_handoff_bg.wasm next to this module. Call nothing else
// before its promise resolves (or call `initSync` with the bytes or a compiled module).
import "./host.js";
import initWasm from "./idv_handoff.js";

export { initSync } from "./idv_handoff.js";
export * from "./api.js";

export default function init(input) {
  return initWasm(input ?? { module_or_path: new URL("./idv_handoff_bg.wasm", import.meta.url) });
}
