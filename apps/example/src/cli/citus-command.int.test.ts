import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CITUS_TEST_URL_ENV, createCitusScratchDatabase, type ScratchDatabase } from '@memory/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './program.js';

async function cli(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runCli(argv, { stdout, stderr, stdin: new PassThrough(), env: {}, cwd });
  return { code, stdout: out, stderr: err };
}

describe('memory citus distribute (usage)', () => {
  it('rejects a shard count that is not a positive integer, with the usage exit code', async () => {
    const r = await cli(['citus', 'distribute', '--shard-count', '0'], tmpdir());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--shard-count must be an integer from 1 to 64000, got "0"/);
  });
});

const citusUrl = process.env[CITUS_TEST_URL_ENV];
const onCitus = citusUrl ? describe : describe.skip;
onCitus(`memory citus distribute on a Citus cluster${citusUrl ? '' : ` (set ${CITUS_TEST_URL_ENV} to run)`}`, () => {
  let scratch: ScratchDatabase;
  let work: string;
  beforeAll(async () => {
    scratch = await createCitusScratchDatabase(citusUrl!);
    work = await mkdtemp(join(tmpdir(), 'memory-citus-cli-'));
  }, 120_000);
  afterAll(async () => {
    await scratch?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  }, 120_000);

  it('refuses while the app table code_reviews references sessions, naming the way out', async () => {
    const r = await cli(['--database-url', scratch.url, 'citus', 'distribute'], work);
    expect(r.code).toBe(2); // a ConfigurationError: the CLI's usage/configuration exit code
    expect(r.stderr).toMatch(/code_reviews has a foreign key to sessions.*--colocate code_reviews/);
  });

  it('migrates and distributes, the app table co-located with the sessions', async () => {
    const first = await cli(
      [
        '--database-url',
        scratch.url,
        '--json',
        'citus',
        'distribute',
        '--shard-count',
        '4',
        '--colocate',
        'code_reviews',
      ],
      work,
    );
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as { distributed: string[]; alreadyDistributed: string[] };
    expect(report.distributed).toEqual(
      expect.arrayContaining([
        'sessions',
        'messages',
        'session_summaries',
        'messages_archive',
        'code_reviews',
        'audit_logs',
      ]),
    );
    // A rerun is not tested here: the example app's initDb (MikroORM schema update of code_reviews)
    // then tries to re-create the foreign key to sessions(id), which Citus has as (id, shard_key) —
    // reported to the lead; distributeMemorySchema's own idempotence is tested in @memory/db.
  });
});
