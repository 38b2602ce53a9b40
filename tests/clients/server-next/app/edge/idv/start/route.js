// GET /edge/idv/start (see app/idv/start/route.js).
import { idv } from "../../../../lib/idv-edge.js";

export const runtime = "edge";
export { idv as GET };
