// Bundles a worker that imports idv-handoff as wrangler bundles it: the `workerd` export
// condition, the package's .wasm files kept as modules beside the bundle (workerd compiles them
// at load; it compiles no bytes). Used by the demo (www/demo.mjs), the workerd tests and the
// edge bench.
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const INSTALLED = fileURLToPath(new URL("../node_modules/idv-handoff/", import.meta.url));
/** The package's two wasm modules: the client's and the server half's (idv-handoff/server). */
const WASM = ["idv_handoff_bg.wasm", "server/idv_handoff_bg.wasm"];

/**
 * Bundles `entry` into `outDir`/worker.js, with the wasm modules of the package in `pkgDir` (the
 * installed one by default) beside it; `plugins` go to esbuild (the bench's package resolver).
 * Resolves to the bundle's path.
 */
export async function bundleWorker(entry, outDir, { pkgDir = INSTALLED, plugins = [] } = {}) {
  mkdirSync(join(outDir, "server"), { recursive: true });
  const outfile = join(outDir, "worker.js");
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    external: ["*.wasm"],
    plugins,
    logLevel: "warning",
  });
  for (const wasm of WASM) copyFileSync(join(pkgDir, wasm), join(outDir, wasm));
  return outfile;
}
