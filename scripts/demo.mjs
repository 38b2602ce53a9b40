// `make demo`: serves the demo page (www/) and the built package (pkg/) on loopback.
import { serveStatic } from "./static-server.mjs";

const root = new URL("../", import.meta.url).pathname;
const port = Number(process.env.PORT ?? 8787);
const server = await serveStatic({ "/": `${root}www`, "/pkg/": `${root}pkg` }, { port });
console.log(`idv-handoff demo: ${server.url}/  (Ctrl-C stops it)`);
process.on("SIGINT", () => server.close().then(() => process.exit(0)));
process.on("SIGTERM", () => server.close().then(() => process.exit(0)));
