// Deno: the handler is what Deno.serve takes. Run with
//   deno run --allow-net --allow-env=IDV_API_KEY,RETURN_URL,PROVIDER_URL,PORT server.mjs
import { createIdvHandler } from "idv-handoff/server";

const idv = createIdvHandler({
  provider: "deepidv",
  apiKey: Deno.env.get("IDV_API_KEY"),
  returnUrls: [Deno.env.get("RETURN_URL")], // e.g. "https://yourapp.com/idv/return"
  // The stand-in provider on loopback: leave both out to call deepidv itself.
  providerUrl: Deno.env.get("PROVIDER_URL"),
  allowInsecureLocalhost: true,
});

Deno.serve({ port: Number(Deno.env.get("PORT")), hostname: "127.0.0.1" }, idv);
