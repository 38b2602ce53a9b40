// Part 2 of `make bench`, the return page: a cold page that parses its own callback with
// idv-handoff (pages/return-wasm.mjs) beside the same page with a hand-written parser
// (pages/return-js.mjs). Each page is one HTML document and one module script, bundled the same
// way (esbuild --bundle --minify --format=esm --platform=browser), served gzip -9 from a local
// HTTP server, loaded in headless Chromium throttled through CDP (150 ms latency, 1.6 Mbit/s down,
// 750 kbit/s up, cache disabled), each load in a fresh browser context (its own HTTP cache,
// connections and code caches), the two pages alternating. The time measured is from navigation
// start to the moment the parsed result is in the DOM (performance.now() there), and each load
// is checked to show the session id it was sent.
//
// Chromium's throttling adds the latency once per request (not per TCP or TLS round trip), over
// plain HTTP on loopback: real first visits add the same connection set-up to both pages.
import { createServer } from "node:http";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { median } from "./median.mjs";
import { resolvePackageFrom } from "./pkg.mjs";

export const LOADS = 11;
export const NETWORK = {
  offline: false,
  latency: 150,
  downloadThroughput: 200_000, // bytes/s: 1.6 Mbit/s
  uploadThroughput: 93_750, // bytes/s: 750 kbit/s
};
const STATE = "Zk3n8Qy0xW2v6R1tL9pB4cH7mJ5sD0fG8aK2eN6uV1w";
const SESSION_ID = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
const QUERY = `?session_id=${SESSION_ID}&status=failed&reason=face_mismatch&state=${STATE}`;
const EXPECTED_TEXT = `Verification failed (face_mismatch), session ${SESSION_ID}`;

const PAGES = {
  wasm: { entry: "pages/return-wasm.mjs", what: "idv-handoff (default entry)" },
  js: { entry: "pages/return-js.mjs", what: "hand-written URLSearchParams parser" },
};

const html = (name) =>
  `<!doctype html>
<html lang="en" data-state="${STATE}">
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>Verification complete</title>
<p id="result">Checking your verification...</p>
<script type="module" src="/${name}.js"></script>
`;

/** One page's script: its entry bundled into one file, like an app's build would. */
async function bundlePage(benchDir, entry, resolveDir) {
  const result = await build({
    entryPoints: [join(benchDir, entry)],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    outdir: "/out",
    plugins: [resolvePackageFrom(resolveDir)],
    logLevel: "warning",
  });
  if (result.outputFiles.length !== 1) {
    throw new Error(`${entry} bundled into ${result.outputFiles.length} files, not one`);
  }
  return Buffer.from(result.outputFiles[0].contents);
}

/** Serves the files gzip -9 (when asked for it), never cacheable. Resolves to { url, close }. */
async function serve(files) {
  const gzipped = new Map(
    Object.entries(files).map(([path, { body, type }]) => [path, { type, raw: body, gzip: gzipSync(body, { level: 9 }) }]),
  );
  const server = createServer((req, res) => {
    const file = gzipped.get(new URL(req.url, "http://x").pathname);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    const gzip = /\bgzip\b/.test(req.headers["accept-encoding"] ?? "");
    const body = gzip ? file.gzip : file.raw;
    res.writeHead(200, {
      "content-type": file.type,
      "content-length": body.length,
      "cache-control": "no-store",
      ...(gzip ? { "content-encoding": "gzip" } : {}),
    });
    res.end(body);
  });
  await new Promise((ok, fail) => server.once("error", fail).listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    sizes: Object.fromEntries([...gzipped].map(([path, f]) => [path, { raw: f.raw.length, gzip: f.gzip.length }])),
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** One cold load of `url` in a fresh, throttled context: when the result was in the DOM, and what it said. */
async function loadOnce(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await cdp.send("Network.emulateNetworkConditions", NETWORK);
    await page.goto(url, { waitUntil: "load", timeout: 60_000 });
    await page.waitForFunction(() => window.returnShownAt !== undefined, null, { timeout: 30_000, polling: 50 });
    return await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const script = performance.getEntriesByType("resource").find((e) => e.initiatorType === "script");
      return {
        shownMs: window.returnShownAt,
        htmlArrivedMs: nav.responseEnd,
        scriptArrivedMs: script?.responseEnd,
        scriptTransferBytes: script?.encodedBodySize,
        scriptDecodedBytes: script?.decodedBodySize,
        text: document.getElementById("result").textContent,
      };
    });
  } finally {
    await context.close();
  }
}

export async function runReturnPage({ browser, benchDir, resolveDir }) {
  const files = {};
  for (const [name, { entry }] of Object.entries(PAGES)) {
    files[`/${name}.html`] = { type: "text/html; charset=utf-8", body: Buffer.from(html(name)) };
    files[`/${name}.js`] = { type: "text/javascript; charset=utf-8", body: await bundlePage(benchDir, entry, resolveDir) };
  }
  const server = await serve(files);
  try {
    const samples = { wasm: [], js: [] };
    for (let i = 0; i < LOADS; i++) {
      // A B A B ..., which goes first alternating from pair to pair.
      const order = i % 2 ? ["js", "wasm"] : ["wasm", "js"];
      for (const name of order) {
        const load = await loadOnce(browser, `${server.url}/${name}.html${QUERY}`);
        if (load.text !== EXPECTED_TEXT) {
          throw new Error(`the ${name} return page did not parse its callback: it shows "${load.text}"`);
        }
        if (!(load.scriptTransferBytes < load.scriptDecodedBytes)) {
          throw new Error(`the ${name} return page's script did not arrive gzipped (${load.scriptTransferBytes} bytes)`);
        }
        samples[name].push(load);
      }
    }
    const summary = (name) => {
      const loads = samples[name];
      return {
        what: PAGES[name].what,
        shownMs: median(loads.map((l) => l.shownMs)),
        htmlArrivedMs: median(loads.map((l) => l.htmlArrivedMs)),
        scriptArrivedMs: median(loads.map((l) => l.scriptArrivedMs)),
        scriptBytes: server.sizes[`/${name}.js`],
        loads,
      };
    };
    const wasm = summary("wasm");
    const js = summary("js");
    return {
      loadsEach: LOADS,
      network: NETWORK,
      url: `/<page>.html${QUERY}`,
      wasm,
      js,
      ratio: wasm.shownMs / js.shownMs,
      // Each A/B pair back to back: the ratio least disturbed by drift, for comparison.
      pairRatio: median(samples.wasm.map((l, i) => l.shownMs / samples.js[i].shownMs)),
    };
  } finally {
    await server.close();
  }
}
