/**
 * Hot → cold archival of 1,000,000 messages ('full') or 20,000 ('small'), 20 messages a
 * session, all idle 30 days or more, laid out like production data (conversations are bursts
 * that overlap in time; rows are written in time order). Targets: at least 20,000 messages a second, peak RSS of this
 * process within 300 MB. Baseline in the same run, on the same data: the original's app-side
 * archival (one transaction, copy then delete, no batching, model and embedding dropped).
 *
 * PostgreSQL from MEMORY_BENCH_PG_URL or MEMORY_TEST_PG_URL (a scratch database is created and
 * dropped); without one, PGlite in memory, whose database lives inside this process, so its
 * RSS row is informational there.
 */
import { loadavg } from 'node:os';
import { createMemoryDb, sql, type MemoryDb } from '@memory/db';
import { createPostgresScratchDatabase, type ScratchDatabase } from '@memory/db/testing';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
// @memory/bench does not list @memory/archive as a dependency yet; its sources are imported directly.
import { createArchiver } from '@memory/archive';
import { writeReport, type BenchRow } from './report.js';

const PER_SESSION = 20;
/** Sessions per hot → cold transaction: the archiver's documented default (500); MEMORY_BENCH_ARCHIVE_BATCH overrides it. */
const BATCH = Number(process.env.MEMORY_BENCH_ARCHIVE_BATCH ?? 500);
const DAY_MS = 86_400_000;
/** Sessions exported in the informational deep step. */
const DEEP_SAMPLE = 500;

async function seed(db: MemoryDb, messages: number, now: Date): Promise<void> {
  await db.query('TRUNCATE sessions, messages, session_summaries, messages_archive, audit_logs');
  const sessions = Math.ceil(messages / PER_SESSION);
  // Like production: each conversation is a burst of one message a minute, a new one starts every
  // minute (so about 20 run at once, their messages interleaved), rows are written in time order,
  // and a session's last activity is its last message. The newest ended 30 days ago.
  const base = new Date(now.getTime() - 30 * DAY_MS - (sessions + PER_SESSION) * 60_000).toISOString();
  // Server-side generation in chunks: the data never passes through this process.
  for (let from = 0; from < sessions; from += 10_000) {
    const to = Math.min(sessions, from + 10_000);
    const start = sql.param(base);
    await db.query(
      sql`INSERT INTO sessions (id, updated_at, status, title, user_id, created_at)
       SELECT md5('s' || i)::uuid, ${start}::timestamptz + (i + ${PER_SESSION}::int - 1) * interval '1 minute', 1, 'chat ' || i, 'u' || (i % 1000),
              ${start}::timestamptz + i * interval '1 minute'
         FROM generate_series(${from}::int, ${to - 1}::int) AS i`,
    );
    await db.query(
      sql`INSERT INTO messages (id, session_id, role, content, model, embedding, created_at)
       SELECT md5('m' || i || '-' || j)::uuid, md5('s' || i)::uuid,
              CASE WHEN j % 2 = 0 THEN 'user' ELSE 'assistant' END,
              repeat('message ' || j || ' of conversation ' || i || ' 你好. ', 6),
              CASE WHEN j % 2 = 1 THEN 'gpt-4o' END,
              CASE WHEN j % 10 = 0 THEN ('[' || array_to_string(array_fill((j % 7)::float4 / 7, ARRAY[16]), ',') || ']')::vector END,
              ${base}::timestamptz + (i + j) * interval '1 minute' + j * interval '1 microsecond'
         FROM generate_series(${from}::int, ${to - 1}::int) AS i, generate_series(0, ${PER_SESSION - 1}::int) AS j
        ORDER BY i + j, i`,
    );
  }
  // Fresh statistics, as autovacuum would have gathered on a live database.
  await db.query('ANALYZE sessions, messages, messages_archive');
}

/** The original application's hot → cold step, as it runs today. */
async function originalArchive(db: MemoryDb, now: Date): Promise<void> {
  const cold = new Date(now.getTime() - 7 * DAY_MS).toISOString();
  const deep = new Date(now.getTime() - 180 * DAY_MS).toISOString();
  await db.scope(async (em) => {
    const window = sql`SELECT id FROM sessions WHERE status = 1 AND updated_at < ${cold}::timestamptz AND updated_at >= ${deep}::timestamptz`;
    await db.query(
      sql`INSERT INTO messages_archive (id, session_id, role, content, created_at)
       SELECT id, session_id, role, content, created_at FROM messages WHERE session_id IN (${window})`,
      undefined,
      em,
    );
    await db.query(sql`DELETE FROM messages WHERE session_id IN (${window})`, undefined, em);
    await db.query(sql`UPDATE sessions SET status = 2 WHERE id IN (${window})`, undefined, em);
  });
}

