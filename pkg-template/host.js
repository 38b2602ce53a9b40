// What the wasm-bindgen glue needs from its host before it loads: TextEncoder and TextDecoder.
// Every browser, worker runtime, Node, Deno and Bun has both. jsdom (the `jsdom` test
// environments of Jest and Vitest) has neither, but runs inside Node: lend it Node's own.
if (typeof TextDecoder === "undefined" || typeof TextEncoder === "undefined") {
  const util = globalThis.process?.getBuiltinModule?.("node:util");
  if (util) {
    globalThis.TextDecoder ??= util.TextDecoder;
    globalThis.TextEncoder ??= util.TextEncoder;
  }
}
