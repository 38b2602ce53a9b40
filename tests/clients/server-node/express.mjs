// Express 5: the handler's routes through toNodeListener, mounted before any body parser
// (express.json() would read the body the handler reads).
import express from "express";
import { idv } from "./idv.mjs";
import { toNodeListener } from "./to-node.mjs";

const app = express();
app.all(["/api/idv/*path", "/idv/start", "/idv/return"], toNodeListener(idv));

// The app's own routes, with the body parser they use.
app.use(express.json());
app.post("/api/echo", (req, res) => res.json(req.body));

app.listen(Number(process.env.PORT), "127.0.0.1");
