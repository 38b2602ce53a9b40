// POST /edge/api/idv/sessions, GET /edge/api/idv/sessions/:id, and their CORS preflight.
import { idv } from "../../../../../lib/idv-edge.js";

export const runtime = "edge";
export { idv as GET, idv as POST, idv as OPTIONS };
