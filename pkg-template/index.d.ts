export * from "./idv_handoff.js";
