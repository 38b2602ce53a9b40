// Hono on Node (@hono/node-server): the handler takes Hono's Request as it is.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { idv } from "./idv.mjs";

const app = new Hono();
app.on(["GET", "POST", "OPTIONS"], ["/api/idv/*", "/idv/start", "/idv/return"], (c) => idv(c.req.raw));

serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: "127.0.0.1" });
