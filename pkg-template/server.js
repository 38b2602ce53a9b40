// idv-handoff/server, the default entry (Node, Deno, Bun, and bundlers for a server): the
// server half's wasm inlined and compiled at load, as index.js does for the client's.
import "./host.js";
import { initSync } from "./server/idv_handoff.js";
import wasmText from "./server/idv_handoff_bg.wasm.js";
import { bytesOf } from "./wasm-text.js";

initSync({ module: new WebAssembly.Module(bytesOf(wasmText)) });

export { createIdvHandler, memoryStore, durableObjectStore, IdvIdempotencyStore } from "./server-handler.js";
export { IdvError } from "./server/idv_error.js";
