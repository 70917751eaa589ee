/**
 * `@memory/conversations` on PostgreSQL, each measurement beside a bare `pg.Pool` baseline of
 * plain hand-written SQL on the same tables (what a user would write by hand, never the package's
 * own statements), in the same run, in interleaved rounds (so drift from a busy machine hits
 * both sides alike):
 *
 * 1. appends: one message per call, and batches of 100, through `store.appendMessages`, vs one
 *    autocommit `INSERT` per message and one multi-row `INSERT` per batch (issue 11). Targets:
 *    throughput >= 0.8 (single) and >= 0.9 (batches) of the baseline's. A hand-written append
 *    with the store's guarantees (lock, ordered timestamps, `updated_at`) is reported beside it
 *    for context: the price of those guarantees in SQL, not a target.
 * 2. history: a 50-message page (newest, and older through the `before` cursor) from tables of
 *    1M and 100k messages ('full'; 'small': 100k and 10k), two scratch databases queried in
 *    alternation; baseline a plain `ORDER BY created_at DESC, id DESC LIMIT 50` (and a keyset
 *    `(created_at, id) <` for the older page). Targets: p50 <= 3 ms, p50(large) / p50(small) <= 1.5.
 * 3. search: 100k messages of 384 dimensions ('small': 10k), 50 gaussian clusters plus noise,
 *    normalized, owned by users with 96 %, 3 % and 1 % of them. Targets: recall@10 >= 0.95
 *    against exact search, p50 <= 15 ms (96 % and 1 % users), and `topK` hits for every search.
 *    Baseline: a hand-written pgvector search (join on `sessions.user_id`, `ORDER BY embedding <=>
 *    $1 LIMIT 10`, `SET LOCAL hnsw.ef_search` to the store's default and `hnsw.iterative_scan =
 *    strict_order`, as pgvector's README advises for filtered queries). Rows marked "the store's
 *    SQL" are informational analyses of the store's own plan, not baselines.
 *    `pnpm bench conversations-search` runs this part alone.
 *
 * PostgreSQL from MEMORY_BENCH_PG_URL or MEMORY_TEST_PG_URL (required): scratch databases
 * `memory_bench_<random>` are created and dropped.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import { createMemoryDb, type MemoryDb } from '@memory/db';
import { MessageRole } from '@memory/models';
import { createConversationStore, type ConversationStore } from '@memory/conversations';
import { clusteredVectors, gaussian, interleave, sum, timed, vectorLiteral } from './measure.js';
import { percentile, writeReport, type BenchRow } from './report.js';
import { hnswIndexDefinition } from './schema.js';

const DIMS = 384;
const PER_SESSION = 100;
const CLUSTERS = 50;
const NOISE = 0.5;
const TOP_K = 10;

interface Sizes {
  historyLarge: number;
  historySmall: number;
  vectors: number;
  /** Interleaved rounds of each measurement. */
  rounds: number;
  historyPerRound: number;
  /** Interleaved rounds of the append measurements (more than `rounds`: a round of appends is short and its fsyncs vary). */
  appendRounds: number;
  singlePerRound: number;
  batchPerRound: number;
  searchPerRound: number;
  /** Queries whose recall is checked against the exact search. */
  recallQueries: number;
}

const SIZES: Record<'small' | 'full', Sizes> = {
  small: {
    historyLarge: 100_000,
    historySmall: 10_000,
    vectors: 10_000,
    rounds: 6,
    historyPerRound: 25,
    appendRounds: 8,
    singlePerRound: 100,
    batchPerRound: 10,
    searchPerRound: 20,
    recallQueries: 60,
  },
  full: {
    historyLarge: 1_000_000,
    historySmall: 100_000,
    vectors: 100_000,
    rounds: 8,
    historyPerRound: 40,
    appendRounds: 24,
    singlePerRound: 150,
    batchPerRound: 20,
    searchPerRound: 25,
    recallQueries: 100,
  },
};

// ---------------------------------------------------------------------------------------------
// Scratch databases

