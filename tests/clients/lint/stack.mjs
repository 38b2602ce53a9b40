// The packed tarball through publint --strict and @arethetypeswrong/cli (both read a .tgz offline),
// attw with its default profile: every resolution (node10, node16 from CJS and ESM, bundler).
import { writeFileSync } from "node:fs";

async function attw(ctx, profile) {
  const args = [ctx.tarball.path, ...(profile ? ["--profile", profile] : [])];
  const r = await ctx.exec(ctx.bin("attw"), [...args, "--format", "ascii"], { allowFail: true });
  const j = await ctx.exec(ctx.bin("attw"), [...args, "--format", "json"], { allowFail: true });
  writeFileSync(ctx.path(`attw${profile ? `-${profile}` : ""}.json`), j.stdout);
  let resolutions = null;
  let problems = [];
  try {
    const parsed = JSON.parse(j.stdout);
    problems = (parsed.analysis?.problems ?? []).map((p) => `${p.kind}${p.entrypoint ? ` (${p.entrypoint}, ${p.resolutionKind})` : ""}`);
    resolutions = {};
    for (const [entry, e] of Object.entries(parsed.analysis?.entrypoints ?? {})) {
      resolutions[entry] = Object.fromEntries(
        Object.entries(e.resolutions ?? {}).map(([kind, res]) => [kind, { types: res.resolution?.fileName ?? null, js: res.implementationResolution?.fileName ?? null }]),
      );
    }
  } catch {}
  const error = `attw problems: ${problems.join(", ") || "(see output)"}\n${r.output.trim()}`;
  return { passed: r.code === 0, error, output: r.output.trim(), info: { problems, resolutions } };
}

export default {
  description: "publint --strict and attw on the tarball",
  async run(ctx) {
    await ctx.check("publint --strict", async () => {
      const r = await ctx.exec(ctx.bin("publint"), ["--strict", ctx.tarball.path], { allowFail: true });
      return { passed: r.code === 0, error: r.output.trim(), output: r.output.trim() };
    });
    await ctx.check("attw", () => attw(ctx, null));
  },
};
