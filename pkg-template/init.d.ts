export { default, initSync } from "./idv_handoff.js";
export * from "./index.js";
