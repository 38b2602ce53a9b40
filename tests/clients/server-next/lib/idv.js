// The handler of the Node.js routes (app/api/idv/[...path], app/idv/start, app/idv/return).
// Made at the first request, not when the module loads: `next build` loads every route module
// (to collect its configuration) without the runtime's environment (the API key), and
// createIdvHandler refuses a missing option.
import { createIdvHandler } from "idv-handoff/server";

let handler;
export const idv = (request, context) =>
  (handler ??= createIdvHandler({
    provider: "deepidv",
    apiKey: process.env.IDV_API_KEY,
    returnUrls: [process.env.RETURN_URL], // e.g. "https://yourapp.com/idv/return"
    // Under `next start`, request.url is http://localhost:<port> whatever the Host: the app's
    // public origin must be named for its own pages' requests (their Origin) to be let in.
    allowedOrigins: [process.env.APP_ORIGIN], // e.g. "https://yourapp.com"
    // The stand-in provider on loopback: leave both out to call deepidv itself.
    providerUrl: process.env.PROVIDER_URL,
    allowInsecureLocalhost: true,
  }))(request, context);
