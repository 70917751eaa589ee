#!/usr/bin/env bash
# Scaffolds packages/<dir> as @memory/<dir>: bash scripts/new-package.sh <dir> "<description>"
set -euo pipefail
dir="$1"; desc="$2"; root="$(cd "$(dirname "$0")/.." && pwd)"
p="$root/packages/$dir"
mkdir -p "$p/src"
[ -f "$p/package.json" ] || cat > "$p/package.json" <<JSON
{
  "name": "@memory/$dir",
  "version": "0.0.0",
  "description": "$desc",
  "license": "MIT",
  "type": "module",
  "sideEffects": false,
  "engines": { "node": ">=22.17" },
  "files": ["dist"],
  "exports": {
    ".": {
      "@memory/source": "./src/index.ts",
      "types": "./dist/index.d.ts",
      "default": "./dist/index.js"
    },
    "./package.json": "./package.json"
  },
  "main": "./dist/index.js",
  "types": "./dist/index.d.ts",
  "scripts": {
    "build": "tsup",
    "typecheck": "tsc --noEmit",
    "test": "vitest run",
    "lint:package": "publint --strict"
  },
  "dependencies": {},
  "devDependencies": {}
}
JSON
[ -f "$p/tsconfig.json" ] || cat > "$p/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "noEmit": true },
  "include": ["src", "test", "*.ts"]
}
JSON
[ -f "$p/tsup.config.ts" ] || cat > "$p/tsup.config.ts" <<'TS'
import { packageBuild } from '../../tsup.shared.js';

export default packageBuild();
TS
[ -f "$p/vitest.config.ts" ] || cat > "$p/vitest.config.ts" <<TS
import { packageConfig } from '../../vitest.shared.js';

export default packageConfig('$dir');
TS
[ -f "$p/src/index.ts" ] || echo "export {};" > "$p/src/index.ts"
echo "scaffolded packages/$dir"
