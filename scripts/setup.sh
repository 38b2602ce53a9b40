#!/usr/bin/env bash
# Installs everything a bare Debian 12 machine lacks to build and test idv-handoff.
# Idempotent: each step checks first and skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen *= *{* *\(version *= *\)*"=\([0-9.]*\)".*/\2/p' Cargo.toml | head -1)
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "setup: wasm-bindgen is not pinned in Cargo.toml" >&2; exit 1; }

say() { printf 'setup: %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
# llvm-tools: llvm-cov for `make fuzz`'s coverage figures.
for c in rustfmt clippy llvm-tools; do
  rustup component list --installed | grep -q "^$c" || rustup component add "$c"
done

apt_pkgs=()
for p in chromium chromium-driver firefox-esr webkit2gtk-driver xvfb xauth brotli; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || apt_pkgs+=("$p")
done
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  say "installing Debian packages: ${apt_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${apt_pkgs[@]}"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
  # No --locked: the registry mirror lacks one locked transitive version (TOOLCHAIN.md).
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! command -v geckodriver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/geckodriver" ]; then
  say "installing geckodriver (a few minutes)"
  cargo install geckodriver
fi

# cargo-fuzz (libFuzzer) for scripts/fuzz.sh; it runs on the stable compiler (RUSTC_BOOTSTRAP).
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo install cargo-fuzz --version 0.13.2
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dev dependencies"
  # `npm install`, not `npm ci`: with this machine's npm 11 settings the lock file leaves out
  # rollup's optional packages for other platforms, which `npm ci` then reports as missing.
  # With the lock file present, `npm install` installs exactly its versions.
  npm install --no-audit --no-fund
fi
say "done"
