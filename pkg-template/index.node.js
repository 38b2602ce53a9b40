// Node (import, and require on Node >= 20.19): compile the wasm synchronously from the file,
// so the module has no top-level await and `require("idv-handoff")` works too.
import { readFileSync } from "node:fs";
import { initSync } from "./idv_handoff.js";

initSync({ module: readFileSync(new URL("./idv_handoff_bg.wasm", import.meta.url)) });

export * from "./api.js";
