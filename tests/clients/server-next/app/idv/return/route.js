// GET /idv/return. A folder of its own, not a dynamic [step]: in the Edge runtime, Next adds a
// dynamic segment to request.url's query (`?step=return`), which the return route would carry on.
import { idv } from "../../../lib/idv.js";

export const runtime = "nodejs";
export { idv as GET };
