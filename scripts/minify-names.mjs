// Shortens the wasm's import, export and module names (wasm-opt) and rewrites the wasm-bindgen
// glue to match, so neither file carries names like `__wbg_callbackObject_80cc815a947aff10`.
// About 2 KB raw / 1 KB gzip of the browser entry (measured when it was added).
//
// usage: node scripts/minify-names.mjs <optimized .wasm, rewritten in place> <glue .js, rewritten>
//        [--keep-names: keep the function names section, for twiggy]
//
// Every name in wasm-opt's mapping must be found in the glue, and every `wasm.<export>` the glue
// uses must be in the mapping: a wasm-bindgen upgrade that writes its glue differently fails the
// build here instead of shipping a module that cannot link.
import { execFileSync } from "node:child_process";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { WASM_FEATURES } from "./wasm-opt-flags.mjs";

const [wasmPath, gluePath, flag] = process.argv.slice(2);
if (!wasmPath || !gluePath || (flag !== undefined && flag !== "--keep-names")) {
  throw new Error("usage: minify-names.mjs <wasm> <glue.js> [--keep-names]");
}
const keepNames = flag === "--keep-names";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const output = `${wasmPath}.min`;
const mapping = JSON.parse(
  execFileSync(resolve(root, "node_modules/.bin/wasm-opt"), [
    // `--keep-names` (bench/size.mjs's named build) keeps the function names for twiggy; without
    // it the names section goes, as in the shipped wasm (-g alone adds about 300 bytes).
    ...WASM_FEATURES, ...(keepNames ? ["-g"] : []), "--minify-imports-and-exports-and-modules", wasmPath, "-o", output,
  ], { encoding: "utf8" }),
);

const module = new WebAssembly.Module(readFileSync(output));
const modules = new Set(WebAssembly.Module.imports(module).map((i) => i.module));
if (modules.size !== 1) throw new Error(`expected one import module, got ${[...modules]}`);
const [moduleName] = modules;

let glue = readFileSync(gluePath, "utf8");
const replaceAll = (pattern, replacement, what) => {
  const before = glue;
  glue = glue.replace(pattern, replacement);
  if (glue === before) throw new Error(`minify-names: ${what} not found in ${gluePath}`);
};

// Imports: object keys of the glue's import object, unique hashed identifiers.
const oldModules = new Set();
for (const [oldModule, name, short] of mapping.imports) {
  oldModules.add(oldModule);
  replaceAll(new RegExp(`(?<![\\w$])${name}(?=\\s*:)`, "g"), short, `import ${name}`);
}
for (const oldModule of oldModules) {
  replaceAll(JSON.stringify(oldModule), JSON.stringify(moduleName), `module ${oldModule}`);
}

// Exports: always read as `wasm.<name>`.
const exports = new Map(mapping.exports);
glue = glue.replace(/(?<![\w$])wasm\.([\w$]+)/g, (_, name) => {
  const short = exports.get(name);
  if (short === undefined) throw new Error(`minify-names: the glue uses export ${name}, unknown to wasm-opt`);
  return `wasm.${short}`;
});

writeFileSync(gluePath, glue);
renameSync(output, wasmPath);
