/**
 * What a typed query costs against hand SQL on a cold statement of the stores (issue 11's "use
 * typed queries where they cost nothing measurable"): the newest 5 summaries of a session, the
 * statement `listSummaries` sends, built per call two ways and sent through the same `db.query`:
 *
 * - hand: the SQL text with `$n` placeholders written by hand, `{ text, values }` (the baseline);
 * - tagged: the `sql` template of `@memory/db`, the way the stores build it now (its text is built
 *   once per call site, as the template has no fragment inside);
 * - typed: the same statement from a Kysely query builder over `MemoryTables` (the row types
 *   `@memory/db` derives from the entity definitions), built and compiled per call.
 *
 * And the build cost of a composed statement (the session's history page on Citus: a filter
 * fragment per condition, the shard key one parameter used twice), by hand (conditional pieces
 * of text and a values array) and with the template (fragments, renumbered on every call).
 *
 * Reported: the build cost of each (CPU only, microseconds per statement), the p50 round trip of
 * each in interleaved rounds, and the typed build's share of the hand round trip. Information,
 * no target: it is the measurement behind the hand SQL the stores keep (see
 * `packages/conversations/src/rows.ts`).
 *
 * PostgreSQL from MEMORY_BENCH_PG_URL or MEMORY_TEST_PG_URL (required): a scratch database is
 * created and dropped.
 */
import { createMemoryDb, sql as memorySql, type MemoryDb, type MemoryTables, type Sql } from '@memory/db';
import { createPostgresScratchDatabase } from '@memory/db/testing';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import { loadavg1m, percentile, writeReport, type BenchRow } from './report.js';
import { interleave } from './measure.js';
import { benchPgUrl } from './scratch-db.js';

const ROUNDS = 12;
const PER_ROUND = 200;
const BUILDS = 100_000;
const TIMESTAMP = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

/** Compiles only (a driver that never connects): the statement is then sent through `db.query`. */
const typedBuilder = new Kysely<MemoryTables>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

interface Statement {
  text: string;
  values: readonly unknown[];
}

function handStatement(sessionId: string, limit: number): Statement {
  return {
    text: `SELECT ss.id, ss.session_id, ss.strategy, ss.strategy_version, ss.summary_text, ss.summary_json, to_char(ss.created_at AT TIME ZONE 'UTC', ${TIMESTAMP}) AS created_at
FROM session_summaries ss WHERE ss.session_id = $1::uuid ORDER BY ss.created_at DESC, ss.id DESC LIMIT $2`,
    values: [sessionId, limit],
  };
}

function taggedStatement(sessionId: string, limit: number): Statement {
  return memorySql`SELECT ss.id, ss.session_id, ss.strategy, ss.strategy_version, ss.summary_text, ss.summary_json, to_char(ss.created_at AT TIME ZONE 'UTC', ${memorySql.raw(TIMESTAMP)}) AS created_at
FROM session_summaries ss WHERE ss.session_id = ${sessionId}::uuid ORDER BY ss.created_at DESC, ss.id DESC LIMIT ${limit}`;
}

/** A history page's filters: what the composed statement is built from. */
interface Page {
  sessionId: string;
  shardKey: number | null;
  before: { at: string; id: string } | null;
  roles: string[] | null;
  limit: number;
}

/** The composed statement by hand: conditional pieces of text, `$n` counted off a values array. */
function handComposed(page: Page): Statement {
  const values: unknown[] = [page.sessionId];
  let key = '';
  if (page.shardKey !== null) {
    values.push(page.shardKey);
    key = `$${values.length}::int`;
  }
  let where = key ? ` AND m.shard_key = ${key}` : '';
  if (page.before) {
    values.push(page.before.at, page.before.id);
    where += `\n    AND (m.created_at, m.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`;
  }
  if (page.roles) {
    values.push(page.roles);
    where += `\n    AND m.role = ANY($${values.length}::text[])`;
  }
  values.push(page.limit);
  return {
    text: `SELECT s.status AS session_status, p.* FROM sessions s LEFT JOIN LATERAL (
  SELECT m.id, m.role, m.content FROM messages m WHERE m.session_id = s.id${where}
  ORDER BY m.created_at DESC, m.id DESC LIMIT $${values.length}
) p ON true WHERE s.id = $1::uuid${key ? ` AND s.shard_key = ${key}` : ''}`,
    values,
  };
}