interface Scratch {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function createScratch(adminUrl: string): Promise<Scratch> {
  const name = `memory_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl.replace(/^[a-z0-9+]+:\/\//i, 'postgresql://'));
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

interface Target {
  scratch: Scratch;
  db: MemoryDb;
  store: ConversationStore;
  pool: pg.Pool;
}

async function openTarget(adminUrl: string): Promise<Target> {
  const scratch = await createScratch(adminUrl);
  const db = createMemoryDb({ url: scratch.url, embeddingDimensions: DIMS, pool: { min: 1, max: 4 } });
  await db.initDb();
  const store = createConversationStore(db, { efSearch: EF_SEARCH, exactSearchThreshold: EXACT_THRESHOLD });
  const pool = new pg.Pool({ connectionString: scratch.url, max: 4 });
  return { scratch, db, store, pool };
}

async function closeTarget(t: Target | undefined): Promise<void> {
  if (!t) return;
  await t.pool.end().catch(() => undefined);
  await t.db.close().catch(() => undefined);
  await t.scratch.drop();
}

// ---------------------------------------------------------------------------------------------
// Plain hand-written SQL: the baselines

/** Newest page, and the older page by keyset, as a user writes it on the `(session_id, created_at, id)` index. */
const PLAIN_HISTORY_SQL = `SELECT id, role, content, model, created_at::text AS created_at FROM messages
WHERE session_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`;
const PLAIN_HISTORY_BEFORE_SQL = `SELECT id, role, content, model, created_at::text AS created_at FROM messages
WHERE session_id = $1 AND (created_at, id) < ($3::timestamptz, $4::uuid) ORDER BY created_at DESC, id DESC LIMIT $2`;
/** pgvector's filtered search as its README advises: iterative scan, ef_search set (to the store's default, for equal work). */
const PLAIN_SEARCH_SETTINGS = (ef: number) =>
  `SET LOCAL hnsw.ef_search = ${ef}; SET LOCAL hnsw.iterative_scan = strict_order`;
const PLAIN_SEARCH_SQL = `SELECT m.id, m.session_id, m.role, m.content, m.created_at, m.embedding <=> $1 AS distance
FROM messages m JOIN sessions s ON s.id = m.session_id
WHERE s.user_id = $2 AND m.embedding IS NOT NULL
ORDER BY m.embedding <=> $1 LIMIT $3`;

// ---------------------------------------------------------------------------------------------
// The SQL the store sends, spelled out for the informational analyses of its plan (not baselines)

const MESSAGE_COLUMNS = `m.id, m.session_id, m.role, m.content, m.model, (m.embedding IS NOT NULL) AS has_embedding,
  to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at`;

const LOCK_SQL = 'SELECT status FROM sessions WHERE id = $1::uuid FOR NO KEY UPDATE';
const INSERT_SQL = `INSERT INTO messages (id, session_id, role, content, model, embedding, created_at)
SELECT t.id, $1::uuid, t.role, t.content, t.model, NULL,
  GREATEST(clock_timestamp(), (SELECT max(created_at) + interval '1 microsecond' FROM messages WHERE session_id = $1::uuid)) + (t.ord - 1) * interval '1 microsecond'
FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS t(id, role, content, model, ord)
ORDER BY t.ord
ON CONFLICT (id) DO NOTHING
RETURNING id, created_at`;
const TOUCH_SQL = `UPDATE sessions SET updated_at = GREATEST(updated_at, (SELECT max(created_at) FROM messages WHERE session_id = $1::uuid)) WHERE id = $1::uuid`;

/**
 * `efSearch` and `exactSearchThreshold`: the store's documented defaults (README), passed to the
 * store explicitly so the hand-written baseline and the store run with the same settings.
 */
const EF_SEARCH = 200;
const EXACT_THRESHOLD = 3000;
const USER_SCOPE = 'm.session_id IN (SELECT id FROM sessions WHERE user_id = $2)';
/** The search's first statement: HNSW settings and the scope counted up to the threshold + 1. */
const SEARCH_SETUP_SQL = `SELECT set_config('hnsw.ef_search', $1, true) AS ef_search,
  set_config('hnsw.iterative_scan', 'relaxed_order', true) AS iterative_scan,
  (SELECT count(*) FROM (SELECT 1 FROM messages m WHERE ${USER_SCOPE} LIMIT $3) scope)::int AS scoped`;
/** The same settings without the count (the search before the exact path existed). */
const SEARCH_SETTINGS_SQL = `SELECT set_config('hnsw.ef_search', $1, true) AS ef_search,
  set_config('hnsw.iterative_scan', 'relaxed_order', true) AS iterative_scan`;
const SEARCH_SQL = `WITH hits AS MATERIALIZED (
  SELECT ${MESSAGE_COLUMNS}, m.embedding <=> $1::vector AS distance
  FROM messages m
  WHERE m.embedding IS NOT NULL
    AND ${USER_SCOPE}
  ORDER BY m.embedding <=> $1::vector
  LIMIT $3
)
SELECT * FROM hits ORDER BY distance, id`;
const EXACT_SEARCH_SQL = `SELECT * FROM (
  SELECT ${MESSAGE_COLUMNS}, m.embedding <=> $1::vector AS distance
  FROM messages m
  WHERE m.embedding IS NOT NULL
    AND ${USER_SCOPE}
  OFFSET 0
) candidates
ORDER BY distance, id
LIMIT $3`;

async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

// ---------------------------------------------------------------------------------------------
// Seeding

/** `messages` rows in `sessions` sessions of PER_SESSION, written in time order (sessions interleave on disk, as in production). */
async function seedHistory(pool: pg.Pool, messages: number): Promise<void> {
  const sessions = Math.ceil(messages / PER_SESSION);
  await pool.query(
    `INSERT INTO sessions (id, updated_at, status, title, user_id, created_at)
     SELECT md5('s' || i)::uuid, now(), 1, 'chat ' || i, 'u' || (i % 1000), now() - interval '2 days'
       FROM generate_series(0, $1::int - 1) AS i`,
    [sessions],
  );
  const step = Math.max(1, Math.floor(200_000 / sessions));
  for (let from = 0; from < PER_SESSION; from += step) {
    const to = Math.min(PER_SESSION, from + step);
    await pool.query(
      `INSERT INTO messages (id, session_id, role, content, model, created_at)
       SELECT md5('m' || i || '-' || j)::uuid, md5('s' || i)::uuid,
              CASE WHEN j % 2 = 0 THEN 'user' ELSE 'assistant' END,
              repeat('message ' || j || ' of conversation ' || i || '. ', 4),
              CASE WHEN j % 2 = 1 THEN 'gpt-4o' END,
              now() - interval '2 days' + j * interval '1 minute' + i * interval '1 microsecond'
         FROM generate_series($1::int, $2::int - 1) AS j, generate_series(0, $3::int - 1) AS i
        ORDER BY j, i`,
      [from, to, sessions],
    );
  }
  await pool.query('VACUUM ANALYZE sessions');
  await pool.query('VACUUM ANALYZE messages');
}

/**
 * `count` messages with embeddings; session i belongs to `u-small` when i % 100 == 0 (1 %), to
 * `u-mid` when i % 100 is 1, 2 or 3 (3 %: at the store's exact-search threshold in the full size),
 * else to `u-big` (96 %). Returns the HNSW build time.
 */
async function seedVectors(pool: pg.Pool, count: number, next: () => number[]): Promise<number> {
  const sessions = Math.ceil(count / PER_SESSION);
  await pool.query(
    `INSERT INTO sessions (id, updated_at, status, title, user_id, created_at)
     SELECT md5('v' || i)::uuid, now(), 1, 'chat ' || i, CASE WHEN i % 100 = 0 THEN 'u-small' WHEN i % 100 <= 3 THEN 'u-mid' ELSE 'u-big' END, now() - interval '1 day'
       FROM generate_series(0, $1::int - 1) AS i`,
    [sessions],
  );
  // Load before the index exists, then build it once, as the migrations define it.
  const indexDef = await hnswIndexDefinition(pool);
  await pool.query('DROP INDEX ix_messages_embedding_hnsw');
  const BATCH = 500;
  for (let from = 0; from < count; from += BATCH) {
    const n = Math.min(BATCH, count - from);
    const sessionIdx: number[] = [];
    const vectors: string[] = [];
    for (let k = 0; k < n; k++) {
      sessionIdx.push((from + k) % sessions);
      vectors.push(vectorLiteral(next()));
    }
    await pool.query(
      `INSERT INTO messages (id, session_id, role, content, embedding, created_at)
       SELECT gen_random_uuid(), md5('v' || t.s)::uuid, 'user', 'vector message ' || t.ord, t.e::vector, now() - interval '1 day' + t.ord * interval '1 millisecond'
         FROM unnest($1::int[], $2::text[]) WITH ORDINALITY AS t(s, e, ord)`,
      [sessionIdx, vectors],
    );
  }
  const client = await pool.connect();
  try {
    await client.query(`SET maintenance_work_mem = '512MB'`);
    const started = performance.now();
    await client.query(indexDef);
    const buildMs = performance.now() - started;
    await client.query('VACUUM ANALYZE sessions');
    await client.query('VACUUM ANALYZE messages');
    return buildMs;
  } finally {
    client.release();
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring

async function sessionIds(pool: pg.Pool, n: number, offset = 0): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM sessions ORDER BY md5(id::text) LIMIT $1 OFFSET $2`,
    [n, offset],
  );
  return rows.map((r) => r.id);
}

