// Next.js 16 App Router: `next build` (Turbopack) and `next start`; a "use client" page checked in
// Chromium after hydration, a route handler in the Node.js runtime and one in the Edge runtime.
//
// One app, as users have it. A failure in one part fails the whole `next build`, which would hide
// how the other parts fare: so when the whole app does not build, each part is built and checked
// alone as well (the other parts' files set aside), to tell which part fails and which works.
import { mkdirSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";

const PARTS = {
  "page (use client, hydrated)": "app/page.js",
  "route (nodejs runtime)": "app/api/node",
  "route (edge runtime)": "app/api/edge",
};

async function buildAndStart(ctx, label) {
  const build = await ctx.step(label, () => ctx.exec(ctx.bin("next"), ["build"], { timeout: 150_000, label: "next-build" }));
  if (!build.ok) return build;
  const port = await ctx.freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = await ctx.step("next start", () =>
    ctx.server(ctx.bin("next"), ["start", "--port", String(port), "--hostname", "127.0.0.1"], { url: `${base}/api/none`, label: "next-start" }),
  );
  return started.ok ? { ...started, base } : started;
}

async function checkPart(ctx, name, server) {
  const info = () => ({
    serverFiles: ctx.packageFilesIn(ctx.path(".next", "server")),
    staticFiles: ctx.packageFilesIn(ctx.path(".next", "static")),
    wasmEmitted: ctx.wasmFilesIn(ctx.path(".next")),
  });
  await ctx.check(name, async () => {
    server.need();
    if (name.startsWith("page")) return { ...(await ctx.page(`${server.base}/`, { timeout: 40_000 })), info: info() };
    const edge = name.includes("edge");
    const report = await ctx.fetchJson(`${server.base}${edge ? "/api/edge" : "/api/node"}`);
    // The route must really have run in the runtime it names.
    if (edge !== !!report.environment?.edgeRuntime) {
      throw new Error(`the route ran with EdgeRuntime = ${report.environment?.edgeRuntime}: not the ${edge ? "Edge" : "Node.js"} runtime`);
    }
    return { report, info: info() };
  });
}

export default {
  description: "next 16 App Router: client page, nodejs route, edge route (next build + next start)",
  timeout: 240,
  async run(ctx) {
    const whole = await buildAndStart(ctx, "next build");
    await ctx.check("next build (whole app)", async () => ({ passed: whole.ok, error: whole.error }));
    if (whole.ok) {
      for (const name of Object.keys(PARTS)) await checkPart(ctx, name, whole);
      return;
    }
    whole.value?.kill?.();
    // Each part alone: set the others aside, build, check, put them back.
    const aside = ctx.path("..", "aside");
    for (const [name, file] of Object.entries(PARTS)) {
      const others = Object.values(PARTS).filter((f) => f !== file);
      for (const f of others) {
        mkdirSync(dirname(join(aside, f)), { recursive: true });
        renameSync(ctx.path(f), join(aside, f));
      }
      try {
        const alone = await buildAndStart(ctx, `next build (${name} alone)`);
        await checkPart(ctx, `${name} [alone]`, alone);
        alone.value?.kill?.();
      } finally {
        for (const f of others) renameSync(join(aside, f), ctx.path(f));
      }
    }
  },
};
