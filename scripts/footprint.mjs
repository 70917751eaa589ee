#!/usr/bin/env node
// Install footprint of every published package, as a user gets it: each package is packed
// (`pnpm pack`, which turns `workspace:^` into versions), then installed with npm into an empty
// temp folder from its tarball, with every `@memory/*` dependency taken from its own local
// tarball too (npm `overrides`), so nothing unpublished is fetched from the registry. Measured:
// the tarball's size, the size of the installed `node_modules` (apparent bytes of every file), and
// the number of packages installed besides the package itself. Required peers are installed (npm
// does that), optional peers are not: what a user installing only this package carries.
//
//   node scripts/footprint.mjs                 # build (turbo, cached), measure all, write README table
//   node scripts/footprint.mjs --no-build      # use the dist folders as they are
//   node scripts/footprint.mjs --only @memory/longterm-s3,@memory/errors --no-write
//   node scripts/footprint.mjs --json out.json # also write the figures as JSON
//
// The table goes into README.md between <!-- footprint:start --> and <!-- footprint:end -->.
import { execFile as execFileCb } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rm, stat, writeFile, lstat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as prettier from 'prettier';
import { publicPackages } from './public-packages.mjs';

const execFile = promisify(execFileCb);
const root = resolve(import.meta.dirname, '..');
/** Installed packages worth calling out: what a user of object storage or of PostgreSQL should not carry. */
const NOTABLE = {
  '@electric-sql/pglite': 'PGlite (WASM)',
  pg: 'pg',
  '@mikro-orm/core': 'MikroORM',
  '@aws-sdk/client-s3': 'AWS SDK',
  '@baiducloud/sdk': 'BOS SDK',
};
const START = '<!-- footprint:start -->';
const END = '<!-- footprint:end -->';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const only = option('--only')?.split(',').filter(Boolean);
const concurrency = Number(option('--concurrency') ?? 2);

async function run(command, commandArgs, cwd) {
  try {
    return await execFile(command, commandArgs, { cwd, maxBuffer: 64 * 1024 * 1024, env: process.env });
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`[footprint] ${command} ${commandArgs.join(' ')} failed in ${cwd}:\n${output}`);
  }
}

async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index], index);
      }
    }),
  );
  return results;
}

/** Apparent size of every file under `dir` (symlinks counted as links, not followed). */
async function treeBytes(dir) {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await treeBytes(path);
    else total += (await lstat(path)).size;
  }
  return total;
}

