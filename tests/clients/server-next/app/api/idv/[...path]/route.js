// POST /api/idv/sessions, GET /api/idv/sessions/:id, and their CORS preflight.
import { idv } from "../../../../lib/idv.js";

export const runtime = "nodejs";
export { idv as GET, idv as POST, idv as OPTIONS };
