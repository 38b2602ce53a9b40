// Vercel Edge and Next.js edge routes (the `edge-light` condition): like workerd, the runtime
// refuses to compile wasm from bytes; `?module` is how their bundlers import a compiled
// WebAssembly.Module.
import { initSync } from "./idv_handoff.js";
import wasmModule from "./idv_handoff_bg.wasm?module";

// Next's edge sandbox hands over a module made in another realm: a real WebAssembly.Module that
// fails `instanceof`, which the glue's initSync relies on (it would take it for bytes).
if (!(wasmModule instanceof WebAssembly.Module)) Object.setPrototypeOf(wasmModule, WebAssembly.Module.prototype);
initSync({ module: wasmModule });

export * from "./api.js";