export async function run(size: 'small' | 'full'): Promise<boolean> {
  const sz = SIZES[size];
  const adminUrl = process.env.MEMORY_BENCH_PG_URL ?? process.env.MEMORY_TEST_PG_URL;
  if (!adminUrl)
    throw new Error(
      'the conversations benchmark needs PostgreSQL: set MEMORY_BENCH_PG_URL or MEMORY_TEST_PG_URL to an admin URL',
    );
  const rows: BenchRow[] = [];
  const params: Record<string, unknown> = {
    ...sz,
    dims: DIMS,
    perSession: PER_SESSION,
    clusters: CLUSTERS,
    noise: NOISE,
    loadavg1mStart: Number(loadavg()[0]!.toFixed(2)),
  };
  const log = (msg: string) => console.log(`[conversations ${new Date().toISOString().slice(11, 19)}] ${msg}`);
  let large: Target | undefined;
  let small: Target | undefined;
  try {
    large = await openTarget(adminUrl);
    small = await openTarget(adminUrl);
    const L = large;
    const S = small;

    // --- 2. history ----------------------------------------------------------------------------
    const started = performance.now();
    await seedHistory(L.pool, sz.historyLarge);
    await seedHistory(S.pool, sz.historySmall);
    log(
      `seeded history tables of ${sz.historyLarge} and ${sz.historySmall} messages in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    params.historySeedS = Number(((performance.now() - started) / 1000).toFixed(1));
    const picks = { L: await sessionIds(L.pool, sz.historyPerRound), S: await sessionIds(S.pool, sz.historyPerRound) };
    const storeHistory = (t: Target, ids: string[]) => async () => {
      const out: number[] = [];
      for (const id of ids) {
        let cursor: string | null = null;
        out.push(
          await timed(async () => {
            const page = await t.store.getHistory(id, { limit: 50 });
            if (page.messages.length !== 50) throw new Error(`history page of ${page.messages.length} messages`);
            cursor = page.olderCursor;
          }),
        );
        out.push(-(await timed(() => t.store.getHistory(id, { limit: 50, before: cursor }))));
      }
      return out;
    };
    const bareHistory = (t: Target, ids: string[]) => async () => {
      const out: number[] = [];
      for (const id of ids) {
        let oldest: { created_at: string; id: string } | undefined;
        out.push(
          await timed(async () => {
            const { rows: page } = await t.pool.query<{ created_at: string; id: string }>(PLAIN_HISTORY_SQL, [id, 50]);
            oldest = page[49];
          }),
        );
        out.push(
          -(await timed(() => t.pool.query(PLAIN_HISTORY_BEFORE_SQL, [id, 50, oldest!.created_at, oldest!.id]))),
        );
      }
      return out;
    };
    // Warm-up pass (caches, prepared plans), then the measured rounds. Negative values are the `before` pages.
    for (const fn of [
      storeHistory(L, picks.L),
      bareHistory(L, picks.L),
      storeHistory(S, picks.S),
      bareHistory(S, picks.S),
    ])
      await fn();
    const hist = await interleave(sz.rounds, {
      storeL: storeHistory(L, picks.L),
      bareL: bareHistory(L, picks.L),
      storeS: storeHistory(S, picks.S),
      bareS: bareHistory(S, picks.S),
    });
    const p50 = (xs: number[], before: boolean) =>
      percentile(xs.filter((x) => (before ? x < 0 : x > 0)).map(Math.abs), 50);
    const nL = sz.historyLarge.toLocaleString('en');
    const nS = sz.historySmall.toLocaleString('en');
    for (const before of [false, true]) {
      const what = before ? 'history page, before cursor' : 'history page, newest';
      const sL = p50(hist.storeL!, before);
      const sS = p50(hist.storeS!, before);
      rows.push({
        name: `${what}, ${nL} rows: p50`,
        value: sL,
        unit: 'ms',
        target: '<= 3',
        pass: sL <= 3,
        note: `plain SQL ${p50(hist.bareL!, before).toFixed(2)} ms`,
      });
      rows.push({
        name: `${what}, ${nS} rows: p50`,
        value: sS,
        unit: 'ms',
        target: '<= 3',
        pass: sS <= 3,
        note: `plain SQL ${p50(hist.bareS!, before).toFixed(2)} ms`,
      });
      rows.push({
        name: `${what}: p50(${nL}) / p50(${nS})`,
        value: sL / sS,
        unit: 'ratio',
        target: '<= 1.5',
        pass: sL / sS <= 1.5,
        note: `plain SQL ${(p50(hist.bareL!, before) / p50(hist.bareS!, before)).toFixed(2)}`,
      });
    }
    log('history measured');

    // --- 1. appends (on the large table) -----------------------------------------------------
    await measureAppends(L, sz, rows, params, log, adminUrl);
    await closeTarget(large);
    large = undefined;

    // --- 3. search (the small target, refilled) -------------------------------------------------
    await measureSearch(S, sz, rows, params, log);
    params.loadavg1mEnd = Number(loadavg()[0]!.toFixed(2));
    return writeReport(size === 'full' ? 'conversations' : 'conversations-small', params, rows);
  } finally {
    await closeTarget(large);
    await closeTarget(small);
  }
}

type Log = (msg: string) => void;

/**
 * The append part, on `L` (a seeded history table): appends of 1 and of 100 messages through
 * the store, beside plain hand-written SQL (one autocommit `INSERT` per message, one multi-row
 * `INSERT` per batch) and, for context, a hand-written append with the store's guarantees, in
 * `sz.appendRounds` interleaved rounds. A checkpoint first: the seed's WAL would otherwise set
 * one off that runs through some rounds and not others.
 */
async function measureAppends(
  L: Target,
  sz: Sizes,
  rows: BenchRow[],
  params: Record<string, unknown>,
  log: Log,
  adminUrl: string,
): Promise<void> {
  params.checkpointBeforeAppends = await adminQuery(adminUrl, 'CHECKPOINT').then(
    () => 'done',
    (error: unknown) =>
      `refused (${error instanceof Error ? error.message : String(error)}): appends measured with the seed's checkpoint possibly running`,
  );
  const storeSessions = await sessionIds(L.pool, 20, 100);
  const bareSessions = await sessionIds(L.pool, 20, 200);
  const content = 'an appended message, about the length of a short chat turn. 你好.';
  // One side of an append measurement: `perRound` appends of `batch` messages, to the sessions in
  // turn, timed together.
  const appendSide =
    (sessions: string[], append: (sessionId: string, batch: number) => Promise<unknown>) =>
    (perRound: number, batch: number) => {
      let k = 0;
      return async () => [
        await timed(async () => {
          for (let i = 0; i < perRound; i++) await append(sessions[k++ % sessions.length]!, batch);
        }),
      ];
    };
  const storeAppend = appendSide(storeSessions, (sessionId, batch) =>
    L.store.appendMessages(
      sessionId,
      Array.from({ length: batch }, (_, j) => ({
        role: j % 2 ? MessageRole.ASSISTANT : MessageRole.USER,
        content,
        model: j % 2 ? 'gpt-4o' : null,
      })),
    ),
  );
  // The baseline: what a user writes by hand on the same table. One autocommit INSERT per
  // message; one multi-row INSERT per batch (issue 11).
  const plainAppend = appendSide(bareSessions, async (sessionId, batch) => {
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (let j = 0; j < batch; j++) {
      const b = j * 5;
      tuples.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, clock_timestamp())`);
      values.push(randomUUID(), sessionId, j % 2 ? 'assistant' : 'user', content, j % 2 ? 'gpt-4o' : null);
    }
    const stored = await L.pool.query(
      `INSERT INTO messages (id, session_id, role, content, model, created_at) VALUES ${tuples.join(', ')}`,
      values,
    );
    if (stored.rowCount !== batch) throw new Error('append stored the wrong number of rows');
  });
  // For context only: a hand-written append with the store's guarantees (session lock, ordered
  // timestamps, `updated_at`), what an application wanting them might send.
  const minimalAppend = appendSide(bareSessions, (sessionId, batch) => {
    const ids = Array.from({ length: batch }, () => randomUUID());
    const roles = ids.map((_, j) => (j % 2 ? 'assistant' : 'user'));
    const models = ids.map((_, j) => (j % 2 ? 'gpt-4o' : null));
    return inTransaction(L.pool, async (c) => {
      const locked = await c.query(LOCK_SQL, [sessionId]);
      if (locked.rows.length !== 1) throw new Error('no session');
      await c.query(INSERT_SQL, [sessionId, ids, roles, ids.map(() => content), models]);
      await c.query(TOUCH_SQL, [sessionId]);
    });
  });
  for (const warm of [storeAppend(20, 1), plainAppend(20, 1), minimalAppend(20, 1)]) await warm();
  const measure = async (label: string, unit: string, perRound: number, batch: number, target: number) => {
    const r = await interleave(sz.appendRounds, {
      store: storeAppend(perRound, batch),
      bare: plainAppend(perRound, batch),
      minimal: minimalAppend(perRound, batch),
    });
    const rate = (xs: number[]) => (sz.appendRounds * perRound * batch * 1000) / sum(xs);
    const [store, bare, minimal] = [rate(r.store!), rate(r.bare!), rate(r.minimal!)];
    // Each round's store and bare blocks ran back to back: their ratio is what one round saw.
    const perRoundRatios = r.store!.map((ms, i) => r.bare![i]! / ms);
    rows.push({
      name: `${label}: store`,
      value: store,
      unit,
      note: `plain SQL ${bare.toFixed(0)}/s; hand-written append with the store's guarantees ${minimal.toFixed(0)}/s`,
    });
    rows.push({
      name: `${label}: store / plain SQL (${batch === 1 ? 'autocommit INSERT' : 'multi-row INSERT'})`,
      value: store / bare,
      unit: 'ratio',
      target: `>= ${target}`,
      pass: store / bare >= target,
      note: `total throughput over ${sz.appendRounds} rounds; per round: median ${percentile(perRoundRatios, 50).toFixed(2)}, ${Math.min(...perRoundRatios).toFixed(2)}–${Math.max(...perRoundRatios).toFixed(2)}`,
    });
    rows.push({
      name: `${label}: store / hand-written append with the same guarantees (information)`,
      value: store / minimal,
      unit: 'ratio',
    });
  };
  await measure('append 1 message per call', 'appends/s', sz.singlePerRound, 1, 0.8);
  await measure('append batches of 100', 'messages/s', sz.batchPerRound, 100, 0.9);
  log('appends measured');
}

