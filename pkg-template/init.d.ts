export { default } from "./idv_handoff.js";
export * from "./idv_handoff.js";
