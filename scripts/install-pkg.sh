#!/usr/bin/env bash
# Installs the built package the way a user gets it: `npm pack` of pkg/ (so `files` is
# exercised), then `npm install` of that tarball into this workspace's node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
tarball=$(npm pack ./pkg --pack-destination target --silent 2>/dev/null | tail -1)
npm install --no-save --no-audit --no-fund --loglevel=error "./target/$tarball" 2>&1 | grep -v 'Unknown user config' || true
test -f node_modules/idv-handoff/package.json
echo "install-pkg: node_modules/idv-handoff from target/$tarball"
