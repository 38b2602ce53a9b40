// Free loopback ports for the servers tests start (workerd through Miniflare, stubs).
import { createServer } from "node:net";

/** A port the system says is free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
    server.on("error", fail);
  });
}

/** A free port and the one after it (the demo's app and stand-in provider). */
export async function freePortPair() {
  for (;;) {
    const port = await freePort();
    if (port < 65000) return [port, port + 1];
  }
}
