// Which idv-handoff `make bench` measures, and how every part reaches it by its npm name.
//
// The package directory is `--pkg <dir>`, else $IDV_PKG_DIR, else the repo's
// node_modules/idv-handoff (installed from the packed tarball by scripts/bench.sh). So that
// every part resolves `idv-handoff` exactly as an app does (package.json "exports" and its
// conditions), not by file paths, the directory is linked as node_modules/idv-handoff of a
// staging folder (target/bench/resolve/), which esbuild builds and the Node part resolve from.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The package directory to measure, from argv or the environment; throws if it is not one. */
export function packageDir(root, argv = process.argv.slice(2), env = process.env) {
  let dir = env.IDV_PKG_DIR || join(root, "node_modules/idv-handoff");
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--pkg") dir = argv[++i];
    else if (argv[i].startsWith("--pkg=")) dir = argv[i].slice("--pkg=".length);
    else throw new Error(`unknown argument ${argv[i]} (usage: node bench/run.mjs [--pkg <package dir>])`);
  }
  if (!dir) throw new Error("--pkg needs a directory");
  dir = resolve(dir);
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest) || JSON.parse(readFileSync(manifest, "utf8")).name !== "idv-handoff") {
    throw new Error(`${dir} is not an idv-handoff package directory (no package.json named idv-handoff)`);
  }
  return dir;
}

/** Its name, version and folder, and the size of its .wasm, for the report. */
export function packageInfo(dir) {
  const { name, version } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  return { dir, name, version, wasmBytes: statSync(join(dir, "idv_handoff_bg.wasm")).size };
}

/**
 * Makes `<root>/target/bench/resolve/`, whose node_modules/idv-handoff is a link to `pkgDir`,
 * and an ES module there re-exporting the package's default entry (for the Node part).
 * Returns the folder.
 */
export function stageResolveDir(root, pkgDir) {
  const dir = join(root, "target/bench/resolve");
  const link = join(dir, "node_modules/idv-handoff");
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  rmSync(link, { force: true, recursive: true });
  symlinkSync(pkgDir, link, "dir");
  writeFileSync(join(dir, "default-entry.mjs"), 'export * from "idv-handoff";\n');
  return dir;
}

/**
 * An esbuild plugin resolving `idv-handoff` (and its subpaths) from `resolveDir`, whatever
 * folder the importing file is in (www/proxy/worker.js would find the repo's node_modules
 * otherwise). Export conditions, platform and everything else stay esbuild's own.
 */
export function resolvePackageFrom(resolveDir) {
  return {
    name: "idv-handoff-from",
    setup(build) {
      build.onResolve({ filter: /^idv-handoff(\/.*)?$/ }, (args) => {
        if (args.pluginData?.staged) return undefined;
        return build.resolve(args.path, { kind: args.kind, resolveDir, pluginData: { staged: true } });
      });
    },
  };
}
