// workerd (Cloudflare Workers, wrangler, Miniflare): the runtime refuses to compile wasm from
// bytes, so the .wasm is imported as a compiled WebAssembly.Module (wrangler's default rule).
import { initSync } from "./idv_handoff.js";
import wasmModule from "./idv_handoff_bg.wasm";

initSync({ module: wasmModule });

export * from "./api.js";
