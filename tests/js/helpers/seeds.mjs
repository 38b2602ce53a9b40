// The provider documents the table-driven tests quote: tests/data/seeds/, this repository's copy
// of the team's shared/seeds (tests/documents.rs holds the two to the same bytes).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { ROOT } from "./paths.mjs";

const SEEDS = `${ROOT}tests/data/seeds/`;
const lines = new Map();

/** Line `line` (1-based) of document `file` ("003"). */
function seedLine(file, line) {
  if (!lines.has(file)) {
    const name = readdirSync(SEEDS).find((n) => n.startsWith(`${file}_`));
    assert.ok(name, `no document ${file}_* in ${SEEDS}`);
    lines.set(file, readFileSync(`${SEEDS}${name}`, "utf8").split("\n"));
  }
  return lines.get(file)[line - 1];
}

/** Fails unless `quote` is on the line `ref` ("003:254") names. */
export function checkSeedQuote(ref, quote) {
  const [, file, line] = ref.match(/^(\d{3}):(\d+)$/) ?? [];
  assert.ok(file, `malformed reference ${ref}`);
  const text = seedLine(file, Number(line));
  assert.ok(text?.includes(quote), `${ref} is ${JSON.stringify(text)}, without ${JSON.stringify(quote)}`);
}
