// A Node-only TypeScript project (no DOM lib, @types/node, skipLibCheck off): what a server or
// proxy gets. The package's declarations must compile here with no browser types.
import { normalizeSessionRequest, parseCallback, IdvError, createState } from "idv-handoff";
import type { SessionRequestBody, Callback } from "idv-handoff";
import init, { initSync } from "idv-handoff/init";

const body = normalizeSessionRequest({ firstName: "Jane", lastName: "Doe", email: "jane@example.com", phone: "+15551234567" }) as SessionRequestBody;
const callback: Callback = parseCallback(new URL("https://yourapp.com/done?session_id=a&status=success"));
try {
  parseCallback("?status=success", { expectedState: createState() });
} catch (e) {
  if (e instanceof IdvError) console.log(e.code, e.field, body.first_name, callback.sessionId);
}
void init;
void initSync;
