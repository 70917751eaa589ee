#!/usr/bin/env node
// The root's `start`, `test`, `example` and `memory` commands, for a fresh machine with any
// Node 18 or newer and nothing else:
//
//   npm start          (or pnpm start)   the sample service on embedded defaults (PGlite + files in .data/)
//   npm test           (or pnpm test)    every test suite (PGlite; PostgreSQL too when MEMORY_TEST_PG_URL is set)
//   npm run example                      the five-minute tour of the database layer
//   npm run memory -- doctor             the memory CLI
//
// 1. When this Node is older than the project needs (22.17), the pinned Node (package.json
//    `memory.node`) is fetched once from the npm registry into .tools/node and this script re-runs
//    under it, with .tools/node first on PATH for everything it starts. No `source` step, any shell.
// 2. The pinned pnpm (package.json `packageManager`) is used, fetched into .tools/pnpm if needed;
//    the workspace is installed when node_modules is missing.
// 3. `start`, `example` and `memory` build the packages they need (turbo, cached), showing progress.
// 4. The task runs as a child; SIGTERM, SIGINT and SIGHUP are forwarded to it and the launcher exits
//    with its status, so stopping `npm start` stops the server and frees its port and lock.
//
// Everything the launcher itself prints goes to stderr: stdout belongs to the task, so
// `npm run --silent memory -- --json doctor` prints only JSON.
//
// This file must keep running on Node 18: no syntax or API newer than that.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const NEEDED = [22, 17];
const pinnedNode = pkg.memory.node;
const pinnedPnpm = pkg.packageManager.split('@')[1];
const tools = process.env.MEMORY_TOOLS_DIR || join(root, '.tools');
const isWin = process.platform === 'win32';

const say = (message) => process.stderr.write(`[memory] ${message}\n`);
const nodeOk = (version) => {
  const [major, minor] = version.split('.').map(Number);
  return major > NEEDED[0] || (major === NEEDED[0] && minor >= NEEDED[1]);
};
const withPath = (env, dir) => ({ ...env, PATH: `${dir}${delimiter}${env.PATH || ''}` });

/** Runs to completion, the child's stdout sent to our stderr (the launcher's own chatter). */
const runQuiet = (cmd, args, env = process.env) => {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: ['inherit', 2, 'inherit'], shell: isWin });
  if (r.error) throw r.error;
  return r.status ?? 1;
};

/** `npm install` of one package into a folder of .tools (the npm that ships with every Node). */
const npmInstallInto = (dir, spec) => {
  mkdirSync(dir, { recursive: true });
  const npmCli =
    process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : null;
  const args = ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', spec];
  return npmCli ? runQuiet(process.execPath, [npmCli, ...args]) : runQuiet(isWin ? 'npm.cmd' : 'npm', args);
};

