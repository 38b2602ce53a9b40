// GET /edge/idv/return (see app/idv/return/route.js).
import { idv } from "../../../../lib/idv-edge.js";

export const runtime = "edge";
export { idv as GET };
