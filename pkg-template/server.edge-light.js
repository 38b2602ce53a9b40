// idv-handoff/server on Vercel Edge and in Next.js edge routes: `?module`, as
// index.edge-light.js does for the client's wasm.
import { initSync } from "./server/idv_handoff.js";
import wasmModule from "./server/idv_handoff_bg.wasm?module";

// Next's edge sandbox hands over a module made in another realm (see index.edge-light.js).
if (!(wasmModule instanceof WebAssembly.Module)) Object.setPrototypeOf(wasmModule, WebAssembly.Module.prototype);
initSync({ module: wasmModule });

export { createIdvHandler, memoryStore, durableObjectStore, IdvIdempotencyStore } from "./server-handler.js";
export { IdvError } from "./server/idv_error.js";