/** The composed statement with the template: a fragment per condition, the shard key a `sql.param`. */
function taggedComposed(page: Page): Statement {
  const key = page.shardKey === null ? null : memorySql.param(page.shardKey);
  const on = (alias: string): Sql =>
    key === null ? memorySql.empty : memorySql` AND ${memorySql.raw(alias)}.shard_key = ${key}::int`;
  const where: Sql[] = [];
  if (page.before)
    where.push(memorySql`(m.created_at, m.id) < (${page.before.at}::timestamptz, ${page.before.id}::uuid)`);
  if (page.roles) where.push(memorySql`m.role = ANY(${page.roles}::text[])`);
  return memorySql`SELECT s.status AS session_status, p.* FROM sessions s LEFT JOIN LATERAL (
  SELECT m.id, m.role, m.content FROM messages m WHERE m.session_id = s.id${on('m')}${memorySql.join(
    where.map((w) => memorySql`\n    AND ${w}`),
    '',
  )}
  ORDER BY m.created_at DESC, m.id DESC LIMIT ${page.limit}
) p ON true WHERE s.id = ${page.sessionId}::uuid${on('s')}`;
}

/** Builds `build(page)` per call, reading text and values as `db.query` does. */
function composedMicros(build: (page: Page) => Statement): number {
  const page = (i: number): Page => ({
    sessionId: '0190f5a8-2b7c-7d4e-8f00-1234567890ab',
    shardKey: 0x90ab,
    before: { at: '2026-01-01T00:00:00.000001Z', id: '0190f5a8-2b7c-7d4e-8f00-1234567890ac' },
    roles: ['user', 'assistant'],
    limit: i,
  });
  let sink = 0;
  for (let i = 0; i < BUILDS / 5; i++) sink += build(page(i)).values.length;
  const started = performance.now();
  for (let i = 0; i < BUILDS; i++) {
    const statement = build(page(i));
    sink += statement.text.length + statement.values.length;
  }
  const micros = ((performance.now() - started) * 1000) / BUILDS;
  if (sink === 0) throw new Error('nothing built');
  return micros;
}

function typedStatement(sessionId: string, limit: number): Statement {
  const compiled = typedBuilder
    .selectFrom('session_summaries as ss')
    .select([
      'ss.id',
      'ss.session_id',
      'ss.strategy',
      'ss.strategy_version',
      'ss.summary_text',
      'ss.summary_json',
      sql<string>`to_char(ss.created_at AT TIME ZONE 'UTC', ${sql.raw(TIMESTAMP)})`.as('created_at'),
    ])
    .where('ss.session_id', '=', sql<string>`${sessionId}::uuid`)
    .orderBy('ss.created_at', 'desc')
    .orderBy('ss.id', 'desc')
    .limit(limit)
    .compile();
  return { text: compiled.sql, values: compiled.parameters };
}

/** Builds per call and reads text and values, as `db.query` does (the template compiles on that read). */
function buildMicros(build: (id: string, limit: number) => Statement): number {
  let sink = 0;
  for (let i = 0; i < BUILDS / 5; i++) sink += build('0190f5a8-2b7c-7d4e-8f00-1234567890ab', i).values.length;
  const started = performance.now();
  for (let i = 0; i < BUILDS; i++) {
    const statement = build('0190f5a8-2b7c-7d4e-8f00-1234567890ab', i);
    sink += statement.text.length + statement.values.length;
  }
  const micros = ((performance.now() - started) * 1000) / BUILDS;
  if (sink === 0) throw new Error('nothing built');
  return micros;
}

async function roundTrips(
  db: MemoryDb,
  build: (id: string, limit: number) => Statement,
  id: string,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < PER_ROUND; i++) {
    const started = performance.now();
    await db.query(build(id, 5));
    out.push(performance.now() - started);
  }
  return out;
}

