#!/usr/bin/env bash
# Every test layer, in order of speed. `make test` runs this after `make setup`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
WASM=wasm32-unknown-unknown
step() { printf '\n==== %s\n' "$*"; }
# wasm-bindgen-test-runner picks the browser from the one driver variable that is set.
browser_test() { env -u CHROMEDRIVER -u GECKODRIVER -u SAFARIDRIVER "$@" cargo test --target $WASM --test browser --test browser_handoff --test browser_wpt; }

step "format and lint"
cargo fmt --check
cargo clippy --all-targets -- -D warnings
cargo clippy --all-targets --target $WASM -- -D warnings
cargo clippy --lib --target $WASM --no-default-features -- -D warnings
cargo clippy --lib --target $WASM --no-default-features --features server -- -D warnings

step "native core (cargo test)"
cargo test

step "fuzz briefly (cargo-fuzz, ${FUZZ_SECONDS:-5} s a target; \`make fuzz\` for longer)"
scripts/fuzz.sh "${FUZZ_SECONDS:-5}"

step "wasm in Chromium"
browser_test CHROMEDRIVER=/usr/bin/chromedriver
step "wasm in Firefox ESR"
browser_test GECKODRIVER="$(command -v geckodriver || echo "$HOME/.cargo/bin/geckodriver")"
step "wasm in WebKitGTK"
browser_test SAFARIDRIVER=/usr/bin/WebKitWebDriver xvfb-run -a

step "package (pkg/), installed from its tarball"
scripts/build-pkg.sh
scripts/install-pkg.sh

step "package in Node, workerd, Vite and a plain page (node --test)"
# Bounded: a test that hangs fails after 5 minutes (CI must never wait on a stuck run).
node --test --test-timeout=300000 tests/js/

step "client stacks: each tool building an app from the packed tarball (tests/clients)"
node tests/clients/run.mjs --tarball "$(ls -t target/idv-handoff-*.tgz | head -1)"
