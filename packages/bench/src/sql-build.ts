/**
 * What a typed query costs against hand SQL on a cold statement of the stores (issue 11's "use
 * typed queries where they cost nothing measurable"): the newest 5 summaries of a session, the
 * statement `listSummaries` sends, built per call two ways and sent through the same `db.query`:
 *
 * - hand: the SQL text with `$n` placeholders, as the stores write it (the baseline);
 * - typed: the same statement from a Kysely query builder over `MemoryTables` (the row types
 *   `@memory/db` derives from the entity definitions), built and compiled per call.
 *
 * Reported: the build cost of each (CPU only, microseconds per statement), the p50 round trip of
 * each in interleaved rounds, and the typed build's share of the hand round trip. Information,
 * no target: it is the measurement behind the hand SQL the stores keep (see
 * `packages/conversations/src/rows.ts`).
 *
 * PostgreSQL from MEMORY_BENCH_PG_URL or MEMORY_TEST_PG_URL (required): a scratch database is
 * created and dropped.
 */
import { createMemoryDb, type MemoryDb, type MemoryTables } from '@memory/db';
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

function buildMicros(build: (id: string, limit: number) => Statement): number {
  for (let i = 0; i < BUILDS / 5; i++) build('0190f5a8-2b7c-7d4e-8f00-1234567890ab', i);
  const started = performance.now();
  for (let i = 0; i < BUILDS; i++) build('0190f5a8-2b7c-7d4e-8f00-1234567890ab', i);
  return ((performance.now() - started) * 1000) / BUILDS;
}

async function roundTrips(
  db: MemoryDb,
  build: (id: string, limit: number) => Statement,
  id: string,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < PER_ROUND; i++) {
    const started = performance.now();
    const statement = build(id, 5);
    await db.query(statement.text, statement.values);
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
    const same = [handStatement(id, 5), typedStatement(id, 5)].map((s) => s.values.join());
    if (same[0] !== same[1]) throw new Error(`the two builds bind different values: ${same.join(' vs ')}`);
    const [handRows, typedRows] = [
      await db.query(handStatement(id, 5).text, [id, 5]),
      await db.query(typedStatement(id, 5).text, [id, 5]),
    ];
    if (JSON.stringify(handRows) !== JSON.stringify(typedRows))
      throw new Error('the two statements return different rows');

    const hand = buildMicros(handStatement);
    const typed = buildMicros(typedStatement);
    const trips = await interleave(ROUNDS, {
      hand: () => roundTrips(db, handStatement, id),
      typed: () => roundTrips(db, typedStatement, id),
    });
    const handP50 = percentile(trips.hand!, 50);
    const typedP50 = percentile(trips.typed!, 50);
    rows.push(
      { name: 'build a statement: hand SQL', value: hand, unit: 'µs' },
      { name: 'build a statement: Kysely over MemoryTables (build + compile)', value: typed, unit: 'µs' },
      { name: 'listSummaries statement round trip: hand SQL, p50', value: handP50, unit: 'ms' },
      { name: 'listSummaries statement round trip: typed, p50', value: typedP50, unit: 'ms' },
      { name: 'typed / hand, p50 round trip', value: typedP50 / handP50, unit: 'ratio', note: 'information' },
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
