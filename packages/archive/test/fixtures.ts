import { createHash, randomUUID } from 'node:crypto';
import { shardKeyOfSession, type MemoryDb } from '@memory/db';
import type { LongTermStorage } from '@memory/longterm-core';
import { SessionStatus } from '@memory/models';
import { readSessionExport } from '../src/session-export.js';
import { isoUtc, sqlOutside, toCount } from '../src/sql.js';

const DAY_MS = 86_400_000;
export const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/** Empties the memory tables, so each test starts from nothing (the suite shares one database). */
export async function resetTables(db: MemoryDb): Promise<void> {
  await sqlOutside(db).query('TRUNCATE sessions, messages, session_summaries, messages_archive, audit_logs');
}

export interface SeedOptions {
  /** Last activity. */
  updatedAt: Date;
  messages: number;
  summaries?: number;
  status?: number;
  userId?: string | null;
}

/**
 * A session with `messages` messages (alternating roles, unicode content, a model on replies,
 * 3-dimension embeddings on two of three, microsecond timestamps) and `summaries` summaries
 * whose JSON carries a number too big for a JavaScript number.
 */
export async function seedSession(db: MemoryDb, options: SeedOptions): Promise<string> {
  const sql = sqlOutside(db);
  const id = randomUUID();
  await sql.query(
    `INSERT INTO sessions (id, updated_at, status, title, metadata, user_id, created_at, shard_key)
     VALUES ($1, $2::timestamptz, $3, $4, $5::jsonb, $6, $2::timestamptz, $7::int)`,
    [
      id,
      options.updatedAt.toISOString(),
      options.status ?? SessionStatus.ACTIVE,
      `chat ${id.slice(0, 8)}`,
      '{"k":"v"}',
      options.userId ?? 'u1',
      shardKeyOfSession(id),
    ],
  );
  if (options.messages > 0) {
    await sql.query(
      `INSERT INTO messages (id, session_id, role, content, model, embedding, created_at, shard_key)
       SELECT gen_random_uuid(), $1::uuid,
              CASE WHEN i % 2 = 1 THEN 'user' ELSE 'assistant' END,
              'message ' || i || ' of ' || $1 || E' — 你好 "q" \\n line2',
              CASE WHEN i % 2 = 0 THEN 'gpt-4o-2024' END,
              CASE WHEN i % 3 <> 0 THEN ('[' || (i * 0.1) || ',0.3333333,-1e-7]')::vector END,
              $2::timestamptz - interval '1 day' + i * interval '1.000001 second', $4::int
         FROM generate_series(1, $3::int) AS i`,
      [id, options.updatedAt.toISOString(), options.messages, shardKeyOfSession(id)],
    );
  }
  for (let i = 0; i < (options.summaries ?? 0); i++) {
    await sql.query(
      `INSERT INTO session_summaries (id, session_id, strategy, strategy_version, summary_text, summary_json, created_at, shard_key)
       VALUES (gen_random_uuid(), $1, 'context_compression_v2', $2, $3, $4::jsonb, $5::timestamptz, $6::int)`,
      [
        id,
        i % 2 ? null : 'v2',
        `summary ${i}`,
        `{"todos":["t${i}"],"big":123456789012345678901234567890,"f":0.1}`,
        options.updatedAt.toISOString(),
        shardKeyOfSession(id),
      ],
    );
  }
  return id;
}

/** A session's hot messages and summaries, every column as exact text. */
export async function snapshot(db: MemoryDb, sessionId: string) {
  const sql = sqlOutside(db);
  const messages = await sql.query(
    `SELECT id::text, session_id::text, role, content, model, embedding::text AS embedding, ${isoUtc('created_at')} AS created_at
       FROM messages WHERE session_id = $1 ORDER BY id`,
    [sessionId],
  );
  const summaries = await sql.query(
    `SELECT id::text, session_id::text, strategy, strategy_version, summary_text, summary_json::text AS summary_json, ${isoUtc('created_at')} AS created_at
       FROM session_summaries WHERE session_id = $1 ORDER BY id`,
    [sessionId],
  );
  return { messages, summaries };
}

export async function statusOf(db: MemoryDb, sessionId: string): Promise<number> {
  const [row] = await sqlOutside(db).query<{ status: number }>('SELECT status FROM sessions WHERE id = $1', [
    sessionId,
  ]);
  return Number(row?.status);
}

export async function countRows(
  db: MemoryDb,
  table: 'messages' | 'messages_archive' | 'session_summaries',
  sessionId: string,
): Promise<number> {
  const [row] = await sqlOutside(db).query<{ n: unknown }>(`SELECT count(*) AS n FROM ${table} WHERE session_id = $1`, [
    sessionId,
  ]);
  return toCount(row?.n);
}

export async function auditRows(db: MemoryDb, action: string) {
  return sqlOutside(db).query<{
    resource_id: string;
    resource_type: string;
    actor: string | null;
    details: Record<string, unknown>;
  }>('SELECT resource_id, resource_type, actor, details FROM audit_logs WHERE action = $1 ORDER BY created_at', [
    action,
  ]);
}

/**
 * Every message the system holds, wherever it is: `messages`, `messages_archive`, and the
 * exports of deep sessions (the only sessions whose export is authoritative; a leftover
 * export of a cold session is a crash artefact that its rows supersede). Returns a checksum over
 * sorted `id + content`, the count, and ids found more than once. Sessions in `excludeSessions`
 * (those a test expects to be deleted) are left out.
 */
export async function inventory(db: MemoryDb, storage: LongTermStorage, excludeSessions: readonly string[] = []) {
  const sql = sqlOutside(db);
  const rows = await sql.query<{ id: string; content: string }>(
    `SELECT id::text AS id, content FROM messages WHERE NOT (session_id = ANY($1::uuid[]))
     UNION ALL SELECT id::text AS id, content FROM messages_archive WHERE NOT (session_id = ANY($1::uuid[]))`,
    [excludeSessions],
  );
  const deep = await sql.query<{ id: string }>(
    'SELECT id::text AS id FROM sessions WHERE status = $1 AND NOT (id = ANY($2::uuid[]))',
    [SessionStatus.DEEP_ARCHIVED, excludeSessions],
  );
  const all = rows.map((r) => [r.id, r.content] as const);
  for (const s of deep) {
    const exported = await readSessionExport(storage, s.id);
    for (const m of exported.messages) all.push([m.id, m.content]);
  }
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const [id] of all) {
    if (seen.has(id)) duplicates.push(id);
    seen.add(id);
  }
  const hash = createHash('sha256');
  for (const [id, content] of [...all].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)))
    hash.update(`${id}\t${content}\n`);
  return { count: all.length, duplicates, checksum: hash.digest('hex') };
}