/** Runs only the append part (`pnpm bench conversations-appends`): one scratch database with the large history table, no history pages or search. */
export async function runAppends(size: 'small' | 'full'): Promise<boolean> {
  const sz = SIZES[size];
  const adminUrl = process.env.MEMORY_BENCH_PG_URL ?? process.env.MEMORY_TEST_PG_URL;
  if (!adminUrl)
    throw new Error(
      'the conversations benchmark needs PostgreSQL: set MEMORY_BENCH_PG_URL or MEMORY_TEST_PG_URL to an admin URL',
    );
  const rows: BenchRow[] = [];
  const params: Record<string, unknown> = {
    historyLarge: sz.historyLarge,
    appendRounds: sz.appendRounds,
    singlePerRound: sz.singlePerRound,
    batchPerRound: sz.batchPerRound,
    loadavg1mStart: Number(loadavg()[0]!.toFixed(2)),
  };
  const log: Log = (msg) => console.log(`[conversations-appends ${new Date().toISOString().slice(11, 19)}] ${msg}`);
  let target: Target | undefined;
  try {
    target = await openTarget(adminUrl);
    await seedHistory(target.pool, sz.historyLarge);
    log(`seeded a history table of ${sz.historyLarge} messages`);
    await measureAppends(target, sz, rows, params, log, adminUrl);
    params.loadavg1mEnd = Number(loadavg()[0]!.toFixed(2));
    return writeReport(size === 'full' ? 'conversations-appends' : 'conversations-appends-small', params, rows);
  } finally {
    await closeTarget(target);
  }
}

