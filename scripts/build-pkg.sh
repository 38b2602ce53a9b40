#!/usr/bin/env bash
# Builds pkg/, the npm package idv-handoff: two builds of the crate, each through wasm-bindgen
# `--target web` and shipped as it is generated, wasm-opt on each .wasm, and the hand-written
# entries of pkg-template/ beside them:
#   pkg/         the browser's and every client's: parseCallback, the handoff, createSession;
#   pkg/server/  the server half's (`idv-handoff/server`): the same with the proxy's decisions
#                (feature `server`), which would otherwise weigh on every browser page.
set -euo pipefail
cd "$(dirname "$0")/.."

rm -rf pkg
mkdir -p pkg/server
mapfile -t wasm_opt_flags < <(grep -v -e '^#' -e '^$' scripts/wasm-opt.flags)
# One build into `out`: cargo with `features`, wasm-bindgen, wasm-opt, the inlined copy, and the
# module that names the snippet's IdvError under a stable path.
build() {
  local out=$1 features=$2
  cargo build --release --target wasm32-unknown-unknown --lib --no-default-features --features "$features"
  # --experimental-reset-state-function: the glue exports __wbg_reset_state, which gives the
  # module a fresh instance; pkg-template/guard.js calls it after a fault inside the wasm (a
  # trap, or an exception thrown through it), so one fault never leaves the module broken.
  # (wasm-bindgen's abort handler would do this from Rust, but its output needs wasm GC types,
  # which Node 20 and Safari before 18 refuse.)
  # --omit-default-module-path: the glue names no .wasm file of its own, so bundlers of the
  # default entry (which inlines the wasm) emit no unused copy of it; init.js names it instead.
  wasm-bindgen --target web --experimental-reset-state-function --omit-default-module-path --no-typescript \
    --out-dir "$out" target/wasm32-unknown-unknown/release/idv_handoff.wasm
  # The flags, with why each is there, are in scripts/wasm-opt.flags.
  node_modules/.bin/wasm-opt "${wasm_opt_flags[@]}" "$out/idv_handoff_bg.wasm" -o "$out/idv_handoff_bg.wasm"
  # The default entries carry the wasm inline (pkg-template/index.js says why).
  node scripts/inline-wasm.mjs "$out/idv_handoff_bg.wasm" "$out/idv_handoff_bg.wasm.js"
  # The class the glue throws must be the one the package exports: one module re-exports it
  # (and the tab opener, which keeps the pending handoff where the glue's functions look for it)
  # from the snippet wasm-bindgen wrote under a hashed path.
  local snippet
  snippet=$(cd "$out" && ls snippets/*/src/bindings/objects.js)
  printf '// The snippet of src/bindings/objects.js that the glue imports, under a stable name.\nexport { IdvError, openHandoffWindow } from "./%s";\n' "$snippet" > "$out/idv_error.js"
}
build pkg/server server
build pkg ""
cp pkg-template/* pkg/
# CommonJS for `require` where a CommonJS loader cannot load ESM (Jest's, before Node 24.9): the
# same modules bundled as they are (not minified), with a source map to the ESM files shipped
# beside it. `import.meta` in init.js has no CommonJS counterpart: init.cjs needs the wasm's
# source passed in.
for entry in index init server; do
  node_modules/.bin/esbuild "pkg/$entry.js" --bundle --format=cjs --platform=neutral --sourcemap --sources-content=false \
    --log-override:empty-import-meta=silent --log-level=warning --outfile="pkg/$entry.cjs"
  cp "pkg-template/$entry.d.ts" "pkg/$entry.d.cts"
done
sed -i 's#"./index.js"#"./index.cjs"#' pkg/init.d.cts pkg/server.d.cts
cp README.md LICENSE-MIT LICENSE-APACHE pkg/
echo "pkg: $(wc -c < pkg/idv_handoff_bg.wasm) bytes of wasm, $(wc -c < pkg/server/idv_handoff_bg.wasm) for the server half"
