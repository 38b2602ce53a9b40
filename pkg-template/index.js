// The default entry: browsers and every bundler (Vite, webpack, Rollup, esbuild, Parcel, Next.js),
// Node (import and require), Deno, Bun, Jest and Vitest.
//
// The wasm is inlined and compiled synchronously at load: no second file for a host or bundler
// to serve, no fetch, no file-system read (so Deno needs no permission) and no top-level await
// (so `require` and every bundler's output work). README.md ("Entries") says what it costs.
import "./host.js";
import { initSync } from "./idv_handoff.js";
import wasmText from "./idv_handoff_bg.wasm.js";
import { bytesOf } from "./wasm-text.js";

initSync({ module: new WebAssembly.Module(bytesOf(wasmText)) });

export * from "./api.js";