/** Runs only the search part (`pnpm bench conversations-search`): one scratch database, no history or appends. */
export async function runSearch(size: 'small' | 'full'): Promise<boolean> {
  const sz = SIZES[size];
  const adminUrl = process.env.MEMORY_BENCH_PG_URL ?? process.env.MEMORY_TEST_PG_URL;
  if (!adminUrl)
    throw new Error(
      'the conversations benchmark needs PostgreSQL: set MEMORY_BENCH_PG_URL or MEMORY_TEST_PG_URL to an admin URL',
    );
  const rows: BenchRow[] = [];
  const params: Record<string, unknown> = {
    vectors: sz.vectors,
    rounds: sz.rounds,
    searchPerRound: sz.searchPerRound,
    recallQueries: sz.recallQueries,
    dims: DIMS,
    perSession: PER_SESSION,
    clusters: CLUSTERS,
    noise: NOISE,
    loadavg1mStart: Number(loadavg()[0]!.toFixed(2)),
  };
  const log: Log = (msg) => console.log(`[conversations-search ${new Date().toISOString().slice(11, 19)}] ${msg}`);
  let target: Target | undefined;
  try {
    target = await openTarget(adminUrl);
    await measureSearch(target, sz, rows, params, log);
    params.loadavg1mEnd = Number(loadavg()[0]!.toFixed(2));
    return writeReport(size === 'full' ? 'conversations-search' : 'conversations-search-small', params, rows);
  } finally {
    await closeTarget(target);
  }
}