export async function run(): Promise<boolean> {
  const adminUrl = benchPgUrl('sql-build');
  const scratch = await createPostgresScratchDatabase(adminUrl);
  const db = createMemoryDb({ url: scratch.url, embeddingDimensions: 4 });
  const rows: BenchRow[] = [];
  const params: Record<string, unknown> = {
    rounds: ROUNDS,
    perRound: PER_ROUND,
    builds: BUILDS,
    loadavg1mStart: loadavg1m(),
  };
  try {
    await db.initDb();
    const id = '0190f5a8-2b7c-7d4e-8f00-1234567890ab';
    await db.query(`INSERT INTO sessions (id, updated_at, status) VALUES ($1::uuid, now(), 1)`, [id]);
    await db.query(
      `INSERT INTO session_summaries (id, session_id, strategy, summary_text, summary_json, created_at)
       SELECT gen_random_uuid(), $1::uuid, 'rolling', 'summary ' || i, '{}'::jsonb, now() - i * interval '1 minute' FROM generate_series(1, 20) i`,
      [id],
    );
    const same = [handStatement(id, 5), taggedStatement(id, 5), typedStatement(id, 5)].map((s) => s.values.join());
    if (new Set(same).size !== 1) throw new Error(`the builds bind different values: ${same.join(' vs ')}`);
    const [handRows, taggedRows, typedRows] = [
      await db.query(handStatement(id, 5).text, [id, 5]),
      await db.query(taggedStatement(id, 5)),
      await db.query(typedStatement(id, 5).text, [id, 5]),
    ];
    if (
      JSON.stringify(handRows) !== JSON.stringify(typedRows) ||
      JSON.stringify(handRows) !== JSON.stringify(taggedRows)
    )
      throw new Error('the statements return different rows');
    const composedPage: Page = { sessionId: id, shardKey: 1, before: null, roles: ['user'], limit: 5 };
    const [handPage, taggedPage] = [handComposed(composedPage), taggedComposed(composedPage)];
    // The same statement up to the order of its placeholders (the template numbers them in text order).
    const inline = (st: Statement) => st.text.replace(/\$(\d+)/g, (_, n) => JSON.stringify(st.values[Number(n) - 1]));
    if (inline(handPage) !== inline(taggedPage)) throw new Error('the composed statements differ');

    // Interleaved, twice each, so a burst of load on the shared machine hits both.
    const builds = { hand: [] as number[], tagged: [] as number[], typed: [] as number[] };
    const composed = { hand: [] as number[], tagged: [] as number[] };
    for (let round = 0; round < 2; round++) {
      builds.hand.push(buildMicros(handStatement));
      builds.tagged.push(buildMicros(taggedStatement));
      builds.typed.push(buildMicros(typedStatement));
      composed.hand.push(composedMicros(handComposed));
      composed.tagged.push(composedMicros(taggedComposed));
    }
    const hand = Math.min(...builds.hand);
    const tagged = Math.min(...builds.tagged);
    const typed = Math.min(...builds.typed);
    const trips = await interleave(ROUNDS, {
      hand: () => roundTrips(db, handStatement, id),
      tagged: () => roundTrips(db, taggedStatement, id),
      typed: () => roundTrips(db, typedStatement, id),
    });
    const handP50 = percentile(trips.hand!, 50);
    const taggedP50 = percentile(trips.tagged!, 50);
    const typedP50 = percentile(trips.typed!, 50);
    rows.push(
      { name: 'build a statement: hand SQL', value: hand, unit: 'µs' },
      { name: 'build a statement: sql template of @memory/db', value: tagged, unit: 'µs' },
      { name: 'build a statement: Kysely over MemoryTables (build + compile)', value: typed, unit: 'µs' },
      {
        name: 'build a composed statement (history page, 4 fragments): hand',
        value: Math.min(...composed.hand),
        unit: 'µs',
      },
      {
        name: 'build a composed statement (history page, 4 fragments): sql template',
        value: Math.min(...composed.tagged),
        unit: 'µs',
      },
      { name: 'listSummaries statement round trip: hand SQL, p50', value: handP50, unit: 'ms' },
      { name: 'listSummaries statement round trip: sql template, p50', value: taggedP50, unit: 'ms' },
      { name: 'listSummaries statement round trip: typed, p50', value: typedP50, unit: 'ms' },
      { name: 'sql template / hand, p50 round trip', value: taggedP50 / handP50, unit: 'ratio', note: 'information' },
      { name: 'typed / hand, p50 round trip', value: typedP50 / handP50, unit: 'ratio', note: 'information' },
      {
        name: 'sql template build share of the hand round trip',
        value: (tagged - hand) / 1000 / handP50,
        unit: 'ratio',
        note: 'CPU the template adds per call, over the p50 round trip',
      },
      {
        name: 'typed build share of the hand round trip',
        value: (typed - hand) / 1000 / handP50,
        unit: 'ratio',
        note: 'CPU the typed build adds per call, over the p50 round trip',
      },
    );
  } finally {
    await db.close();
    await scratch.drop();
  }
  params.loadavg1mEnd = loadavg1m();
  return writeReport('sql-build', params, rows);
}
