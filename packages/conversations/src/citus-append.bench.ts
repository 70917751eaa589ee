/**
 * Appends per second through the store on Citus: the append as it is now (citus-append.ts: four
 * statements routed to the session's shard in one transaction) beside the one statement of
 * data-modifying CTEs the store sent before (`appendMessagesSql`, run as the store ran it: one
 * autocommit statement), and beside the store on single-node PostgreSQL (its fast path), on the
 * same machine, in interleaved rounds. Run:
 *
 *   MEMORY_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *   MEMORY_TEST_CITUS_URL=postgres://postgres@127.0.0.1:5441/postgres \
 *   pnpm exec tsx --conditions=@memory/source packages/conversations/src/citus-append.bench.ts
 *
 * Environment: BENCH_APPENDS (per round and variant, 400), BENCH_ROUNDS (3), BENCH_CONCURRENCY (4).
 */
import { loadavg } from 'node:os';
import { createMemoryDb, distributeMemorySchema, type MemoryDb } from '@memory/db';
import {
  CITUS_TEST_URL_ENV,
  createCitusScratchDatabase,
  createPostgresScratchDatabase,
  PG_TEST_URL_ENV,
} from '@memory/db/testing';
import { createConversationStore, type ConversationStore } from './index.js';
import { appendMessagesSql } from './message-sql.js';
import { sessionRoute } from './shard-route.js';
import { checkNewMessages } from './validate.js';

const APPENDS = Number(process.env.BENCH_APPENDS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const SESSIONS = 40;
const out = (line: string): void => void process.stdout.write(`${line}\n`);

async function timed(op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < APPENDS) await op(next++);
    }),
  );
  return (APPENDS / (performance.now() - t0)) * 1000;
}

async function sessionsOf(store: ConversationStore): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < SESSIONS; i++) ids.push((await store.createSession({ userId: `bench-${i}` })).id);
  return ids;
}

const citusUrl = process.env[CITUS_TEST_URL_ENV];
const pgUrl = process.env[PG_TEST_URL_ENV];
if (!citusUrl || !pgUrl) throw new Error(`set ${CITUS_TEST_URL_ENV} and ${PG_TEST_URL_ENV}`);
const citusScratch = await createCitusScratchDatabase(citusUrl);
const pgScratch = await createPostgresScratchDatabase(pgUrl);
const dbs: MemoryDb[] = [];
try {
  const citusDb = createMemoryDb({ url: citusScratch.url, embeddingDimensions: 3, pool: { max: CONCURRENCY } });
  const pgDb = createMemoryDb({ url: pgScratch.url, embeddingDimensions: 3, pool: { max: CONCURRENCY } });
  dbs.push(citusDb, pgDb);
  await citusDb.initDb();
  await distributeMemorySchema(citusDb, { shardCount: 32 });
  await pgDb.initDb();
  const citus = createConversationStore(citusDb);
  const single = createConversationStore(pgDb);
  const citusSessions = await sessionsOf(citus);
  const pgSessions = await sessionsOf(single);
  const message = (i: number) => [{ role: 'user' as const, content: `message ${i}` }];
  const variants: Array<[string, (i: number) => Promise<unknown>]> = [
    ['single-node store', (i) => single.appendMessages(pgSessions[i % SESSIONS]!, message(i))],
    ['citus store (now)', (i) => citus.appendMessages(citusSessions[i % SESSIONS]!, message(i))],
    [
      'citus one CTE statement (before)',
      (i) => {
        const id = citusSessions[i % SESSIONS]!;
        const statement = appendMessagesSql(id, checkNewMessages(message(i), 3), sessionRoute(id, true));
        return citusDb.query(statement.text, statement.values);
      },
    ],
  ];
  for (const [, op] of variants) await timed(op); // warm-up: connections, plans
  const rates = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, op] of round % 2 ? [...variants].reverse() : variants) rates.get(name)!.push(await timed(op));
  }
  out(`appends/s, ${APPENDS} one-message appends per round, ${CONCURRENCY} clients, ${ROUNDS} interleaved rounds`);
  const base = rates.get('single-node store')!;
  for (const [name, r] of rates) {
    out(
      `${name.padEnd(34)} ${r.map((x) => x.toFixed(0).padStart(5)).join(' ')}   / single-node: ${r.map((x, i) => (x / base[i]!).toFixed(2)).join(', ')}`,
    );
  }
  out(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
} finally {
  for (const db of dbs) await db.close();
  await citusScratch.drop();
  await pgScratch.drop();
}
