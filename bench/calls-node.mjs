// The per-call part in Node: a fresh process, so nothing the orchestrator loaded (esbuild,
// Playwright, Miniflare) shares its heap or JIT. Its argument is a module re-exporting
// `idv-handoff` as an app resolves it (run.mjs stages one beside the package measured: pkg.mjs);
// oauth4webapi comes from bench/node_modules. Prints the results as JSON on stdout.
import { pathToFileURL } from "node:url";
import { runCallBench } from "./calls.mjs";

const entry = process.argv[2];
if (!entry) throw new Error("usage: node bench/calls-node.mjs <module re-exporting idv-handoff>");
const api = await import(pathToFileURL(entry).href);
const oauth = await import("oauth4webapi").catch(() => undefined);

process.stdout.write(JSON.stringify(runCallBench(api, { oauth })));
