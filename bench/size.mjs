// Part 1 of `make bench`, bytes: the default browser entry as esbuild bundles it (the budget),
// what each entry of the package loads, the npm packages users would pick instead bundled the
// same way, the bytes per bundler recorded by the client layer (tests/clients), and where the
// wasm bytes go (twiggy, written to bench/twiggy.txt).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";
import { resolvePackageFrom } from "./pkg.mjs";

/** What an app's browser bundle imports: everything it would use, exported so none is shaken off. */
export const BROWSER_IMPORTS = [
  "parseCallback",
  "buildHandoffUrl",
  "createSession",
  "beginHandoff",
  "completeHandoff",
  "normalizeSessionRequest",
  "awaitResult",
  "openHandoffWindow",
];
const BROWSER_ENTRY = `import { ${BROWSER_IMPORTS.join(", ")} } from "idv-handoff";\nexport { ${BROWSER_IMPORTS.join(", ")} };\n`;

/**
 * The package's entries: the subpath and the export conditions a runtime or bundler resolves it
 * with (Node's algorithm on package.json "exports"), and how that entry gets the wasm.
 */
const ENTRIES = [
  { name: "default", subpath: ".", conditions: ["browser", "import"], wasm: "inlined in idv_handoff_bg.wasm.js" },
  { name: "workerd", subpath: ".", conditions: ["workerd", "worker", "browser", "import"], wasm: "imported .wasm module" },
  { name: "edge-light", subpath: ".", conditions: ["edge-light", "browser", "import"], wasm: "imported .wasm?module" },
  { name: "cjs", subpath: ".", conditions: ["node", "require"], wasm: "inlined" },
  { name: "init", subpath: "./init", conditions: ["browser", "import"], wasm: "fetched .wasm file" },
];

/**
 * What users would pick instead, each importing what an app would use: the providers' own web
 * SDKs, and oauth4webapi, the closest general-purpose library for validating a redirect callback
 * (the part 3 comparison; its callback check, and the whole module).
 */
const ALTERNATIVES = [
  { pkg: "oauth4webapi", imports: "validateAuthResponse, generateRandomState" },
  { pkg: "oauth4webapi", imports: "*" },
  { pkg: "persona", imports: "Client" },
  { pkg: "@didit-protocol/sdk-web", imports: "DiditSdk" },
  { pkg: "@veriff/incontext-sdk", imports: "createVeriffFrame" },
];

/** Bytes raw, gzip -9 and brotli (quality 11), as Node's zlib makes them. */
export function compressedSizes(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}

const sum = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });
const ZERO = { raw: 0, gzip: 0, brotli: 0 };