/** Runs the final task as a child, forwarding stop signals; resolves with the exit code to use. */
const runForwarding = (cmd, args, env) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: 'inherit', shell: isWin });
    const forward = (signal) => {
      // Ctrl-C on a terminal already reached the whole process group, the child included: a
      // second SIGINT would tell the CLI to quit without finishing its batch. Elsewhere (kill,
      // npm forwarding, a supervisor) only we got it.
      if (signal === 'SIGINT' && process.stdin.isTTY) return;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.on(s, forward);
    child.on('error', (error) => {
      say(`could not start ${cmd}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      const signum = { SIGINT: 2, SIGHUP: 1, SIGTERM: 15 }[signal];
      resolve(code ?? (signum ? 128 + signum : 1));
    });
  });

// 1. The right Node.
if (!nodeOk(process.versions.node)) {
  const [major] = process.versions.node.split('.').map(Number);
  if (major < 18) {
    say(`Node ${process.versions.node} is too old even to fetch a newer one: install Node 18 or newer.`);
    process.exit(1);
  }
  const binDir = isWin
    ? join(tools, 'node', 'node_modules', 'node', 'bin')
    : join(tools, 'node', 'node_modules', '.bin');
  const toolsNode = join(binDir, isWin ? 'node.exe' : 'node');
  const usable = () =>
    existsSync(toolsNode) &&
    nodeOk(spawnSync(toolsNode, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim() || '0.0');
  if (!usable()) {
    say(
      `Node ${process.versions.node} is older than ${NEEDED.join('.')}: fetching Node ${pinnedNode} into .tools/node (once, about 30 MB)`,
    );
    if (npmInstallInto(join(tools, 'node'), `node@${pinnedNode}`) !== 0 || !usable()) {
      say(
        `fetching Node ${pinnedNode} failed: install Node ${NEEDED.join('.')} or newer yourself, or check access to the npm registry`,
      );
      process.exit(1);
    }
  }
  say(`running under Node ${pinnedNode} from .tools/node`);
  const code = await runForwarding(
    toolsNode,
    [fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    withPath(process.env, binDir),
  );
  process.exit(code);
}

// From here on this is a recent enough Node; make sure the tools we start use it too.
let env = withPath(process.env, dirname(process.execPath));
env.TURBO_TELEMETRY_DISABLED = '1';
env.TURBO_NO_UPDATE_NOTIFIER = '1';
env.COREPACK_ENABLE_STRICT = '0';

// 2. The pinned pnpm, then the workspace.
const pnpmVersion = (pathEnv) =>
  (spawnSync('pnpm', ['--version'], { encoding: 'utf8', env: pathEnv, shell: isWin }).stdout || '').trim();
const pnpmBin = join(tools, 'pnpm', 'node_modules', '.bin');
if (existsSync(pnpmBin)) env = withPath(env, pnpmBin);
const ensurePnpm = () => {
  if (pnpmVersion(env) === pinnedPnpm) return true;
  say(`fetching pnpm ${pinnedPnpm} into .tools/pnpm (once)`);
  if (npmInstallInto(join(tools, 'pnpm'), `pnpm@${pinnedPnpm}`) !== 0) return false;
  env = withPath(env, pnpmBin);
  return pnpmVersion(env) === pinnedPnpm;
};
// turbo runs the packages' scripts through the package manager, so pnpm is needed on PATH.
if (!ensurePnpm()) {
  say(`fetching pnpm ${pinnedPnpm} failed: check access to the npm registry`);
  process.exit(1);
}
if (!existsSync(join(root, 'node_modules', '.modules.yaml'))) {
  say(`installing dependencies with pnpm ${pinnedPnpm} (first run only, about a minute)`);
  const code = runQuiet('pnpm', ['install', '--frozen-lockfile'], env);
  if (code !== 0) {
    say('pnpm install failed (see above)');
    process.exit(code);
  }
}

const bin = (name) => join(root, 'node_modules', '.bin', isWin ? `${name}.cmd` : name);

/**
 * Builds what `apps/example` needs with turbo (cached: seconds when nothing changed), showing
 * which package is being built; turbo's full log is printed only when the build fails.
 */
const build = () =>
  new Promise((resolve) => {
    const child = spawn(bin('turbo'), ['run', 'build', '--filter=@memory/example...', '--output-logs=hash-only'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: isWin,
    });
    const tty = process.stderr.isTTY;
    let log = '';
    let total = 0;
    let started = 0;
    let announced = false;
    let buffered = '';
    const onData = (chunk) => {
      const text = chunk.toString();
      log += text;
      buffered += text;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        const scope = /Running build in (\d+) packages/.exec(line);
        if (scope) total = Number(scope[1]);
        const task = /^(\S+):build: cache (miss|hit|bypass)/.exec(line.trim());
        if (!task) continue;
        started++;
        if (task[2] === 'hit') continue;
        if (!announced) {
          announced = true;
          say('building the packages (first run or after changes; cached afterwards)');
        }
        const status = `  building ${started}/${total || '?'} ${task[1]}`;
        if (tty) process.stderr.write(`\r\x1b[2K${status}`);
        else process.stderr.write(`${status}\n`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (log += chunk.toString()));
    child.on('error', (error) => {
      say(`could not start turbo: ${error.message}`);
      resolve(1);
    });
    child.on('close', (code) => {
      if (announced && tty) process.stderr.write('\r\x1b[2K');
      if (code !== 0) {
        process.stderr.write(log);
        say('the build failed (turbo output above)');
      } else if (announced) {
        const time = /Time:\s+(\S+)/.exec(log);
        say(`built ${total} packages${time ? ` in ${time[1]}` : ''}`);
      }
      resolve(code ?? 1);
    });
  });

// 3 and 4. The task.
const task = process.argv[2];
const rest = process.argv.slice(3);
let code;
switch (task) {
  case 'test':
    code = await runForwarding(bin('vitest'), ['run', ...rest], env);
    break;
  case 'start':
  case 'example':
  case 'memory': {
    if (!existsSync(join(root, 'apps', 'example', 'package.json'))) {
      say('apps/example is missing');
      process.exit(1);
    }
    code = await build();
    const entry = { start: 'main.js', example: 'quickstart.js', memory: 'cli.js' }[task];
    if (code === 0)
      code = await runForwarding(process.execPath, [join(root, 'apps', 'example', 'dist', entry), ...rest], env);
    break;
  }
  default:
    say(`unknown task "${task}": use start, test, example or memory`);
    code = 2;
}
process.exit(code);
