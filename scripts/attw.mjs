#!/usr/bin/env node
// Runs Are The Types Wrong (`attw --pack --profile esm-only`) on every published package of the
// workspace (not private, with an `exports` map), on its built output: run after `pnpm build`.
// The esm-only profile checks the resolutions that matter for an ESM-only package (node16 ESM
// and bundler), not the CommonJS ones these packages deliberately do not offer.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const attw = join(root, 'node_modules', '.bin', 'attw');
const listed = JSON.parse(
  execFileSync('pnpm', ['ls', '-r', '--depth', '-1', '--json'], { cwd: root, encoding: 'utf8' }),
);
let failed = 0;
for (const { path } of listed) {
  const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
  if (manifest.private || !manifest.exports) continue;
  if (!existsSync(join(path, 'dist'))) {
    console.error(`[attw] ${manifest.name}: no dist/ (run pnpm build first)`);
    failed++;
    continue;
  }
  const result = spawnSync(attw, ['--pack', '.', '--profile', 'esm-only', '--format', 'table-flipped'], {
    cwd: path,
    stdio: 'inherit',
  });
  if (result.error) console.error(`[attw] ${manifest.name}: ${result.error.message}`);
  if (result.status !== 0) failed++;
}
if (failed > 0) {
  console.error(`[attw] ${failed} package(s) with type resolution problems`);
  process.exit(1);
}
