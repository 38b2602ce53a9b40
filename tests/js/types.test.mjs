// The TypeScript declarations of the installed package compile under `tsc --strict`, the
// package's own .d.ts included (skipLibCheck off), and are precise (see types/consumer.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { ROOT } from "./helpers/paths.mjs";

test("a strict TypeScript consumer type-checks against the package", () => {
  const tsc = spawnSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, "-p", `${ROOT}tests/js/types/tsconfig.json`], {
    encoding: "utf8",
  });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
});

test("a Node-only TypeScript project (no DOM types, skipLibCheck off) compiles, ESM and CommonJS", () => {
  const tsc = spawnSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, "-p", `${ROOT}tests/js/types-node/tsconfig.json`], {
    encoding: "utf8",
  });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
});
