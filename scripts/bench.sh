#!/usr/bin/env bash
# `make bench` (after `make pkg`): installs what the benchmark needs, skipping what is there
# (bench/'s npm packages: the alternatives it compares with and the load generator; twiggy),
# installs the built package from its tarball as users get it, and runs bench/run.mjs.
# With IDV_PKG_DIR set (or `--pkg <dir>` passed on), that package directory is measured
# instead and nothing is installed into node_modules/idv-handoff.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

if [ ! -d bench/node_modules ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
  echo "bench: installing bench/'s npm packages"
  # `npm install` installs the lock file's versions (`npm ci` trips on this npm's lock files:
  # see scripts/setup.sh).
  (cd bench && npm install --no-audit --no-fund)
fi
if ! command -v twiggy >/dev/null 2>&1; then
  echo "bench: installing twiggy (about a minute)"
  cargo install twiggy --version 0.8.0
fi
case " $* " in
  *" --pkg"*) ;;
  *) [ -n "${IDV_PKG_DIR:-}" ] || scripts/install-pkg.sh ;;
esac
node bench/run.mjs "$@"
