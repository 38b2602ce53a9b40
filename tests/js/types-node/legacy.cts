// The same from CommonJS TypeScript: `require` resolves to index.cjs and its index.d.cts.
import idv = require("idv-handoff");

const callback: idv.Callback = idv.parseCallback("?session_id=a&status=success");
console.log(callback.sessionId);
