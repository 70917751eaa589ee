import { gzipSync, gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { NotFoundError, StorageError } from '@memory/errors';
import { InMemoryLongTermStorage, type LongTermStorage } from '@memory/longterm-core';
import { describe, expect, it } from 'vitest';
import { encodeMessageLine, encodeSummaryLine, type MessageExportRow, type SummaryExportRow } from './export-lines.js';
import { archiveObjectKeys } from './object-layout.js';
import { buildSessionExport, readSessionExport, writeAndVerifySessionExport } from './session-export.js';

const sid = '11111111-1111-4111-8111-111111111111';

const message = (i: number, extra: Partial<MessageExportRow> = {}): MessageExportRow => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  session_id: sid,
  role: i % 2 ? 'assistant' : 'user',
  content: `line ${i} 你好 "quoted"\nsecond line \u2028 tab\t`,
  model: i % 2 ? 'gpt-x' : null,
  embedding: i % 3 ? '[0.1,-2.5e-8,3]' : null,
  created_at: '2026-01-02T03:04:05.123456Z',
  archived_at: '2026-02-02T00:00:00.000000Z',
  ...extra,
});

const summary: SummaryExportRow = {
  id: '22222222-2222-4222-8222-222222222222',
  session_id: sid,
  strategy: 'context_compression_v2',
  strategy_version: null,
  summary_text: 'sum',
  summary_json: '{"n": 123456789012345678901234567890, "todos": ["ship"]}',
  created_at: '2026-01-03T00:00:00.000001Z',
};

async function exportOf(count: number) {
  return buildSessionExport({
    sessionId: sid,
    userId: 'u1',
    messageLines: Array.from({ length: count }, (_, i) => encodeMessageLine(message(i))),
    summaryLines: [encodeSummaryLine(summary)],
    exportedAt: new Date('2026-03-01T00:00:00Z'),
  });
}

