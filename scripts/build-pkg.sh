#!/usr/bin/env bash
# Builds pkg/, the npm package idv-handoff: one `wasm-bindgen --target web` build, wasm-opt on
# its output, and each runtime's entry (pkg-template/) bundled with the glue into one minified
# module, so a browser fetches two files (the entry and the .wasm), not a chain of six modules.
set -euo pipefail
cd "$(dirname "$0")/.."

stage=target/pkg-stage
cargo build --release --target wasm32-unknown-unknown --lib --no-default-features
rm -rf "$stage" pkg
wasm-bindgen --target web --out-dir "$stage" target/wasm32-unknown-unknown/release/idv_handoff.wasm
cp pkg-template/* "$stage"/

# The class the glue throws must be the one the package exports: re-export it from the
# snippet wasm-bindgen wrote under a hashed path.
snippet=$(cd "$stage" && ls snippets/*/src/bindings/objects.js)
printf 'export { IdvError } from "./%s";\n' "$snippet" > "$stage/idv_error.js"

mkdir -p pkg
# The flags, with why each is there, are in scripts/wasm-opt.flags.
mapfile -t wasm_opt_flags < <(grep -v -e '^#' -e '^$' scripts/wasm-opt.flags)
node_modules/.bin/wasm-opt "${wasm_opt_flags[@]}" "$stage/idv_handoff_bg.wasm" -o pkg/idv_handoff_bg.wasm
# Short import/export/module names in the wasm, and the glue rewritten to match.
node scripts/minify-names.mjs pkg/idv_handoff_bg.wasm "$stage/idv_handoff.js"
# Two pieces of glue no caller can reach.
node scripts/trim-glue.mjs "$stage/idv_handoff.js"
# The .wasm itself and node's file system stay imports: each entry loads them its own way.
node_modules/.bin/esbuild "$stage"/index.browser.js "$stage"/index.node.js "$stage"/index.workerd.js \
  "$stage"/init.js --bundle --minify --format=esm --platform=neutral --log-level=warning \
  --external:'*.wasm' --external:'node:*' --outdir=pkg
# A second pass with terser: its three compress passes find about 0.1 KB gzip more than esbuild
# alone (safe options only: no getter or side effect is assumed away).
for entry in pkg/index.browser.js pkg/index.node.js pkg/index.workerd.js pkg/init.js; do
  node_modules/.bin/terser "$entry" --module --compress passes=3 --mangle -o "$entry"
done
cp "$stage"/idv_handoff.d.ts "$stage"/index.d.ts "$stage"/init.d.ts "$stage"/package.json pkg/
cp README.md pkg/README.md
echo "pkg: built $(wc -c < pkg/idv_handoff_bg.wasm) bytes of wasm, $(wc -c < pkg/index.browser.js) bytes of browser entry"
