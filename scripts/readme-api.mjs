#!/usr/bin/env node
// Checks that each published package's README lists its public API as its entry points export it
// (the `@memory/source` path of every entry in the `exports` map, i.e. `src/index.ts`), both ways:
//
// - every exported name appears in backticks in the README's prose (code examples do not count):
//   in the API table, a `Types:` line, or the section that documents it;
// - every name a README lists as an export is one: the first column of the tables headed
//   `export` (or `type`), and the lines that start with `Types:`, `Other exports:`, `types `.
//
//   node scripts/readme-api.mjs                     # every public package; exit 1 on a mismatch
//   node scripts/readme-api.mjs @memory/semantics   # only these
//
// Run by `pnpm lint`. Reads sources (no build needed), so it also runs before `pnpm build`.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { publicPackages } from './public-packages.mjs';

const root = resolve(import.meta.dirname, '..');
const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));

/** `[subpath, source file]` of every entry point with a `@memory/source` condition. */
function sourceEntries(pkg) {
  const entries = [];
  for (const [subpath, target] of Object.entries(pkg.manifest.exports ?? {})) {
    const source = typeof target === 'object' && target !== null ? target['@memory/source'] : undefined;
    if (typeof source === 'string') entries.push([subpath, join(pkg.dir, source)]);
  }
  return entries;
}

/** Text outside fenced code blocks (a code example is not a listing). */
function prose(text) {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

/** Every identifier inside a backtick span of `text`: what "appears in the README" means. */
function mentioned(text) {
  const found = new Set();
  for (const [, span] of prose(text).matchAll(/`([^`\n]+)`/g)) {
    for (const [id] of span.matchAll(/[A-Za-z_$][\w$]*/g)) found.add(id);
  }
  return found;
}

/**
 * A span that names an export: an identifier, maybe called, or followed by a space or by a member
 * of an exported class or type (`MemoryDb.kind`). A lower-case name before a dot is an instance
 * (`archiver.runArchive`), not an export.
 */
function listedName(span) {
  const match = /^([A-Za-z_$][\w$]*)($|[(. <])/.exec(span.trim());
  if (!match || (match[2] === '.' && /^[a-z]/.test(match[1]))) return undefined;
  return match[1];
}

/** The names the text lists as exports: first cells of `export` tables and `Types:` lines. */
function listed(text) {
  const found = new Set();
  let inExportTable = false;
  let inTypesLine = false;
  for (const line of prose(text).split('\n')) {
    const cells = line.startsWith('|') ? line.split(/(?<!\\)\|/).slice(1, -1) : undefined;
    if (!cells) inExportTable = false;
    if (cells && !inExportTable && /^\s*(export|type)s?\s*$/i.test(cells[0] ?? '')) {
      inExportTable = true;
      continue;
    }
    if (cells && inExportTable && !/^\s*:?-+/.test(cells[0])) {
      // A span in parentheses is a value shown beside a name (`X` (`'action'`)), not a name.
      for (const [, before, span] of cells[0].matchAll(/(\(?)`([^`]+)`/g)) {
        const name = before ? undefined : listedName(span);
        if (name) found.add(name);
      }
    }
    if (/^(Types:|Other exports:|types )/.test(line)) inTypesLine = true;
    else if (line.trim() === '' || line.startsWith('|') || line.startsWith('#')) inTypesLine = false;
    if (inTypesLine) {
      for (const [, span] of line.matchAll(/`([^`]+)`/g)) {
        const name = listedName(span);
        // `Other exports:` prose also names other packages and members: only bare names count.
        if (name && /^[A-Za-z_$][\w$]*(\(.*\))?$/.test(span.trim())) found.add(name);
      }
    }
  }
  return found;
}

async function main() {
  const all = await publicPackages(root);
  const selected = names.length ? all.filter((p) => names.includes(p.name)) : all;
  const unknown = names.filter((n) => !all.some((p) => p.name === n));
  if (unknown.length) throw new Error(`[readme-api] unknown or private package(s): ${unknown.join(', ')}`);
  const files = selected.flatMap((pkg) => sourceEntries(pkg).map(([, file]) => file));
  const program = ts.createProgram(files, {
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    customConditions: ['@memory/source'],
    types: [],
  });
  const checker = program.getTypeChecker();
  const problems = [];
  for (const pkg of selected) {
    const readmePath = join(pkg.dir, 'README.md');
    const readme = await readFile(readmePath, 'utf8').catch(() => undefined);
    if (readme === undefined) {
      problems.push(`${pkg.name}: no README.md`);
      continue;
    }
    const exportedByEntry = [];
    for (const [subpath, file] of sourceEntries(pkg)) {
      const source = program.getSourceFile(file);
      const moduleSymbol = source && checker.getSymbolAtLocation(source);
      const symbols = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];
      const exported = symbols.map((s) => s.getName());
      const isValue = (name) => {
        const symbol = symbols.find((s) => s.getName() === name);
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        return (target.flags & ts.SymbolFlags.Value) !== 0;
      };
      const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, '')}`;
      const seen = mentioned(readme);
      const missing = exported.filter((name) => !seen.has(name)).sort();
      if (missing.length) {
        const values = missing.filter(isValue);
        const types = missing.filter((name) => !isValue(name));
        const what = [
          values.length ? `values ${values.join(', ')}` : '',
          types.length ? `types ${types.join(', ')}` : '',
        ];
        problems.push(`${specifier}: exported but not listed in README.md: ${what.filter(Boolean).join('; ')}`);
      }
      exportedByEntry.push(...exported);
    }
    const exportedNames = new Set(exportedByEntry);
    const stale = [...listed(readme)].filter((name) => !exportedNames.has(name)).sort();
    if (stale.length) problems.push(`${pkg.name}: listed in README.md but not exported: ${stale.join(', ')}`);
  }
  if (problems.length) {
    console.error(
      `[readme-api] README API listings differ from the exports:\n  ${problems.join('\n  ')}\n` +
        'List each export in the README (API section, or the section of its entry point), and drop names that are gone.',
    );
    process.exitCode = 1;
  } else {
    console.error(`[readme-api] ${selected.length} README(s) list their exports`);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