/** Every installed package directory (`node_modules/x`, `node_modules/@s/x`, nested ones too). */
async function installedPackages(nodeModules, into = []) {
  let entries;
  try {
    entries = await readdir(nodeModules, { withFileTypes: true });
  } catch {
    return into;
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const path = join(nodeModules, entry.name);
    const dirs = entry.name.startsWith('@')
      ? (await readdir(path, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(path, e.name))
      : [path];
    for (const dir of dirs) {
      into.push(dir);
      await installedPackages(join(dir, 'node_modules'), into);
    }
  }
  return into;
}

function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

async function main() {
  const all = await publicPackages(root);
  const selected = only ? all.filter((p) => only.includes(p.name)) : all;
  if (only && selected.length !== only.length) {
    const missing = only.filter((name) => !all.some((p) => p.name === name));
    throw new Error(`[footprint] unknown or private package(s): ${missing.join(', ')}`);
  }
  if (!flag('--no-build')) {
    console.error('[footprint] building (turbo, cached)...');
    await run(
      'pnpm',
      ['exec', 'turbo', 'run', 'build', ...all.map((p) => `--filter=${p.name}`), '--output-logs=errors-only'],
      root,
    );
  }
  const work = await mkdtemp(join(tmpdir(), 'memory-footprint-'));
  try {
    const tarballs = join(work, 'tarballs');
    await mkdir(tarballs);
    // Pack every public package: the selected ones may depend on any of them.
    const packed = new Map();
    await mapLimit(all, concurrency, async (pkg) => {
      const { stdout } = await run('pnpm', ['pack', '--pack-destination', tarballs], pkg.dir);
      const file = stdout
        .trim()
        .split('\n')
        .findLast((line) => line.trim().endsWith('.tgz'))
        ?.trim();
      if (!file) throw new Error(`[footprint] pnpm pack printed no tarball for ${pkg.name}`);
      const path = resolve(pkg.dir, file);
      packed.set(pkg.name, { path, bytes: (await stat(path)).size });
    });
    const overrides = Object.fromEntries([...packed].map(([name, { path }]) => [name, `file:${path}`]));
    const rows = await mapLimit(selected, concurrency, async (pkg) => {
      const dir = join(work, pkg.name.replace('/', '__'));
      await mkdir(dir);
      await writeFile(
        join(dir, 'package.json'),
        JSON.stringify({
          name: 'footprint-probe',
          private: true,
          dependencies: { [pkg.name]: overrides[pkg.name] },
          overrides,
        }),
      );
      console.error(`[footprint] installing ${pkg.name}...`);
      await run(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
          '--ignore-scripts',
          '--omit=dev',
          '--loglevel=error',
          '--no-package-lock',
        ],
        dir,
      );
      const nodeModules = join(dir, 'node_modules');
      const packages = await installedPackages(nodeModules);
      const names = await Promise.all(
        packages.map(async (p) => JSON.parse(await readFile(join(p, 'package.json'), 'utf8')).name),
      );
      const dependencies = names.filter((name) => name !== pkg.name);
      return {
        name: pkg.name,
        packedBytes: packed.get(pkg.name).bytes,
        installedBytes: await treeBytes(nodeModules),
        dependencies: dependencies.length,
        memoryDependencies: dependencies.filter((name) => name.startsWith('@memory/')).sort(),
        notable: Object.keys(NOTABLE).filter((name) => dependencies.includes(name)),
      };
    });
    const table = [
      '| package | packed | installed (with dependencies) | dependencies installed | of which `@memory/*` | brings |',
      '| --- | ---: | ---: | ---: | --- | --- |',
      ...rows.map(
        (r) =>
          `| \`${r.name}\` | ${formatBytes(r.packedBytes)} | ${formatBytes(r.installedBytes)} | ${r.dependencies} | ${
            r.memoryDependencies.map((n) => n.replace('@memory/', '')).join(', ') || 'none'
          } | ${r.notable.map((n) => NOTABLE[n]).join(', ') || 'none'} |`,
      ),
    ].join('\n');
    console.log(table);
    const jsonPath = option('--json');
    if (jsonPath) await writeFile(resolve(jsonPath), `${JSON.stringify(rows, null, 2)}\n`);
    if (!flag('--no-write')) {
      if (only)
        throw new Error('[footprint] --only measures a subset: add --no-write (the README table lists every package)');
      const readmePath = join(root, 'README.md');
      const readme = await readFile(readmePath, 'utf8');
      const start = readme.indexOf(START);
      const end = readme.indexOf(END);
      if (start < 0 || end < start) throw new Error(`[footprint] README.md needs the markers ${START} and ${END}`);
      const { stdout: npmVersion } = await run('npm', ['--version'], root);
      const note = `Measured by \`pnpm footprint\` (npm ${npmVersion.trim()}, Node ${process.versions.node}): each package packed, then installed alone from its tarball (\`@memory/*\` dependencies from theirs) with npm, required peers included, optional peers not; installed = the bytes of every file under \`node_modules\`; "brings" flags database engines, the ORM and the storage SDKs.`;
      const updated = `${readme.slice(0, start + START.length)}\n\n${note}\n\n${table}\n\n${readme.slice(end)}`;
      // Formatted as `prettier --check .` (in pnpm lint) wants it.
      await writeFile(
        readmePath,
        await prettier.format(updated, { ...(await prettier.resolveConfig(readmePath)), filepath: readmePath }),
      );
      console.error('[footprint] README.md updated');
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