/**
 * The search part: `sz.vectors` clustered vectors in `S` (emptied first), then in interleaved
 * rounds the store's `searchMessages` with its defaults beside pgvector's search written by hand, for
 * three users: 96 % of the messages (HNSW), 3 % (at the exact-search threshold in the full size)
 * and 1 % (exact scan). Recall against exact search; informational: the store's HNSW SQL for the small
 * users (the plan before the exact path), the cost of the scope count, recall at other
 * `ef_search` values.
 */
async function measureSearch(
  S: Target,
  sz: Sizes,
  rows: BenchRow[],
  params: Record<string, unknown>,
  log: Log,
): Promise<void> {
  await S.pool.query('TRUNCATE sessions, messages, session_summaries, messages_archive CASCADE');
  const g = gaussian(7);
  const centres = Array.from({ length: CLUSTERS }, () => Array.from({ length: DIMS }, () => g()));
  const started = performance.now();
  const buildMs = await seedVectors(S.pool, sz.vectors, clusteredVectors(11, centres, NOISE));
  log(
    `seeded ${sz.vectors} vectors in ${((performance.now() - started) / 1000).toFixed(1)} s, HNSW build ${(buildMs / 1000).toFixed(1)} s`,
  );
  rows.push({
    name: `HNSW build, ${sz.vectors.toLocaleString('en')} × ${DIMS}`,
    value: buildMs / 1000,
    unit: 's',
    note: `maintenance_work_mem 512MB; whole seed ${((performance.now() - started) / 1000).toFixed(1)} s`,
  });
  const { rows: owners } = await S.pool.query<{ user_id: string; n: number }>(
    `SELECT s.user_id, count(*)::int AS n FROM messages m JOIN sessions s ON s.id = m.session_id GROUP BY s.user_id`,
  );
  const owned = Object.fromEntries(owners.map((o) => [o.user_id, o.n]));
  params.messagesPerUser = owned;
  params.efSearch = EF_SEARCH;
  params.exactSearchThreshold = EXACT_THRESHOLD;
  // HNSW builds are randomized (levels; parallel workers interleave), so recall varies from build to build.
  params.maxParallelMaintenanceWorkers = (
    await S.pool.query<{ max_parallel_maintenance_workers: string }>('SHOW max_parallel_maintenance_workers')
  ).rows[0]!.max_parallel_maintenance_workers;

  const queryGen = clusteredVectors(99, centres, NOISE);
  // Rounded as `vectorLiteral` writes them, so the store and bare pg search for exactly the same vectors.
  const queries = Array.from({ length: Math.max(sz.searchPerRound, sz.recallQueries) }, () =>
    queryGen().map((x) => Number(x.toFixed(6))),
  );
  const roundQueries = queries.slice(0, sz.searchPerRound);
  const hitCounts: Record<string, number[]> = {};
  const storeSearch = (userId: string) => async () => {
    const out: number[] = [];
    for (const vector of roundQueries) {
      let n = 0;
      out.push(await timed(async () => (n = (await S.store.searchMessages({ vector, userId, topK: TOP_K })).length)));
      (hitCounts[userId] ??= []).push(n);
    }
    return out;
  };
  /** The baseline: pgvector's filtered search written by hand (settings, then one ORDER BY ... LIMIT). */
  const plainHits: Record<string, number[]> = {};
  const bareSearch = (userId: string) => async () => {
    const out: number[] = [];
    for (const v of roundQueries) {
      let n = 0;
      out.push(
        await timed(() =>
          inTransaction(S.pool, async (c) => {
            await c.query(PLAIN_SEARCH_SETTINGS(EF_SEARCH));
            n = (await c.query(PLAIN_SEARCH_SQL, [vectorLiteral(v), userId, TOP_K])).rows.length;
          }),
        ),
      );
      (plainHits[userId] ??= []).push(n);
    }
    return out;
  };
  /** Bare pg, the store's SQL, HNSW only (informational): the store's plan before the exact path (ef_search as given). */
  const bareHnsw = (userId: string, ef: number) => async () => {
    const out: number[] = [];
    for (const v of roundQueries) {
      out.push(
        await timed(() =>
          inTransaction(S.pool, async (c) => {
            await c.query(SEARCH_SETTINGS_SQL, [String(ef)]);
            await c.query(SEARCH_SQL, [vectorLiteral(v), userId, TOP_K]);
          }),
        ),
      );
    }
    return out;
  };
  /** The first statement alone, with and without the count, for the big user: what the count costs. */
  const setupOnly = (withCount: boolean) => async () => {
    const out: number[] = [];
    for (let i = 0; i < roundQueries.length; i++) {
      out.push(
        await timed(() =>
          withCount
            ? S.pool.query(SEARCH_SETUP_SQL, [String(EF_SEARCH), 'u-big', EXACT_THRESHOLD + 1])
            : S.pool.query(SEARCH_SETTINGS_SQL, [String(EF_SEARCH)]),
        ),
      );
    }
    return out;
  };
  // Three groups of interleaved rounds, so that the small users' scans (which read other pages)
  // do not churn the buffer cache between the big user's searches, and each comparison is fair.
  const groups: Record<string, () => Promise<number[]>>[] = [
    { storeBig: storeSearch('u-big'), bareBig: bareSearch('u-big') },
    {
      storeSmall: storeSearch('u-small'),
      bareSmall: bareSearch('u-small'),
      bareSmallHnsw40: bareHnsw('u-small', 40),
      storeMid: storeSearch('u-mid'),
      bareMidHnsw: bareHnsw('u-mid', EF_SEARCH),
    },
    { setupWithCount: setupOnly(true), setupWithoutCount: setupOnly(false) },
  ];
  const search: Record<string, number[]> = {};
  for (const sides of groups) {
    for (const fn of Object.values(sides)) await fn();
    Object.assign(search, await interleave(sz.rounds, sides));
  }
  const hitsSeen = Object.values(hitCounts).flat();
  const shortOf = (userId: string) =>
    `${(plainHits[userId] ?? []).filter((n) => n < TOP_K).length} of ${(plainHits[userId] ?? []).length} short of topK`;
  const p = (xs: number[] | undefined, q: number) => percentile(xs!, q);
  const ms = (xs: number[] | undefined) => `${p(xs, 50).toFixed(2)} ms`;
  const pct = (userId: string) => `${((100 * (owned[userId] ?? 0)) / sz.vectors).toFixed(0)} %`;
  const n = sz.vectors.toLocaleString('en');
  const bigP50 = p(search.storeBig, 50);
  rows.push({
    name: `search ${n} × ${DIMS}, user with ${pct('u-big')}: p50`,
    value: bigP50,
    unit: 'ms',
    target: '<= 15',
    pass: bigP50 <= 15,
    note: `plain SQL ${ms(search.bareBig)} (${shortOf('u-big')}); p95 ${p(search.storeBig, 95).toFixed(2)} ms; HNSW, ef_search ${EF_SEARCH}`,
  });
  const smallP50 = p(search.storeSmall, 50);
  rows.push({
    name: `search, user with ${pct('u-small')} (${owned['u-small']} messages): p50`,
    value: smallP50,
    unit: 'ms',
    target: '<= 15',
    pass: smallP50 <= 15,
    note: `exact scan; plain SQL ${ms(search.bareSmall)} (${shortOf('u-small')}); p95 ${p(search.storeSmall, 95).toFixed(2)} ms; the store's SQL, HNSW only (the plan before, ef_search 40) ${ms(search.bareSmallHnsw40)}`,
  });
  rows.push({
    name: `search, user with ${pct('u-mid')} (${owned['u-mid']} messages): p50`,
    value: p(search.storeMid, 50),
    unit: 'ms',
    note: `informational (threshold ${EXACT_THRESHOLD}: ${(owned['u-mid'] ?? 0) <= EXACT_THRESHOLD ? 'exact scan' : 'HNSW'}); the store's SQL, HNSW only, ef_search ${EF_SEARCH}: ${ms(search.bareMidHnsw)}`,
  });
  const countMs = p(search.setupWithCount, 50) - p(search.setupWithoutCount, 50);
  rows.push({
    name: `cost of the scope count (up to ${EXACT_THRESHOLD + 1}) for the ${pct('u-big')} user: p50 difference`,
    value: countMs,
    unit: 'ms',
    note: `informational; setup statement p50 ${ms(search.setupWithCount)} with, ${ms(search.setupWithoutCount)} without`,
  });

  // Recall against exact search (the fenced exact SQL), and hit counts.
  const exactMs: Record<string, number[]> = {};
  const exact = async (userId: string, v: number[]) => {
    const t0 = performance.now();
    const { rows: found } = await S.pool.query<{ id: string }>(EXACT_SEARCH_SQL, [vectorLiteral(v), userId, TOP_K]);
    (exactMs[userId] ??= []).push(performance.now() - t0);
    return found.map((r) => r.id);
  };
  const truth: Record<string, Set<string>[]> = {};
  for (const userId of ['u-big', 'u-mid', 'u-small']) {
    truth[userId] = [];
    for (const v of queries.slice(0, sz.recallQueries)) truth[userId].push(new Set(await exact(userId, v)));
  }
  const recall = async (userId: string) => {
    let hit = 0;
    let total = 0;
    let short = 0;
    const qs = queries.slice(0, sz.recallQueries);
    for (let i = 0; i < qs.length; i++) {
      const got = await S.store.searchMessages({ vector: qs[i]!, userId, topK: TOP_K });
      if (got.length < TOP_K) short++;
      total += truth[userId]![i]!.size;
      hit += got.filter((h) => truth[userId]![i]!.has(h.message.id)).length;
    }
    return { recall: hit / total, short };
  };
  const big = await recall('u-big');
  const mid = await recall('u-mid');
  const tiny = await recall('u-small');
  rows.push({
    name: `search recall@10, user with ${pct('u-big')}`,
    value: big.recall,
    unit: 'ratio',
    target: '>= 0.95',
    pass: big.recall >= 0.95,
    note: `${sz.recallQueries} queries vs exact search (p50 ${ms(exactMs['u-big'])}); the store's default ef_search ${EF_SEARCH}`,
  });
  rows.push({
    name: `search recall@10, user with ${pct('u-small')}`,
    value: tiny.recall,
    unit: 'ratio',
    target: '>= 0.95',
    pass: tiny.recall >= 0.95,
    note: `exact search p50 ${ms(exactMs['u-small'])}; user with ${pct('u-mid')}: ${mid.recall.toFixed(3)}`,
  });
  const shortAll = big.short + mid.short + tiny.short + hitsSeen.filter((x) => x < TOP_K).length;
  rows.push({
    name: 'searches with fewer than topK hits (all users)',
    value: shortAll,
    unit: 'queries',
    target: '0',
    pass: shortAll === 0,
    note: `of ${3 * sz.recallQueries + hitsSeen.length}; the ${pct('u-small')} user: ${tiny.short}`,
  });
  // Informational: recall and latency at other hnsw.ef_search values (bare pg, the store's HNSW SQL).
  // 1000 (the maximum) shows the ceiling of this index build: what no ef_search can exceed.
  for (const ef of [40, 100, 150, EF_SEARCH, 300, 1000]) {
    let hit = 0;
    const efMs: number[] = [];
    const qs = queries.slice(0, sz.recallQueries);
    for (let i = 0; i < qs.length; i++) {
      const t0 = performance.now();
      const got = await inTransaction(S.pool, async (c) => {
        await c.query(SEARCH_SETTINGS_SQL, [String(ef)]);
        return (await c.query<{ id: string }>(SEARCH_SQL, [vectorLiteral(qs[i]!), 'u-big', TOP_K])).rows;
      });
      efMs.push(performance.now() - t0);
      hit += got.filter((r) => truth['u-big']![i]!.has(r.id)).length;
    }
    rows.push({
      name: `search recall@10, user with ${pct('u-big')}, the store's HNSW SQL with ef_search ${ef}`,
      value: hit / (TOP_K * sz.recallQueries),
      unit: 'ratio',
      note: `informational; p50 ${ms(efMs)}, p95 ${p(efMs, 95).toFixed(2)} ms`,
    });
  }

  // Which plan PostgreSQL itself picks for the HNSW statement (store settings), per user.
  const plan = async (userId: string) =>
    inTransaction(S.pool, async (c) => {
      await c.query(SEARCH_SETTINGS_SQL, [String(EF_SEARCH)]);
      const { rows: lines } = await c.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN ${SEARCH_SQL.replace(/\$1/g, `'${vectorLiteral(queries[0]!)}'`)
          .replace('$2', `'${userId}'`)
          .replace('$3', String(TOP_K))}`,
      );
      const text = lines.map((l) => l['QUERY PLAN']).join('\n');
      return text.includes('ix_messages_embedding_hnsw')
        ? 'HNSW index scan (iterative_scan relaxed_order)'
        : text.includes('Seq Scan on messages')
          ? 'exact: seq scan + sort'
          : 'exact: via session index + sort';
    });
  params.plannerChoiceForHnswSql = {
    'u-big': await plan('u-big'),
    'u-mid': await plan('u-mid'),
    'u-small': await plan('u-small'),
  };
  log(`planner's own choice for the HNSW statement: ${JSON.stringify(params.plannerChoiceForHnswSql)}`);
}
