// The wasm-opt flags of the shipped wasm, from scripts/wasm-opt.flags (one place for them; see
// there for why each is set).
import { readFileSync } from "node:fs";

export const WASM_OPT_FLAGS = readFileSync(new URL("./wasm-opt.flags", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line !== "" && !line.startsWith("#"));

/** The `--enable-*` flags alone: the wasm features wasm-opt must keep in any pass. */
export const WASM_FEATURES = WASM_OPT_FLAGS.filter((flag) => flag.startsWith("--enable-"));
