// Parts 2 and 5 in Node: a fresh process, so nothing the orchestrator loaded (esbuild,
// Playwright, Miniflare) shares its heap or JIT. Prints the results as JSON on stdout.
import * as api from "idv-handoff";
import { runCallBench } from "./calls.mjs";

process.stdout.write(JSON.stringify(runCallBench(api)));
