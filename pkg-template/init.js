// Manual initialisation, for hosts where the wasm must come from elsewhere (a CDN, a custom
// fetch, a strict CSP): `import init, { parseCallback } from "idv-handoff/init"; await init();`.
export { default, initSync } from "./idv_handoff.js";
export * from "./api.js";
