// The handler every server of this folder mounts (idv-handoff/server, the default entry).
import { createIdvHandler } from "idv-handoff/server";

export const idv = createIdvHandler({
  provider: "deepidv",
  apiKey: process.env.IDV_API_KEY,
  returnUrls: [process.env.RETURN_URL], // e.g. "https://yourapp.com/idv/return"
  // The stand-in provider on loopback: leave both out to call deepidv itself.
  providerUrl: process.env.PROVIDER_URL,
  allowInsecureLocalhost: true,
});
