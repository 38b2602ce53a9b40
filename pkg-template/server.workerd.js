// idv-handoff/server in workerd: the server half's .wasm imported as a compiled module (workerd
// refuses to compile bytes), as index.workerd.js does for the client's.
import { initSync } from "./server/idv_handoff.js";
import wasmModule from "./server/idv_handoff_bg.wasm";

initSync({ module: wasmModule });

export { createIdvHandler, memoryStore, durableObjectStore, IdvIdempotencyStore } from "./server-handler.js";
export { IdvError } from "./server/idv_error.js";
