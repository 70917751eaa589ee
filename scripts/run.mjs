#!/usr/bin/env node
// The root's `start`, `test`, `example` and `memory` commands, for a fresh machine with only
// Node 22.17+: they install the workspace with the pinned pnpm when node_modules is missing, then
// run the task.
//
//   npm start          (or pnpm start)   the sample service on embedded defaults (PGlite + files in .data/)
//   npm test           (or pnpm test)    every test suite (PGlite; PostgreSQL too when MEMORY_TEST_PG_URL is set)
//   npm run example                      the five-minute tour of the database layer
//   npm run memory -- doctor             the memory CLI
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 17)) {
  console.error(
    `[memory] Node ${process.versions.node} is too old: Node 22.17 or newer is needed.\n` +
      `  Run \`source scripts/bootstrap.sh\` to install Node 24 into .tools/, then try again.`,
  );
  process.exit(1);
}

const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
};
const hasPnpm = () => spawnSync('pnpm', ['--version'], { encoding: 'utf8' }).stdout?.trim() === pnpmVersion;
const pnpm = (args) => (hasPnpm() ? run('pnpm', args) : run('npx', ['--yes', `pnpm@${pnpmVersion}`, ...args]));

if (!existsSync(join(root, 'node_modules', '.modules.yaml'))) {
  console.error(`[memory] installing dependencies with pnpm ${pnpmVersion} (first run only)`);
  const code = pnpm(['install', '--frozen-lockfile']);
  if (code !== 0) process.exit(code);
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
const task = process.argv[2];
const rest = process.argv.slice(3);
let code;
switch (task) {
  case 'test':
    code = run(bin('vitest'), ['run', ...rest]);
    break;
  case 'start':
  case 'example':
  case 'memory': {
    const app = existsSync(join(root, 'apps', 'example', 'package.json'));
    if (!app) {
      console.error('[memory] apps/example is missing');
      process.exit(1);
    }
    code = run(bin('turbo'), ['run', 'build', '--filter=@memory/example...', '--output-logs=errors-only']);
    const entry = { start: 'main.js', example: 'quickstart.js', memory: 'cli.js' }[task];
    if (code === 0) code = run(process.execPath, [join(root, 'apps', 'example', 'dist', entry), ...rest]);
    break;
  }
  default:
    console.error(`[memory] unknown task "${task}": use start, test, example or memory`);
    code = 2;
}
process.exit(code);
