// node:http: the handler through toNodeListener.
import { createServer } from "node:http";
import { idv } from "./idv.mjs";
import { toNodeListener } from "./to-node.mjs";

createServer(toNodeListener(idv)).listen(Number(process.env.PORT), "127.0.0.1");
