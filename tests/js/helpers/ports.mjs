// Free loopback ports for the servers tests start (workerd through Miniflare, stubs).
import { createServer } from "node:net";

/** Binds `port` (0: any) on 127.0.0.1 and frees it again; resolves to the port, or null if taken. */
function probe(port) {
  return new Promise((ok) => {
    const server = createServer();
    server.once("error", () => ok(null));
    server.listen(port, "127.0.0.1", () => {
      const bound = server.address().port;
      server.close(() => ok(bound));
    });
  });
}

/** A port the system says is free on 127.0.0.1 right now. */
export async function freePort() {
  for (;;) {
    const port = await probe(0);
    if (port !== null) return port;
  }
}

/** Two consecutive free ports (the demo's app and its stand-in provider on the next one). */
export async function freePortPair() {
  for (;;) {
    const port = await freePort();
    if (port < 65000 && (await probe(port + 1)) !== null) return [port, port + 1];
  }
}
