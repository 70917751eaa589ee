import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir, truncate, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knowledgeKey, profileKey } from '@memory/longterm-core';
import { createS3Storage } from '@memory/longterm-s3';
import { startS3TestServer, type S3TestServer } from '@memory/longterm-s3/testing';
import type { ChildReport, ChildTask } from './read-in-child.js';

const run = promisify(execFile);
const MB = 1024 * 1024;
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');

/** Runs one read in a fresh Node process (see read-in-child.ts) and returns its report. */
async function readInChild(task: ChildTask): Promise<ChildReport> {
  const { stdout } = await run(
    process.execPath,
    ['--conditions=@memory/source', '--import', 'tsx', join(here, 'read-in-child.ts'), JSON.stringify(task)],
    { cwd: repoRoot, maxBuffer: 4 * MB, timeout: 170_000 },
  );
  const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildReport;
  console.log(
    `[huge-objects] ${task.op} ${task.userId} (${task.backend.kind}): ${JSON.stringify(report).slice(0, 400)}`,
  );
  return report;
}

/**
 * Objects from hostile writers in the original's formats, written straight to the filesystem or
 * the S3 test server as another tool would, then read by `@memory/semantics` in a child process
 * whose memory growth is measured: a 1 GB knowledge file, a knowledge file with a 100 MB line, a
 * profile that is a JSON array (small, and 20 MB). Each read ends in a typed error naming the
 * object and the limit, and the memory it took stays bounded (docs/reliability.md).
 */
const noPeakReset =
  process.platform !== 'linux' ? 'the peak memory is measured through Linux /proc/self/clear_refs' : undefined;

describe.skipIf(noPeakReset !== undefined)(
  `hostile objects: memory stays bounded${noPeakReset ? ` (skipped: ${noPeakReset})` : ''}`,
  () => {
    let root: string;
    let server: S3TestServer;
    let s3: ChildTask['backend'];

    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'memory-huge-'));
      await mkdir(join(root, 'knowledge'));
      await mkdir(join(root, 'profiles'));
      server = await startS3TestServer({ buckets: ['hostile'] });
      s3 = {
        kind: 's3',
        endpoint: server.endpoint,
        bucket: 'hostile',
        accessKey: server.accessKey,
        secretKey: server.secretKey,
      };
      const storage = createS3Storage({ ...s3, endpointUrl: server.endpoint });
      // The 100 MB line: a valid first line, then '[' and 100 MB of 'x'.
      const line = Buffer.alloc(100 * MB, 0x78);
      line[0] = 0x5b;
      await storage.putObject(knowledgeKey('line'), Buffer.concat([Buffer.from('["a", "b", "c"]\n'), line]));
      await storage.putObject(profileKey('array'), '[{"user_id": "array", "traits": {}}]');
      await storage.putObject(profileKey('big-array'), `[${'1,'.repeat(10 * MB)}1]`);
    }, 120_000);

    afterAll(async () => {
      await server?.close();
      await rm(root, { recursive: true, force: true });
    });

    it('refuses a 1 GB knowledge file by its size, to load or to add to, holding none of it', async () => {
      const path = join(root, 'knowledge', 'giant.jsonl');
      await writeFile(path, '["a", "b", "c"]\n');
      await truncate(path, 1024 * MB); // sparse: a real 1 GiB file without 1 GiB of disk
      const backend: ChildTask['backend'] = { kind: 'fs', root };
      for (const op of ['loadKnowledge', 'addKnowledge'] as const) {
        const report = await readInChild({ backend, op, userId: 'giant' });
        expect(report.error?.code).toBe('INVALID_INPUT');
        expect(report.error?.message).toContain('knowledge/giant.jsonl');
        expect(report.error?.message).toContain('is 1073741824 bytes, over the read limit of 67108864 bytes');
        expect(report.error?.details).toMatchObject({
          key: 'knowledge/giant.jsonl',
          size: 1024 * MB,
          maxBytes: 64 * MB,
        });
        // The add reads the object's etag first: the filesystem backend hashes a file another tool
        // wrote (no sidecar) as a stream, whose 64 KiB chunks the GC collects late.
        expect(report.grewMiB).toBeLessThan(op === 'loadKnowledge' ? 32 : 96);
      }
      expect((await stat(path)).size).toBe(1024 * MB); // nothing written by the refused add
    }, 180_000);

    it('refuses a knowledge file with a 100 MB line on S3: by its size by default, by the line limit when the size limit is raised', async () => {
      const bySize = await readInChild({ backend: s3, op: 'loadKnowledge', userId: 'line' });
      expect(bySize.error?.code).toBe('INVALID_INPUT');
      expect(bySize.error?.message).toMatch(
        /knowledge\/line\.jsonl" is 104857616 bytes, over the read limit of 67108864/,
      );
      expect(bySize.grewMiB).toBeLessThan(32);

      // Read whole (the caller allowed 256 MiB), but the line is refused before it is decoded or
      // parsed: memory is the object once (and the SDK's chunks until the GC takes them), not the
      // object, its text and a joined copy (about 3 × 100 MiB before the limits).
      const byLine = await readInChild({
        backend: s3,
        op: 'loadKnowledge',
        userId: 'line',
        options: { maxObjectBytes: 256 * MB },
      });
      expect(byLine.error?.code).toBe('INVALID_INPUT');
      expect(byLine.error?.message).toContain(
        'knowledge/line.jsonl line 2 is 104857600 bytes, over the limit of 1048576',
      );
      expect(byLine.error?.message.length).toBeLessThan(400);
      expect(byLine.grewMiB).toBeLessThan(2 * 100);
    }, 180_000);

    it('refuses a profile that is a JSON array: small by its shape, 20 MB by its size', async () => {
      const small = await readInChild({ backend: s3, op: 'loadProfile', userId: 'array' });
      expect(small.error?.code).toBe('INVALID_INPUT');
      expect(small.error?.message).toContain('profiles/array.json must hold a JSON object, found an array');
      for (const op of ['loadProfile', 'updateProfile'] as const) {
        const big = await readInChild({ backend: s3, op, userId: 'big-array' });
        expect(big.error?.code).toBe('INVALID_INPUT');
        expect(big.error?.message).toMatch(
          /profiles\/big-array\.json" is 20971523 bytes, over the read limit of 4194304/,
        );
        expect(big.grewMiB).toBeLessThan(32);
      }
    }, 180_000);
  },
);