/** The file `subpath` of the package resolves to under `conditions` (Node's exports algorithm). */
function exportTarget(manifest, subpath, conditions) {
  const active = new Set([...conditions, "default"]);
  const pick = (target) => {
    if (typeof target === "string") return target;
    if (target === null || typeof target !== "object") return undefined;
    for (const [key, value] of Object.entries(target)) {
      if (key === "types" || !active.has(key)) continue;
      const found = pick(value);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const exportsField = manifest.exports;
  const target = typeof exportsField === "string" || !(subpath in (exportsField ?? {})) ? undefined : pick(exportsField[subpath]);
  if (!target) throw new Error(`package.json exports has no ${subpath} for ${conditions.join(", ")}`);
  return target.replace(/^\.\//, "");
}

/**
 * The files an entry loads (its module graph as esbuild resolves it, every file compressed on
 * its own, as a runtime fetches or reads them unbundled) and the .wasm if it is a file of its own.
 */
async function entrySize(pkgDir, manifest, entry) {
  const file = exportTarget(manifest, entry.subpath, entry.conditions);
  const { metafile } = await build({
    entryPoints: [join(pkgDir, file)],
    absWorkingDir: pkgDir,
    bundle: true,
    write: false,
    metafile: true,
    format: file.endsWith(".cjs") ? "cjs" : "esm",
    platform: "neutral",
    external: ["*.wasm", "*.wasm?module", "node:*"],
    logLevel: "silent",
  });
  const files = Object.keys(metafile.inputs).sort();
  const js = files.map((f) => compressedSizes(readFileSync(join(pkgDir, f)))).reduce(sum, ZERO);
  const importsWasm = Object.values(metafile.inputs).some((i) => i.imports.some((imp) => /\.wasm(\?module)?$/.test(imp.path)));
  const separateWasm = importsWasm || entry.wasm.startsWith("fetched");
  const wasm = separateWasm ? compressedSizes(readFileSync(join(pkgDir, "idv_handoff_bg.wasm"))) : ZERO;
  return {
    name: entry.name,
    file,
    wasmHow: entry.wasm,
    files: separateWasm ? [...files, "idv_handoff_bg.wasm"] : files,
    js,
    wasm,
    total: sum(js, wasm),
  };
}

/** One browser bundle of `contents`, esbuild --bundle --minify --format=esm --platform=browser. */
async function bundle(contents, resolveDir, plugins = []) {
  const result = await build({
    stdin: { contents, resolveDir, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    metafile: true,
    plugins,
    logLevel: "silent",
  });
  return { bytes: result.outputFiles[0].contents, metafile: result.metafile };
}

async function alternativeSize({ pkg, imports }, benchDir) {
  const manifest = join(benchDir, "node_modules", pkg, "package.json");
  const row = { pkg, imports };
  if (!existsSync(manifest)) return { ...row, error: "not installed: missing from bench/node_modules" };
  row.version = JSON.parse(readFileSync(manifest, "utf8")).version;
  const entry = imports === "*" ? `export * from "${pkg}";` : `export { ${imports} } from "${pkg}";`;
  try {
    return { ...row, js: compressedSizes((await bundle(entry, benchDir)).bytes) };
  } catch (e) {
    return { ...row, error: `not bundlable: ${(e.errors?.[0]?.text ?? String(e)).split("\n")[0]}` };
  }
}

/**
 * Bytes per bundler, as the client layer (`node tests/clients/run.mjs`) recorded them in
 * target/clients/results.json: per page check, the JS and wasm the page loaded (the app's own
 * code and framework included), each file gzip -9 / brotli on its own. Not rebuilt here.
 */
function clientBytes(root, pkgDir) {
  const file = join(root, "target/clients/results.json");
  if (!existsSync(file)) return { missing: "run the client layer first (node tests/clients/run.mjs)" };
  const results = JSON.parse(readFileSync(file, "utf8"));
  const rows = [];
  for (const stack of results.stacks ?? []) {
    for (const check of stack.checks ?? []) {
      if (!check.bytes) continue;
      rows.push({
        stack: stack.stack,
        check: check.name,
        ok: check.ok,
        files: check.bytes.files?.length ?? 0,
        total: { raw: check.bytes.raw, gzip: check.bytes.gzip, brotli: check.bytes.brotli },
        wasm: check.bytes.wasm,
      });
    }
  }
  // Whether the tarball those stacks ran is the package measured here: same files, same sizes.
  const theirs = results.tarball?.files ?? [];
  const differing = theirs.filter((f) => {
    const path = join(pkgDir, f.path);
    return f.path !== "package.json" && (!existsSync(path) || statSync(path).size !== f.bytes);
  });
  return {
    date: results.date,
    tarball: results.tarball?.path,
    samePackage: theirs.length > 0 && differing.length === 0,
    differingFiles: differing.map((f) => f.path),
    rows,
  };
}

export async function measureSizes({ root, pkgDir, benchDir, resolveDir }) {
  const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const entries = [];
  for (const entry of ENTRIES) entries.push(await entrySize(pkgDir, manifest, entry));

  // The budget: the default entry bundled for the browser, as an app imports it.
  const { bytes, metafile } = await bundle(BROWSER_ENTRY, resolveDir, [resolvePackageFrom(resolveDir)]);
  const output = Object.values(metafile.outputs)[0];
  const inlined = Object.entries(output.inputs).find(([path]) => path.endsWith("idv_handoff_bg.wasm.js"));
  const wasmFile = compressedSizes(readFileSync(join(pkgDir, "idv_handoff_bg.wasm")));
  const browserBundle = {
    entry: BROWSER_ENTRY,
    command: "esbuild --bundle --minify --format=esm --platform=browser",
    ...compressedSizes(bytes),
    // How many of its raw bytes are the wasm as a string literal, and the .wasm file beside it.
    inlinedWasmRaw: inlined?.[1].bytesInOutput ?? 0,
    wasmFile,
  };

  const alternatives = [];
  for (const alt of ALTERNATIVES) alternatives.push(await alternativeSize(alt, benchDir));
  return { browserBundle, entries, alternatives, clients: clientBytes(root, pkgDir) };
}

// ---- twiggy ----

/** The kind of a `twiggy top` item of a wasm without a name section. */
function kindOf(name) {
  if (name.startsWith("code[")) return "code (function bodies)";
  if (name.startsWith("data[")) return "data segments (strings, tables, panic locations)";
  if (name.startsWith("import ")) return "import names (the glue's functions, as the module names them)";
  if (name.startsWith("export ")) return "export names";
  if (name.startsWith("custom section")) return `${name}`;
  return "types, table, elements, globals, section headers";
}

/** Printable runs of at least `min` bytes in the wasm (mostly the data segments' strings). */
function strings(bytes, min) {
  const found = [];
  let start = -1;
  for (let i = 0; i <= bytes.length; i++) {
    const printable = i < bytes.length && bytes[i] >= 0x20 && bytes[i] < 0x7f;
    if (printable && start < 0) start = i;
    if (!printable && start >= 0) {
      if (i - start >= min) found.push(Buffer.from(bytes.subarray(start, i)).toString("latin1"));
      start = -1;
    }
  }
  return found.sort((a, b) => b.length - a.length);
}

function table(rows) {
  const width = Math.max(...rows.map(([, label]) => label.length));
  return rows.map(([bytes, label, share]) => `${String(bytes).padStart(7)}  ${label.padEnd(width)}  ${share}`).join("\n");
}

/**
 * Where the bytes of the shipped .wasm go, written to `outFile`: by kind of item, the largest
 * items and the longest strings. The shipped module has no name section, so functions show as
 * code[N]: naming them needs the build rebuilt with names (wasm-bindgen --keep-debug on the
 * cargo build's output), which this bench does not do (it never runs cargo): that breakdown by
 * Rust module is for whoever builds the package. Returns the summary by kind, or { skipped }.
 */
export function twiggyReport({ pkgDir, outFile }) {
  const wasmPath = join(pkgDir, "idv_handoff_bg.wasm");
  const twiggy = (...args) => execFileSync("twiggy", [...args, wasmPath], { encoding: "utf8", maxBuffer: 1 << 26 });
  let items;
  try {
    items = JSON.parse(twiggy("top", "--format", "json"));
  } catch (e) {
    return { skipped: `twiggy failed or is not installed (${String(e.message).split("\n")[0]})` };
  }
  const shipped = readFileSync(wasmPath);
  const kinds = new Map();
  for (const item of items) kinds.set(kindOf(item.name), (kinds.get(kindOf(item.name)) ?? 0) + item.shallow_size);
  const byKind = [...kinds].sort((a, b) => b[1] - a[1]).map(([kind, bytes]) => ({ kind, bytes }));
  const pct = (n) => `${((100 * n) / shipped.length).toFixed(1)}%`;
  const imports = items.filter((i) => i.name.startsWith("import "));
  const text = [
    "idv-handoff: where the wasm bytes go (written by `make bench`, bench/size.mjs)",
    "",
    `Measured: ${wasmPath}, ${shipped.length} bytes (gzip -9 ${compressedSizes(shipped).gzip}).`,
    "The shipped module has no name section, so functions are code[N]. Naming them needs the cargo",
    "build's output run through wasm-bindgen --keep-debug, which `make bench` does not do (it never",
    "runs cargo); twiggy on that build gives the breakdown by Rust module.",
    "Shallow bytes, raw (before compression).",
    "",
    "== By kind",
    table(byKind.map(({ kind, bytes }) => [bytes, kind, pct(bytes)])),
    "",
    `${imports.length} imports, their names ${imports.reduce((n, i) => n + i.shallow_size, 0)} bytes in all.`,
    "",
    "== twiggy top -n 40",
    twiggy("top", "-n", "40").trimEnd(),
    "",
    "== Strings in the shipped wasm, longest first (at least 24 bytes; cut at 160)",
    ...strings(shipped, 24).map((s) => `${String(s.length).padStart(6)}  ${s.length > 160 ? `${s.slice(0, 157)}...` : s}`),
    "",
  ].join("\n");
  writeFileSync(outFile, text);
  return { shippedBytes: shipped.length, byKind, importCount: imports.length };
}
