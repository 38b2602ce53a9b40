// Browsers and bundlers (Vite, webpack, esbuild): instantiate the wasm at load with top-level
// await, so no caller ever has to call an init function.
//
// Compiled as it streams in, then instantiated by the glue's initSync (a module this small is far
// below any engine's limit for synchronous instantiation): this keeps the glue's async loader,
// 0.3 KB gzip, out of the bundle. Streaming needs the `application/wasm` type; a server that
// sends another one still works, through a plain second fetch.
import { initSync } from "./idv_handoff.js";

const url = new URL("./idv_handoff_bg.wasm", import.meta.url);
const module = await WebAssembly.compileStreaming(fetch(url)).catch(async () => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`idv-handoff: ${url} answered ${response.status}`);
  return WebAssembly.compile(await response.arrayBuffer());
});
initSync({ module });

export * from "./api.js";