describe('session export format', () => {
  it('encodes lines that parse back to the same values, keeping big numbers verbatim', () => {
    const line = encodeMessageLine(message(1));
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ ...message(1), embedding: [0.1, -2.5e-8, 3] });
    expect(line).toContain('你好');
    expect(encodeSummaryLine(summary)).toContain('123456789012345678901234567890');
  });

  it('refuses a value that is not JSON text where raw JSON is embedded', () => {
    expect(() => encodeMessageLine(message(1, { embedding: 'oops' }))).toThrow(StorageError);
  });

  it('writes gzip JSONL objects and a manifest with counts and sha256, and reads them back verified', async () => {
    const storage = new InMemoryLongTermStorage();
    const built = await exportOf(25);
    const verified = await writeAndVerifySessionExport(storage, built);
    const keys = archiveObjectKeys(sid);
    expect(await storage.listPrefix(keys.prefix)).toEqual([keys.manifest, keys.messages, keys.summaries]);
    expect(verified.messages).toHaveLength(25);
    expect(verified.messages[3]).toEqual({ ...message(3), embedding: null });
    expect(verified.summaries[0]?.summary_json).toMatchObject({ todos: ['ship'] });
    expect(verified.summaryLines[0]).toContain('123456789012345678901234567890');

    const gz = (await storage.getObject(keys.messages))!;
    const raw = gunzipSync(gz);
    const m = verified.manifest.files.messages;
    expect(m).toMatchObject({ name: 'messages.jsonl.gz', count: 25, bytes: raw.byteLength, gzipBytes: gz.byteLength });
    expect(m.sha256).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(m.gzipSha256).toBe(createHash('sha256').update(gz).digest('hex'));
    expect(raw.toString('utf8').split('\n')).toHaveLength(26); // 25 lines, each ending in \n
    const manifest = JSON.parse(new TextDecoder().decode((await storage.getObject(keys.manifest))!));
    expect(manifest).toMatchObject({
      format: 'memory-archive-session',
      version: 1,
      sessionId: sid,
      userId: 'u1',
      exportedAt: '2026-03-01T00:00:00.000Z',
    });
  });

  it('is deterministic, so a rerun rewrites identical data objects', async () => {
    const a = await exportOf(10);
    const b = await exportOf(10);
    expect(Buffer.from(a.objects[0]!.body).equals(Buffer.from(b.objects[0]!.body))).toBe(true);
  });

  it('exports an empty session as empty objects', async () => {
    const storage = new InMemoryLongTermStorage();
    const built = await buildSessionExport({
      sessionId: sid,
      userId: null,
      messageLines: [],
      summaryLines: [],
      exportedAt: new Date(),
    });
    const v = await writeAndVerifySessionExport(storage, built);
    expect(v.messages).toEqual([]);
    expect(v.manifest.files.messages.count).toBe(0);
  });

  it('detects a damaged, truncated, missing or misplaced object', async () => {
    const keys = archiveObjectKeys(sid);
    const fresh = async () => {
      const s = new InMemoryLongTermStorage();
      await writeAndVerifySessionExport(s, await exportOf(5));
      return s;
    };

    let s = await fresh();
    const gz = (await s.getObject(keys.messages))!;
    gz[gz.length - 5]! ^= 0xff;
    await s.putObject(keys.messages, gz);
    await expect(readSessionExport(s, sid)).rejects.toThrow(/does not match its manifest checksum/);

    s = await fresh();
    const raw = gunzipSync((await s.getObject(keys.messages))!).toString('utf8');
    const shorter = gzipSync(raw.split('\n').slice(1).join('\n'));
    await s.putObject(keys.messages, shorter);
    await expect(readSessionExport(s, sid)).rejects.toThrow(StorageError);

    s = await fresh();
    await s.deleteObject(keys.summaries);
    await expect(readSessionExport(s, sid)).rejects.toThrow(/is missing/);

    s = await fresh();
    await s.deleteObject(keys.manifest);
    await expect(readSessionExport(s, sid)).rejects.toThrow(NotFoundError);

    s = await fresh();
    await s.putObject(keys.manifest, '{"format":"something-else"}');
    await expect(readSessionExport(s, sid)).rejects.toThrow(/not a session archive manifest/);

    s = await fresh();
    const other = '33333333-3333-4333-8333-333333333333';
    const wrong = await buildSessionExport({
      sessionId: other,
      userId: null,
      messageLines: [encodeMessageLine(message(1))],
      summaryLines: [],
      exportedAt: new Date(),
    });
    for (const o of wrong.objects) await s.putObject(o.key, o.body);
    await expect(readSessionExport(s, other)).rejects.toThrow(/belongs to session/);
  });

  it('refuses an object larger than its manifest states, a gzip bomb and a huge manifest without holding them', async () => {
    const keys = archiveObjectKeys(sid);
    const fresh = async () => {
      const s = new InMemoryLongTermStorage();
      await writeAndVerifySessionExport(s, await exportOf(5));
      return s;
    };
    let s = await fresh();
    await s.putObject(keys.messages, new Uint8Array(10 * 1024 * 1024));
    await expect(readSessionExport(s, sid)).rejects.toThrow(
      /messages\.jsonl\.gz is larger than the \d+ bytes its manifest states/,
    );

    // A gzip bomb the manifest vouches for (size and checksum) but whose content is far larger than stated.
    s = await fresh();
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const manifest = JSON.parse(new TextDecoder().decode((await s.getObject(keys.manifest))!));
    manifest.files.messages.gzipBytes = bomb.byteLength;
    manifest.files.messages.gzipSha256 = createHash('sha256').update(bomb).digest('hex');
    await s.putObject(keys.messages, bomb);
    await s.putObject(keys.manifest, JSON.stringify(manifest));
    await expect(readSessionExport(s, sid)).rejects.toThrow(/unpacks to more than the \d+ bytes its manifest states/);

    s = await fresh();
    await s.putObject(keys.manifest, `{"pad":"${'p'.repeat(2 * 1024 * 1024)}"}`);
    await expect(readSessionExport(s, sid)).rejects.toThrow(/manifest .* is over 1048576 bytes/);
  });

  it('checks that the manifest it reads back is the one it wrote', async () => {
    const storage = new InMemoryLongTermStorage();
    const built = await exportOf(3);
    // A backend that silently drops writes would leave an older, self-consistent export in place.
    const older = await exportOf(2);
    for (const o of older.objects) await storage.putObject(o.key, o.body);
    const dropping: LongTermStorage = {
      capabilities: storage.capabilities,
      getObject: (k) => storage.getObject(k),
      putObject: async () => ({ etag: '"x"' }),
      deleteObject: (k) => storage.deleteObject(k),
      listPrefix: (p) => storage.listPrefix(p),
      iteratePrefix: (p) => storage.iteratePrefix(p),
      headObject: (k) => storage.headObject(k),
    };
    await expect(writeAndVerifySessionExport(dropping, built)).rejects.toThrow(/read back differently/);
  });
});
