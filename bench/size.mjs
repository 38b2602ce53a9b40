// Part 1 of `make bench`: what each entry of the package weighs (wasm and JS, raw, gzip -9 and
// brotli), beside the npm packages users would pick instead, bundled for the browser in the same
// run; and where the wasm bytes go (twiggy), written to bench/twiggy.txt.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";
import { WASM_OPT_FLAGS } from "../scripts/wasm-opt-flags.mjs";

/** The entry file of each runtime's export condition (pkg-template/package.json). */
const ENTRIES = { browser: "index.browser.js", node: "index.node.js", workerd: "index.workerd.js" };

/**
 * What users would pick instead, each entry importing what an app would use: the providers'
 * own web SDKs, and oauth4webapi, the closest general-purpose library for validating a
 * redirect callback (its callback check, and the whole module).
 */
const ALTERNATIVES = [
  { pkg: "persona", imports: "Client" },
  { pkg: "@didit-protocol/sdk-web", imports: "DiditSdk" },
  { pkg: "@veriff/incontext-sdk", imports: "createVeriffFrame" },
  { pkg: "oauth4webapi", imports: "validateAuthResponse, generateRandomState" },
  { pkg: "oauth4webapi", imports: "*" },
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

function sum(a, b) {
  return { raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli };
}
const ZERO = { raw: 0, gzip: 0, brotli: 0 };

/**
 * The JS files an entry loads (its module graph, as esbuild resolves it), each compressed on its
 * own as a browser fetches them, and the wasm file. The same files `tests/js/size.test.mjs` sums.
 */
async function entrySize(pkgDir, entry) {
  const { metafile } = await build({
    entryPoints: [join(pkgDir, entry)],
    absWorkingDir: pkgDir,
    bundle: true,
    write: false,
    metafile: true,
    format: "esm",
    platform: "neutral",
    external: ["*.wasm", "node:*"],
    logLevel: "silent",
  });
  const files = Object.keys(metafile.inputs).sort();
  const js = files.map((f) => compressedSizes(readFileSync(join(pkgDir, f)))).reduce(sum, ZERO);
  const wasm = compressedSizes(readFileSync(join(pkgDir, "idv_handoff_bg.wasm")));
  return { files: [...files, "idv_handoff_bg.wasm"], wasm, js, total: sum(wasm, js) };
}

/** One browser bundle of `contents`, minified as the alternatives are: its size, or why not. */
async function bundleSize(contents, resolveDir) {
  const result = await build({
    stdin: { contents, resolveDir, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  return compressedSizes(result.outputFiles[0].contents);
}

async function alternativeSize({ pkg, imports }, benchDir) {
  const manifest = join(benchDir, "node_modules", pkg, "package.json");
  const row = { pkg, imports };
  if (!existsSync(manifest)) return { ...row, error: "not installable: missing from bench/node_modules" };
  row.version = JSON.parse(readFileSync(manifest, "utf8")).version;
  const entry = imports === "*" ? `export * from "${pkg}";` : `export { ${imports} } from "${pkg}";`;
  try {
    return { ...row, js: await bundleSize(entry, benchDir) };
  } catch (e) {
    return { ...row, error: `not bundlable: ${(e.errors?.[0]?.text ?? String(e)).split("\n")[0]}` };
  }
}

export async function measureSizes({ root, pkgDir, benchDir }) {
  const entries = {};
  for (const [name, file] of Object.entries(ENTRIES)) entries[name] = await entrySize(pkgDir, file);
  // Our browser entry bundled and minified like the alternatives (the .wasm stays a file).
  const bundledJs = await bundleSize(`export * from "idv-handoff";`, root);
  const bundled = { js: bundledJs, wasm: entries.browser.wasm, total: sum(bundledJs, entries.browser.wasm) };
  const alternatives = [];
  for (const alt of ALTERNATIVES) alternatives.push(await alternativeSize(alt, benchDir));
  return { entries, bundled, alternatives };
}

// ---- twiggy ----

/** The area of the code an item of `twiggy top` belongs to, for the summary by area. */
function areaOf(name) {
  if (name.startsWith("data segment")) return "static data (.rodata: messages, tables, panic locations)";
  if (name.includes(" shim")) return "wasm-bindgen export shims (each export's Rust inlined into it)";
  if (name.startsWith("import ")) return "imports (names of the JS functions the wasm calls)";
  if (name.startsWith("export ")) return "exports (names)";
  if (/^(type|table|elem|global|memory)\[|section|^code\[/.test(name)) return "module structure and unnamed code";
  const path = name.replace(/^<+/, "").replace(/\[[0-9a-f]+\]/g, "").replace(/::h[0-9a-f]{16}$/, "");
  const segments = path.split("::");
  if (segments[0] === "idv_handoff") {
    // The module of our function: `idv_handoff::web_url`, `idv_handoff::bindings::callback`.
    const modules = segments.slice(0, -1);
    const depth = modules[1] === "bindings" ? 3 : 2;
    return modules.slice(0, depth).join("::");
  }
  const crate = segments.length > 1 ? segments[0].match(/^\w+/)?.[0] : undefined;
  // `<str>::trim_ascii`, `<T as alloc::slice::…>`: methods of primitive and generic types.
  if (/^(core|alloc|__rustc|str|char|bool|[iu](8|16|32|64|size)|[A-Z])$/.test(crate ?? "")) {
    return "core/alloc (iterators, strings, Vec, UTF-8 lossy, panics)";
  }
  if (crate === "wasm_bindgen" || /^__(wbindgen|externref|wbg)/.test(name)) {
    return "wasm-bindgen runtime";
  }
  return crate ?? "other";
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
 * Rebuilds the shipped wasm with its function names kept (wasm-bindgen, then wasm-opt with the
 * flags of scripts/wasm-opt.flags plus -g, then its short import and export names), so twiggy can name what it measures, and writes the
 * breakdown to `outFile`. Returns the summary by area.
 */
export function twiggyReport({ root, pkgDir, outFile }) {
  const work = resolve(root, "target/bench/named");
  mkdirSync(work, { recursive: true });
  const release = resolve(root, "target/wasm32-unknown-unknown/release/idv_handoff.wasm");
  execFileSync("wasm-bindgen", ["--target", "web", "--out-dir", work, release]);
  const named = join(work, "idv_handoff_bg.wasm");
  execFileSync(resolve(root, "node_modules/.bin/wasm-opt"), [...WASM_OPT_FLAGS, "-g", named, "-o", named]);
  execFileSync("node", [resolve(root, "scripts/minify-names.mjs"), named, join(work, "idv_handoff.js"), "--keep-names"]);
  const twiggy = (...args) => execFileSync("twiggy", [...args, named], { encoding: "utf8", maxBuffer: 1 << 26 });

  const items = JSON.parse(twiggy("top", "--format", "json"));
  const nameSection = items.filter((i) => /subsection|custom section "name"/.test(i.name));
  const nameBytes = nameSection.reduce((n, i) => n + i.shallow_size, 0);
  const shipped = readFileSync(join(pkgDir, "idv_handoff_bg.wasm"));
  const namedBytes = readFileSync(named).length;
  const areas = new Map();
  for (const item of items) {
    if (nameSection.includes(item)) continue;
    const area = areaOf(item.name);
    areas.set(area, (areas.get(area) ?? 0) + item.shallow_size);
  }
  const codeBytes = [...areas.values()].reduce((a, b) => a + b, 0);
  const byArea = [...areas].sort((a, b) => b[1] - a[1]).map(([area, bytes]) => ({ area, bytes }));
  const pct = (n) => `${((100 * n) / codeBytes).toFixed(1)}%`;

  const drift = namedBytes - nameBytes - shipped.length;
  const text = [
    "idv-handoff: where the wasm bytes go (written by `make bench`, bench/size.mjs)",
    "",
    `Shipped pkg/idv_handoff_bg.wasm: ${shipped.length} bytes (gzip -9 ${compressedSizes(shipped).gzip}).`,
    `Measured here: the same build with its function names kept (wasm-opt -g), ${namedBytes} bytes, of`,
    `which ${nameBytes} are the name section; the rest differs from the shipped file by ${drift} bytes` +
      (Math.abs(drift) > shipped.length / 100 ? " (over 1%: have the flags of scripts/build-pkg.sh changed?)." : "."),
    "Shallow bytes, raw (before compression); the name section is left out of the shares.",
    "",
    "== By area",
    table(byArea.map(({ area, bytes }) => [bytes, area, pct(bytes)])),
    "",
    "== twiggy top -n 40",
    twiggy("top", "-n", "40").trimEnd(),
    "",
    "== twiggy dominators -d 2 -r 60 (retained bytes: what each item keeps alive)",
    twiggy("dominators", "-d", "2", "-r", "60").trimEnd(),
    "",
    "== Strings in the shipped wasm, longest first (at least 24 bytes; cut at 160)",
    ...strings(shipped, 24).map((s) => `${String(s.length).padStart(6)}  ${s.length > 160 ? `${s.slice(0, 157)}...` : s}`),
    "",
  ].join("\n");
  writeFileSync(outFile, text);
  return { shippedBytes: shipped.length, byArea };
}
