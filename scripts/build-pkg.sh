#!/usr/bin/env bash
# Builds pkg/, the npm package idv-handoff: one `wasm-bindgen --target web` build, shipped as it
# is generated, wasm-opt on the .wasm, and the hand-written entries of pkg-template/ beside it.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --target wasm32-unknown-unknown --lib --no-default-features
rm -rf pkg
# --experimental-reset-state-function: the glue exports __wbg_reset_state, which gives the module a
# fresh instance; pkg-template/api.js calls it after a fault inside the wasm (a trap, or an
# exception thrown through it), so one fault never leaves the module broken. (wasm-bindgen's
# abort handler would do this from Rust, but its output needs wasm GC types, which Node 20 and
# Safari before 18 refuse.)
# --omit-default-module-path: the glue names no .wasm file of its own, so bundlers of the default
# entry (which inlines the wasm) emit no unused copy of it; pkg-template/init.js names it instead.
wasm-bindgen --target web --experimental-reset-state-function --omit-default-module-path --no-typescript \
  --out-dir pkg target/wasm32-unknown-unknown/release/idv_handoff.wasm
# The flags, with why each is there, are in scripts/wasm-opt.flags.
mapfile -t wasm_opt_flags < <(grep -v -e '^#' -e '^$' scripts/wasm-opt.flags)
node_modules/.bin/wasm-opt "${wasm_opt_flags[@]}" pkg/idv_handoff_bg.wasm -o pkg/idv_handoff_bg.wasm
# The default entry carries the wasm inline (pkg-template/index.js says why).
node scripts/inline-wasm.mjs pkg/idv_handoff_bg.wasm pkg/idv_handoff_bg.wasm.js
cp pkg-template/* pkg/
# The class the glue throws must be the one the package exports: one module re-exports it from
# the snippet wasm-bindgen wrote under a hashed path.
snippet=$(cd pkg && ls snippets/*/src/bindings/objects.js)
printf '// The snippet of src/bindings/objects.js that the glue imports, under a stable name.\nexport { IdvError } from "./%s";\n' "$snippet" > pkg/idv_error.js
# CommonJS for `require` where a CommonJS loader cannot load ESM (Jest's, before Node 24.9): the
# same modules bundled as they are (not minified), with a source map. `import.meta` in init.js
# has no CommonJS counterpart: init.cjs needs the wasm's source passed in.
for entry in index init; do
  node_modules/.bin/esbuild "pkg/$entry.js" --bundle --format=cjs --platform=neutral --sourcemap \
    --log-override:empty-import-meta=silent --log-level=warning --outfile="pkg/$entry.cjs"
  cp "pkg-template/$entry.d.ts" "pkg/$entry.d.cts"
done
sed -i 's#"./index.js"#"./index.cjs"#' pkg/init.d.cts
cp README.md LICENSE-MIT LICENSE-APACHE pkg/
echo "pkg: $(wc -c < pkg/idv_handoff_bg.wasm) bytes of wasm"
