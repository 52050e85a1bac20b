#!/usr/bin/env bash
# Proof that the published package works for a library user: pack it, install the tarball into a
# fresh project with vitest, and run assertRun there on a correct and a broken embedded broker
# (the test file is scripts/packed-package.test.ts.txt). Leaves nothing behind. Needs the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(scripts/ensure-node.sh):$PATH"
dir="$(mktemp -d -t gauntlet-packed-XXXXXX)"
trap 'rm -rf "$dir"' EXIT
npm pack --silent --pack-destination "$dir" >/dev/null
cd "$dir"
npm init -y >/dev/null
npm install ./gauntlet-*.tgz vitest@4 --no-audit --no-fund --loglevel=error >/dev/null
mkdir test
sed "s#/tmp/pkgtest/reports#$dir/reports#g" "$OLDPWD/scripts/packed-package.test.ts.txt" > test/gauntlet.test.ts
npx vitest run
