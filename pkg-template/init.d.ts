// idv-handoff/init: the same API, for those who serve the .wasm themselves. Call `init` (or
// `initSync`) once, before anything else.
export * from "./index.js";

/** Where the wasm comes from: its URL (or a Response, or its bytes, or a compiled module). */
export type WasmSource = string | URL | Response | ArrayBuffer | ArrayBufferView | object;

/**
 * Fetches (or takes) the wasm and instantiates it. With no argument, fetches
 * `idv_handoff_bg.wasm` next to this module.
 */
export default function init(input?: { module_or_path?: WasmSource | Promise<WasmSource> }): Promise<unknown>;

/** Instantiates the wasm from its bytes or a compiled module, synchronously. */
export function initSync(input: { module: ArrayBuffer | ArrayBufferView | object }): unknown;
