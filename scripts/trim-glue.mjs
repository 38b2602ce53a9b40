// Removes two pieces of the wasm-bindgen glue that no caller of this package can reach
// (about 70 bytes gzip of the browser entry, measured when added):
// - passStringToWasm0's branch for a missing `realloc`: every call here passes one;
// - the TextEncoder `encodeInto` polyfill: every runtime the package supports has it
//   (browsers since 2020, Node 12, workerd).
// Each piece must be found exactly once as written by the pinned wasm-bindgen, or the build fails:
// a wasm-bindgen upgrade that changes them is looked at, not half-trimmed.
//
// usage: node scripts/trim-glue.mjs <glue .js, rewritten in place>
import { readFileSync, writeFileSync } from "node:fs";

const [gluePath] = process.argv.slice(2);
if (!gluePath) throw new Error("usage: trim-glue.mjs <glue.js>");
let glue = readFileSync(gluePath, "utf8");

const calls = glue.match(/passStringToWasm0\([^)]*\)/g) ?? [];
const withoutRealloc = calls.filter((call) => call.split(",").length !== 3);
if (calls.length === 0 || withoutRealloc.length > 0) {
  throw new Error(`trim-glue: passStringToWasm0 called without realloc: ${withoutRealloc}`);
}

const remove = (piece, what) => {
  const at = glue.indexOf(piece);
  if (at < 0 || glue.indexOf(piece, at + 1) >= 0) {
    throw new Error(`trim-glue: ${what} not found exactly once in ${gluePath}`);
  }
  glue = glue.slice(0, at) + glue.slice(at + piece.length);
};

remove(`    if (realloc === undefined) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr;
    }
`, "passStringToWasm0's branch without realloc");

remove(`if (!('encodeInto' in cachedTextEncoder)) {
    cachedTextEncoder.encodeInto = function (arg, view) {
        const buf = cachedTextEncoder.encode(arg);
        view.set(buf);
        return {
            read: arg.length,
            written: buf.length
        };
    };
}
`, "the encodeInto polyfill");

writeFileSync(gluePath, glue);
