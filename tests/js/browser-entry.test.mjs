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

test("openHandoffWindow().navigate refuses what it may not send a tab to, with IdvError codes, and sends nothing", async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${servers.plain.url}/`);
  await page.waitForSelector("#out[data-done]", { timeout: 10_000 });
  const before = page.url();
  const answers = await page.evaluate(async () => {
    const { openHandoffWindow, IdvError } = await import("idv-handoff");
    const handoff = openHandoffWindow();
    const tries = {
      number: 42,
      null: null,
      undefined: undefined,
      symbol: Symbol("x"),
      object: { toString: () => "https://app.deepidv.com/s/1" },
      function: () => "https://app.deepidv.com/s/1",
      "no host": "https://",
      "bad port": "https://app.deepidv.com:99999/s/1",
      "http elsewhere": "http://evil.example/s/1",
      javascript: "javascript:alert(1)",
      data: "data:text/html,<script>alert(1)</script>",
    };
    const out = {};
    for (const [name, value] of Object.entries(tries)) {
      try {
        out[name] = `answered ${handoff.navigate(value)}`;
      } catch (e) {
        out[name] = e instanceof IdvError ? `${e.code} ${e.field}` : `threw ${e?.name}: ${e?.message}`;
      }
    }
    out.tab = handoff.opened ? "still open" : "none";
    handoff.close();
    return out;
  });
  assert.deepEqual(answers, {
    number: "invalid_input url",
    null: "invalid_input url",
    undefined: "invalid_input url",
    symbol: "invalid_input url",
    object: "invalid_input url",
    function: "invalid_input url",
    "no host": "invalid_url url",
    "bad port": "invalid_url url",
    "http elsewhere": "insecure_url url",
    javascript: "insecure_url url",
    data: "insecure_url url",
    tab: answers.tab,
  });
  assert.equal(page.url(), before, "this page went nowhere");
  assert.deepEqual(errors, []);
  await page.close();
});
