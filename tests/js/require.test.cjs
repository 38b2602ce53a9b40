// CommonJS users: require("idv-handoff") loads the same ESM Node entry (Node >= 20.19).
const { test } = require("node:test");
const assert = require("node:assert/strict");

test("require('idv-handoff') gives parseCallback and IdvError", () => {
  const { parseCallback, IdvError } = require("idv-handoff");
  assert.equal(parseCallback("?session_id=a&status=abandoned&reason=user_cancelled").reason, "user_cancelled");
  assert.throws(() => parseCallback("?status=success"), (e) => e instanceof IdvError && e.code === "missing_session_id");
});