async function count(db: MemoryDb, table: string): Promise<number> {
  const [row] = await db.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(row?.n ?? 0);
}

export async function run(size: 'small' | 'full'): Promise<boolean> {
  // MEMORY_BENCH_ARCHIVE_MESSAGES overrides the size, to look at how throughput scales.
  const messages = Number(process.env.MEMORY_BENCH_ARCHIVE_MESSAGES ?? (size === 'full' ? 1_000_000 : 20_000));
  const adminUrl = process.env.MEMORY_BENCH_PG_URL ?? process.env.MEMORY_TEST_PG_URL;
  let scratch: ScratchDatabase | undefined;
  if (adminUrl) scratch = await createPostgresScratchDatabase(adminUrl);
  const db = createMemoryDb({ url: scratch?.url ?? 'pglite://memory', embeddingDimensions: 16 });
  try {
    await db.initDb();
    const now = new Date();

    await seed(db, messages, now);
    let started = performance.now();
    await originalArchive(db, now);
    const baselineMs = performance.now() - started;
    if ((await count(db, 'messages_archive')) !== messages) throw new Error('baseline did not archive every message');

    await seed(db, messages, now);
    const archiver = createArchiver({ db, storage: new InMemoryLongTermStorage() });
    const startRss = process.memoryUsage().rss;
    let peakRss = startRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    started = performance.now();
    let nextTrace = 0.1;
    const result = await archiver.runArchive({
      now,
      batchSize: BATCH,
      // MEMORY_BENCH_TRACE=1 prints the rate every tenth of the way, to see whether it holds up.
      onProgress: (p) => {
        if (!process.env.MEMORY_BENCH_TRACE || p.messagesTotal === 0 || p.messagesDone / p.messagesTotal < nextTrace)
          return;
        nextTrace += 0.1;
        console.log(`${p.phase} ${p.messagesDone}/${p.messagesTotal} at ${Math.round(p.messagesPerSecond)} messages/s`);
      },
    });
    const oursMs = performance.now() - started;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (result.cold.messages !== messages || (await count(db, 'messages_archive')) !== messages) {
      throw new Error(`archiver moved ${result.cold.messages} of ${messages} messages`);
    }

    // Informational: cold → deep exports (gzip JSONL + manifest, read back and verified) to
    // in-memory storage, stopped after DEEP_SAMPLE sessions.
    const deepSample = Math.min(DEEP_SAMPLE, Math.ceil(messages / PER_SESSION));
    const stopDeep = new AbortController();
    started = performance.now();
    const deepRun = await archiver.runArchive({
      now: new Date(now.getTime() + 200 * DAY_MS),
      signal: stopDeep.signal,
      onProgress: (p) => {
        if (p.phase === 'deep' && p.done >= deepSample) stopDeep.abort();
      },
    });
    const deepMs = performance.now() - started;

    const rate = (messages * 1000) / oursMs;
    const baselineRate = (messages * 1000) / baselineMs;
    const rssMb = peakRss / 1024 / 1024;
    const rows: BenchRow[] = [
      { name: 'hot → cold throughput', value: rate, unit: 'messages/s', target: '>= 20000', pass: rate >= 20_000 },
      {
        name: 'original app-side archival (baseline)',
        value: baselineRate,
        unit: 'messages/s',
        note: 'one transaction, no batching, drops model and embedding',
      },
      {
        name: 'throughput vs baseline',
        value: rate / baselineRate,
        unit: 'ratio',
        note: 'batched, lock-safe, keeps every column',
      },
      {
        name: 'peak RSS during the run',
        value: rssMb,
        unit: 'MB',
        target: '<= 300',
        ...(scratch ? { pass: rssMb <= 300 } : {}),
        note: `process RSS, ${(startRss / 1024 / 1024).toFixed(0)} MB when the run started (what seeding and the baseline left resident)${scratch ? '' : '; PGlite runs in this process: informational'}`,
      },
      { name: 'hot → cold wall time', value: oursMs / 1000, unit: 's' },
      {
        name: 'cold → deep export (in-memory storage)',
        value: (deepRun.deep.sessions * 1000) / deepMs,
        unit: 'sessions/s',
        note: `${deepRun.deep.sessions} sessions, ${Math.round((deepRun.deep.messages * 1000) / deepMs)} messages/s, one worker`,
      },
    ];
    return writeReport(
      `archive-${size}`,
      {
        messages,
        perSession: PER_SESSION,
        batchSize: BATCH,
        engine: db.kind,
        loadavg1m: Number(loadavg()[0]!.toFixed(2)),
      },
      rows,
    );
  } finally {
    await db.close();
    await scratch?.drop();
  }
}
