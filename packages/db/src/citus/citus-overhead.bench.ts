/**
 * The per-operation overhead of the distributed layout: the same hand-written statements (append,
 * history page, user-scoped vector search, archive planning) on single-node PostgreSQL (the
 * baseline) and on the Citus cluster, on the same machine, interleaved per phase. Run:
 *
 *   MEMORY_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *   MEMORY_TEST_CITUS_URL=postgres://postgres@127.0.0.1:5441/postgres \
 *   pnpm exec tsx --conditions=@memory/source packages/db/src/citus/citus-overhead.bench.ts
 *
 * Environment: BENCH_USERS (200), BENCH_MESSAGES (4000), BENCH_CONCURRENCY (4).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createMemoryDb } from '../memory-db.js';
import { createPostgresScratchDatabase, type ScratchDatabase } from '../testing/test-databases.js';
import { createCitusScratchDatabase, CITUS_TEST_URL_ENV } from './citus-scratch.js';
import { distributeMemorySchema } from './distribute.js';
import { newSessionIdForUser, shardKeyOfSession } from './shard-key.js';

const DIMS = 64;
const USERS = Number(process.env.BENCH_USERS ?? 200);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 4000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const vec = (): string => `[${Array.from({ length: DIMS }, () => Math.random().toFixed(4)).join(',')}]`;

async function prepare(scratch: ScratchDatabase, citus: boolean): Promise<pg.Pool> {
  const db = createMemoryDb({ url: scratch.url, embeddingDimensions: DIMS });
  await db.initDb();
  if (citus) await distributeMemorySchema(db, { shardCount: 32 });
  await db.close();
  return new pg.Pool({ connectionString: scratch.url, max: CONCURRENCY });
}

async function timed(pool: pg.Pool, n: number, op: (pool: pg.Pool, i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) await op(pool, next++);
    }),
  );
  return (n / (performance.now() - t0)) * 1000;
}

const users = Array.from({ length: USERS }, (_, i) => `bench-user-${i}`);
const sessions = users.map((u) => newSessionIdForUser(u));
const phases: [string, number, (pool: pg.Pool, i: number) => Promise<unknown>][] = [
  [
    'create session',
    USERS,
    (p, i) =>
      p.query(`insert into sessions (id, shard_key, user_id, updated_at, status) values ($1, $2, $3, now(), 1)`, [
        sessions[i],
        shardKeyOfSession(sessions[i]!),
        users[i],
      ]),
  ],
  [
    'append',
    MESSAGES,
    (p, i) => {
      const s = sessions[i % USERS]!;
      return p.query(
        `insert into messages (id, shard_key, session_id, user_id, role, content, embedding, created_at) values ($1, $2, $3, $4, 'user', $5, $6, now())`,
        [randomUUID(), shardKeyOfSession(s), s, users[i % USERS], `message ${i}`, vec()],
      );
    },
  ],
  [
    'history page (50)',
    MESSAGES / 2,
    (p, i) => {
      const s = sessions[i % USERS]!;
      return p.query(
        `select id, role, content, created_at from messages where session_id = $1 and shard_key = $2 order by created_at desc, id desc limit 50`,
        [s, shardKeyOfSession(s)],
      );
    },
  ],
  [
    'user vector search (top 5)',
    MESSAGES / 4,
    (p, i) => {
      const s = sessions[i % USERS]!;
      return p.query(
        `select id from messages where user_id = $1 and shard_key = $2 order by embedding <=> $3::vector limit 5`,
        [users[i % USERS], shardKeyOfSession(s), vec()],
      );
    },
  ],
  [
    'archive planning (all users)',
    50,
    (p) =>
      p.query(
        `select id, shard_key from sessions where status = 1 and updated_at < now() - interval '0 days' limit 500`,
      ),
  ],
];

const pgUrl = process.env.MEMORY_TEST_PG_URL;
const citusUrl = process.env[CITUS_TEST_URL_ENV];
if (!pgUrl || !citusUrl) {
  console.error(`set MEMORY_TEST_PG_URL and ${CITUS_TEST_URL_ENV}`);
  process.exit(2);
}
const single = await createPostgresScratchDatabase(pgUrl);
const cluster = await createCitusScratchDatabase(citusUrl);
try {
  const [a, b] = [await prepare(single, false), await prepare(cluster, true)];
  out(`users ${USERS}, messages ${MESSAGES}, concurrency ${CONCURRENCY}, ${DIMS} dims, 32 shards on 2 workers`);
  out('| operation | single-node PostgreSQL ops/s | Citus ops/s | Citus / single |');
  out('| --- | --- | --- | --- |');
  for (const [name, n, op] of phases) {
    const x = await timed(a, n, op);
    const y = await timed(b, n, op);
    out(`| ${name} | ${x.toFixed(0)} | ${y.toFixed(0)} | ${(y / x).toFixed(2)} |`);
  }
  await a.end();
  await b.end();
} finally {
  await single.drop();
  await cluster.drop();
}
