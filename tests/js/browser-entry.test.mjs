// The default entry in headless Chromium, two ways a frontend uses it: a Vite 7 production
// build, and a plain <script type="module"> page with an import map, both served over HTTP. The
// wasm is inlined: neither page fetches a .wasm, and the build emits none. (tests/clients/ runs
// the package in every other stack.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { build } from "vite";
import { serveStatic } from "../../scripts/static-server.mjs";
import { launchChromium, openPage } from "./helpers/chromium.mjs";
import { ROOT, outDir } from "./helpers/paths.mjs";

let browser;
const servers = {};

before(async () => {
  const dist = outDir("vite-app");
  await build({
    root: `${ROOT}tests/js/vite-app`,
    logLevel: "warn",
    build: { outDir: dist, emptyOutDir: true },
  });
  servers.vite = await serveStatic({ "/": dist });
  servers.plain = await serveStatic({
    "/": `${ROOT}tests/js/plain-page`,
    "/node_modules/": `${ROOT}node_modules`,
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

async function run(url) {
  const { page, errors } = await openPage(browser);
  page.on("request", (request) => {
    if (request.url().endsWith(".wasm")) errors.push(`fetched ${request.url()}`);
  });
  await page.goto(url);
  await page.waitForSelector("#out[data-done]", { timeout: 10_000 });
  const result = JSON.parse(await page.textContent("#out"));
  await page.close();
  return { result, errors };
}

const pages = {
  vite: () => `${servers.vite.url}/`,
  plain: () => `${servers.plain.url}/`,
};

test("the Vite build inlines the wasm: no .wasm asset is emitted", () => {
  const assets = readdirSync(`${outDir("vite-app")}assets`);
  assert.ok(assets.some((f) => f.endsWith(".js")), assets.join(", "));
  assert.ok(!assets.some((f) => f.endsWith(".wasm")), assets.join(", "));
});

for (const [name, base] of Object.entries(pages)) {
  test(`${name} page: parseCallback works with no init call`, async () => {
    const { result, errors } = await run(`${base()}?session_id=abc&status=failed&reason=new_reason`);
    assert.deepEqual(errors, []);
    assert.equal(result.ok.sessionId, "abc");
    assert.equal(result.ok.status, "failed");
    assert.equal(result.ok.reason, "unknown");
    assert.equal(result.ok.rawReason, "new_reason");
  });

  test(`${name} page: a forged callback throws IdvError with its code`, async () => {
    const { result } = await run(`${base()}?session_id=%3Cscript%3E&status=success`);
    assert.deepEqual(result, { code: "invalid_session_id", isIdvError: true });
  });
}
