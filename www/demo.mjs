// `make demo`: the demo app, the reference proxy worker and the local stand-in provider, all in
// real workerd (Miniflare), in one process. Also used by the end-to-end tests (startDemo).
//
//   http://127.0.0.1:$PORT       the app (static files) and the proxy worker's routes
//   http://127.0.0.1:$PORT+1     the stand-in provider (API and hosted page), another origin
//
// PROVIDER ("deepidv" default, "didit", "verifa") picks whose API the proxy speaks and the
// stand-in imitates; PROVIDER_URL and IDV_API_KEY point the proxy at a real provider instead.
// DECISION_LAG_MS (e.g. 5000) makes the stand-in decide that long after the hosted page's
// outcome, to watch the pages wait for the decision ("Checking with the provider…"). HTTPS=1
// serves the app over https (Miniflare's self-signed certificate for 127.0.0.1: accept it once):
// Safari and WebKit keep no Secure cookie on http://127.0.0.1, and the proxy's state cookie is one.
import { cpSync, rmSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { bundleWorker } from "../scripts/bundle-worker.mjs";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const COMPATIBILITY_DATE = "2025-09-01";

/** Builds what workerd serves: the site (app + installed package) and the bundled proxy. */
async function prepare(out) {
  rmSync(out, { recursive: true, force: true });
  const site = `${out}site/`;
  cpSync(`${ROOT}www/app/`, site, { recursive: true });
  // The app imports the built package exactly as installed in node_modules.
  cpSync(`${ROOT}node_modules/idv-handoff/`, `${site}node_modules/idv-handoff/`, { recursive: true });
  // The QR codes of "Continue on my phone" (deepidv, Didit; Verifa sends its own): the npm
  // package qrcode (pinned in package.json), its browser build bundled into one ES module that
  // the page's import map names. Drawn in the browser: the proxy stays the package's few lines.
  const qrcode = JSON.parse(readFileSync(`${ROOT}node_modules/qrcode/package.json`, "utf8"));
  await build({
    stdin: { contents: 'export { toDataURL } from "qrcode";', resolveDir: ROOT, sourcefile: "qrcode-entry.js" },
    outfile: `${site}vendor/qrcode.js`,
    bundle: true,
    format: "esm",
    platform: "browser",
    minify: true,
    banner: { js: `/* qrcode ${qrcode.version} (${qrcode.license}), ${qrcode.homepage ?? "npm qrcode"}; bundled by www/demo.mjs */` },
    logLevel: "warning",
  });
  // Bundled as wrangler bundles a worker.
  return { site, proxy: await bundleWorker(`${ROOT}www/proxy/worker.js`, `${out}proxy`) };
}

/** The Didit workflow the stand-in knows (its default WORKFLOWS_DIDIT). */
const DIDIT_WORKFLOW_ID = "11111111-2222-3333-4444-555555555555";

/**
 * Starts everything. Options: mode ("deepidv", "didit", "verifa"), port (0 for any),
 * providerPort, apiKey, persist (a folder for the provider's state, so sessions survive a
 * restart; omit for memory only), provider: extra bindings for the stand-in (RATE_LIMIT,
 * RATE_WINDOW_SECONDS, TOKEN_BALANCE, SLOW_CREATE_MS, DECISION_LAG_MS, EXPOSE_STATS), out (build folder),
 * providerUrl (a real provider instead of the stand-in), https (serve the app and proxy over
 * https with Miniflare's own certificate for 127.0.0.1, not trusted by browsers: WebKit keeps
 * no Secure cookie on http://127.0.0.1, so the proxy's __Host- state cookie needs it there).
 */
export async function startDemo({
  mode = "deepidv",
  port = 8787,
  providerPort = port + 1,
  apiKey = "idv-demo-local-key",
  persist,
  provider = {},
  out = `${ROOT}target/demo/${port}/`,
  providerUrl,
  https = false,
} = {}) {
  const { site, proxy } = await prepare(out);
  const host = "127.0.0.1";
  const useStandIn = !providerUrl;
  providerUrl ??= `http://${host}:${providerPort}`;
  const workers = [
    {
      name: "proxy",
      modules: true,
      scriptPath: proxy,
      modulesRules: [
        { type: "ESModule", include: ["**/*.js"] },
        { type: "CompiledWasm", include: ["**/*.wasm"] },
      ],
      compatibilityDate: COMPATIBILITY_DATE,
      assets: { directory: site, binding: "ASSETS", routerConfig: { has_user_worker: true } },
      durableObjects: { IDEMPOTENCY: "IdvIdempotencyStore" },
      bindings: {
        PROVIDER: mode,
        PROVIDER_URL: providerUrl,
        IDV_API_KEY: apiKey,
        APP_URL: `${https ? "https" : "http"}://${host}:${port}`,
        ALLOWED_ORIGINS: "",
        // The hosted pages' host: the stand-in's own, or (for a real provider) its documented ones.
        SESSION_HOSTS: useStandIn ? new URL(providerUrl).host : "",
        DIDIT_WORKFLOW_ID,
        DEV: "true",
      },
    },
  ];
  if (useStandIn) {
    workers.push({
      name: "provider",
      modules: true,
      scriptPath: `${ROOT}www/provider/worker.js`,
      compatibilityDate: COMPATIBILITY_DATE,
      durableObjects: { PROVIDER: "ProviderState" },
      bindings: { MODE: mode, API_KEY: apiKey, PUBLIC_URL: providerUrl, ...provider },
      unsafeDirectSockets: [{ host, port: providerPort }],
    });
  }
  const mf = new Miniflare({
    host,
    port,
    https,
    workers,
    durableObjectsPersist: persist ?? false,
  });
  let url;
  try {
    url = (await mf.ready).origin;
  } catch (e) {
    // A port taken, a worker that fails to load: stop workerd before reporting it, or the
    // caller's process would never exit.
    await mf.dispose().catch(() => {});
    throw e;
  }
  return { url, providerUrl, mf, close: () => mf.dispose() };
}

// `node www/demo.mjs`: the `make demo` command.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8787);
  const demo = await startDemo({
    mode: process.env.PROVIDER ?? "deepidv",
    port,
    providerUrl: process.env.PROVIDER_URL,
    apiKey: process.env.IDV_API_KEY ?? "idv-demo-local-key",
    persist: `${ROOT}www/.state`,
    https: process.env.HTTPS === "1",
    provider: process.env.DECISION_LAG_MS ? { DECISION_LAG_MS: process.env.DECISION_LAG_MS } : {},
  });
  console.log(`idv-handoff demo ready: ${demo.url}/  (provider: ${process.env.PROVIDER ?? "deepidv"})`);
  if (!process.env.PROVIDER_URL) console.log(`  local stand-in provider: ${demo.providerUrl}`);
  console.log("  Ctrl-C stops it.");
  const stop = () => demo.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
