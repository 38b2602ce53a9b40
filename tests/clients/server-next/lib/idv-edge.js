// The handler of the Edge routes (app/edge/api/idv/[...path], app/edge/idv/start,
// app/edge/idv/return): as lib/idv.js, its routes under /edge.
import { createIdvHandler } from "idv-handoff/server";

let handler;
export const idv = (request, context) =>
  (handler ??= createIdvHandler({
    provider: "deepidv",
    apiKey: process.env.IDV_API_KEY,
    returnUrls: [process.env.EDGE_RETURN_URL], // e.g. "https://yourapp.com/edge/idv/return"
    apiPath: "/edge/api/idv",
    startPath: "/edge/idv/start",
    // Under `next start`, request.url is http://localhost:<port> whatever the Host: the app's
    // public origin must be named for its own pages' requests (their Origin) to be let in.
    allowedOrigins: [process.env.APP_ORIGIN], // e.g. "https://yourapp.com"
    // The stand-in provider on loopback: leave both out to call deepidv itself.
    providerUrl: process.env.PROVIDER_URL,
    allowInsecureLocalhost: true,
  }))(request, context);
