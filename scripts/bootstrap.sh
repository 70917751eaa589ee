#!/usr/bin/env bash
# Brings a Node.js >= 22.17 and the pnpm pinned in package.json's packageManager into reach.
#
#   source scripts/bootstrap.sh     # sets PATH in the current shell
#   bash scripts/bootstrap.sh       # installs, then prints the PATH line to use
#
# Not needed for `npm start` / `npm test` (scripts/run.mjs fetches Node itself); for working on the repo.
# When the machine's node is older than 22.17, the Node pinned in package.json (memory.node) is installed from the npm registry
# (package `node`, which ships the binaries) into .tools/node (git-ignored). pnpm is installed
# into .tools/pnpm unless the one on PATH already has the pinned version. Idempotent.

_memory_bootstrap() {
  local root node_version pnpm_version tools
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  tools="$root/.tools"
  node_version="$(sed -n 's/.*"node": *"\([0-9][0-9.]*\)".*/\1/p' "$root/package.json" | head -1)"
  pnpm_version="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$root/package.json")"

  _memory_node_ok() {
    command -v node >/dev/null 2>&1 || return 1
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=17)?0:1)'
  }

  if [ -x "$tools/node/node_modules/.bin/node" ]; then
    PATH="$tools/node/node_modules/.bin:$PATH"
  fi
  if ! _memory_node_ok; then
    command -v npm >/dev/null 2>&1 || { echo "[memory/bootstrap] npm is needed to fetch Node $node_version" >&2; return 1; }
    echo "[memory/bootstrap] installing Node $node_version into .tools/node" >&2
    mkdir -p "$tools/node"
    npm install --prefix "$tools/node" --no-save --no-audit --no-fund --loglevel=error "node@$node_version" >&2 || return 1
    PATH="$tools/node/node_modules/.bin:$PATH"
    _memory_node_ok || { echo "[memory/bootstrap] Node install failed" >&2; return 1; }
  fi

  if [ -x "$tools/pnpm/node_modules/.bin/pnpm" ]; then
    PATH="$tools/pnpm/node_modules/.bin:$PATH"
  fi
  if [ "$(pnpm --version 2>/dev/null)" != "$pnpm_version" ]; then
    echo "[memory/bootstrap] installing pnpm $pnpm_version into .tools/pnpm" >&2
    mkdir -p "$tools/pnpm"
    npm install --prefix "$tools/pnpm" --no-save --no-audit --no-fund --loglevel=error "pnpm@$pnpm_version" >&2 || return 1
    PATH="$tools/pnpm/node_modules/.bin:$PATH"
  fi
  export PATH
  export COREPACK_ENABLE_STRICT=0
  echo "[memory/bootstrap] node $(node --version), pnpm $(pnpm --version)" >&2
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  _memory_bootstrap
  echo "export PATH=\"$PATH\""
else
  _memory_bootstrap
fi
