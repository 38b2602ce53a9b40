// workerd (Cloudflare Workers, Miniflare, wrangler): the runtime refuses to compile wasm from
// bytes at run time, so the .wasm is imported as a compiled WebAssembly.Module.
import wasm from "./idv_handoff_bg.wasm";
import { initSync } from "./idv_handoff.js";

initSync({ module: wasm });

export * from "./api.js";
