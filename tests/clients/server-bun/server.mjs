// Bun: the handler is Bun.serve's fetch. Run with `bun server.mjs`.
import { createIdvHandler } from "idv-handoff/server";

const idv = createIdvHandler({
  provider: "deepidv",
  apiKey: process.env.IDV_API_KEY,
  returnUrls: [process.env.RETURN_URL], // e.g. "https://yourapp.com/idv/return"
  // The stand-in provider on loopback: leave both out to call deepidv itself.
  providerUrl: process.env.PROVIDER_URL,
  allowInsecureLocalhost: true,
});

Bun.serve({ port: Number(process.env.PORT), hostname: "127.0.0.1", fetch: idv });
