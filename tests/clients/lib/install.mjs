// Installs: a stack's tools from its committed lock (cached, keyed by a hash of package.json and
// package-lock.json), then, on every run, the package under test unpacked from the tarball.
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const STAMP = ".idv-clients-install";
// Files of a stack folder that are not part of its app.
const NOT_APP = new Set(["stack.mjs", "node_modules", "README.md"]);
// Tool caches inside node_modules that could hold a previous tarball's code.
const TOOL_CACHES = [".vite", ".vite-temp", ".cache", ".tmp"];

/** The tarball to test: --tarball, then IDV_TARBALL, then the newest target/idv-handoff-*.tgz (where `make test` packs it). */
export function findTarball(explicit, root) {
  const chosen = explicit ?? process.env.IDV_TARBALL;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`tarball ${chosen} does not exist`);
    // Absolute: each stack runs its tools from its own folder.
    return resolve(chosen);
  }
  const candidates = [];
  const dir = join(root, "target");
  for (const f of existsSync(dir) ? readdirSync(dir) : []) {
    if (/^idv-handoff-.*\.tgz$/.test(f)) {
      const p = join(dir, f);
      candidates.push({ p, mtime: statSync(p).mtimeMs });
    }
  }
  candidates.sort((a, b) => b.mtime - a.mtime);
  if (!candidates.length) {
    throw new Error("no tarball: pass --tarball PATH or IDV_TARBALL, or pack one into target/ (scripts/install-pkg.sh)");
  }
  return candidates[0].p;
}

/** Unpacks the tarball once into `dir` (dir/package); returns what the runner reports about it. */
export function unpackTarball(tgz, dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = spawnSync("tar", ["-xzf", tgz, "-C", dir], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tar -xzf ${tgz}: ${r.stderr}`);
  const pkgDir = join(dir, "package");
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  if (pkg.name !== "idv-handoff") throw new Error(`${tgz} holds ${pkg.name}, not idv-handoff`);
  const files = [];
  const walk = (d, rel) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else files.push({ path: `${rel}${e.name}`, bytes: statSync(join(d, e.name)).size });
    }
  };
  walk(pkgDir, "");
  return {
    path: tgz,
    bytes: statSync(tgz).size,
    mtime: new Date(statSync(tgz).mtimeMs).toISOString(),
    sha256: createHash("sha256").update(readFileSync(tgz)).digest("hex"),
    version: pkg.version,
    exports: pkg.exports ?? null,
    main: pkg.main ?? null,
    module: pkg.module ?? null,
    browser: pkg.browser ?? null,
    type: pkg.type ?? null,
    files,
    dir: pkgDir,
  };
}

function installKey(stackDir) {
  const h = createHash("sha256");
  h.update(readFileSync(join(stackDir, "package.json")));
  const lock = join(stackDir, "package-lock.json");
  h.update(existsSync(lock) ? readFileSync(lock) : "no lock");
  h.update(process.version);
  return h.digest("hex").slice(0, 16);
}

function hasDependencies(pkg) {
  return ["dependencies", "devDependencies", "optionalDependencies"].some(
    (k) => pkg[k] && Object.keys(pkg[k]).length > 0,
  );
}

/**
 * Makes `appDir` hold the stack's tools (node_modules, reused while package.json and the lock are
 * unchanged). Without a committed lock it runs `npm install` and copies the new lock into the
 * stack folder. Returns { cached, seconds, command }.
 */
export async function installTools({ stackDir, appDir, exec, log }) {
  const key = installKey(stackDir);
  const stamp = join(appDir, "node_modules", STAMP);
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === key) return { cached: true, seconds: 0, key };

  const started = Date.now();
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(appDir, { recursive: true });
  cpSync(join(stackDir, "package.json"), join(appDir, "package.json"));
  const lock = join(stackDir, "package-lock.json");
  const hasLock = existsSync(lock);
  if (hasLock) cpSync(lock, join(appDir, "package-lock.json"));
  const pkg = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8"));
  const npmArgs = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];
  let command = "none (no dependencies)";
  if (hasDependencies(pkg)) {
    if (hasLock) {
      command = "npm ci";
      const r = await exec("npm", ["ci", ...npmArgs], { cwd: appDir, timeout: 900_000, allowFail: true, label: "npm-ci" });
      if (r.code !== 0) {
        // npm ci refuses a lock that leaves out another platform's optional packages (seen with
        // this machine's npm settings); `npm install` with the lock present installs its versions.
        log(`npm ci failed (${r.output.trim().split("\n").pop()}); trying npm install with the lock`);
        command = "npm install (npm ci failed)";
        await exec("npm", ["install", ...npmArgs], { cwd: appDir, timeout: 900_000, label: "npm-install" });
      }
    } else {
      command = "npm install (no lock: generated one)";
      await exec("npm", ["install", ...npmArgs], { cwd: appDir, timeout: 900_000, label: "npm-install" });
    }
  } else {
    mkdirSync(join(appDir, "node_modules"), { recursive: true });
    if (!hasLock) await exec("npm", ["install", ...npmArgs], { cwd: appDir, timeout: 120_000, label: "npm-install" });
  }
  if (!hasLock && existsSync(join(appDir, "package-lock.json"))) {
    cpSync(join(appDir, "package-lock.json"), lock);
    log(`wrote ${lock} (commit it)`);
  }
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, installKey(stackDir));
  return { cached: false, seconds: (Date.now() - started) / 1000, command, key };
}

/**
 * Lays out the app for one run: everything in appDir but node_modules goes; the stack folder's
 * sources, the shared checks (checks.mjs, checks.cjs) and the package under test come in.
 */
export function layOutApp({ stackDir, appDir, checksSource, tarball }) {
  for (const e of readdirSync(appDir)) {
    if (e !== "node_modules") rmSync(join(appDir, e), { recursive: true, force: true });
  }
  const nm = join(appDir, "node_modules");
  for (const c of TOOL_CACHES) rmSync(join(nm, c), { recursive: true, force: true });
  for (const e of readdirSync(stackDir)) {
    if (NOT_APP.has(e)) continue;
    cpSync(join(stackDir, e), join(appDir, e), { recursive: true });
  }
  writeFileSync(join(appDir, "checks.mjs"), checksSource);
  writeFileSync(join(appDir, "checks.cjs"), toCommonJs(checksSource));

  // The package under test, exactly as packed (what `npm install idv-handoff-x.tgz` unpacks).
  const target = join(nm, "idv-handoff");
  rmSync(target, { recursive: true, force: true });
  const tmp = mkdtempSync(join(nm, ".idv-unpack-"));
  const r = spawnSync("tar", ["-xzf", tarball.path, "-C", tmp], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tar -xzf ${tarball.path}: ${r.stderr}`);
  renameSync(join(tmp, "package"), target);
  rmSync(tmp, { recursive: true, force: true });

  // The app's package.json names the dependency, as a user's would.
  const pj = join(appDir, "package.json");
  const pkg = JSON.parse(readFileSync(pj, "utf8"));
  pkg.dependencies = { ...(pkg.dependencies ?? {}), "idv-handoff": tarball.version };
  writeFileSync(pj, JSON.stringify(pkg, null, 2) + "\n");
}

/** checks.mjs as CommonJS: its exports become module.exports (it has no imports). */
export function toCommonJs(source) {
  const names = [];
  const body = source.replace(/^export (const|function) (\w+)/gm, (_, kind, name) => {
    names.push(name);
    return `${kind} ${name}`;
  });
  return `"use strict";\n${body}\nmodule.exports = { ${names.join(", ")} };\n`;
}

