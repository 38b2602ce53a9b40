// Browsers and bundlers (Vite, webpack, esbuild): instantiate the wasm at load with top-level
// await, so no caller ever has to call an init function.
import init from "./idv_handoff.js";

await init({ module_or_path: new URL("./idv_handoff_bg.wasm", import.meta.url) });

export * from "./api.js";
