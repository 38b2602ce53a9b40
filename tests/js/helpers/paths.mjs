import { fileURLToPath } from "node:url";
import { mkdirSync } from "node:fs";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** Where tests write what they build or capture (screenshots, bundles). */
export function outDir(name) {
  const dir = fileURLToPath(new URL(`../../../target/test-output/${name}/`, import.meta.url));
  mkdirSync(dir, { recursive: true });
  return dir;
}
