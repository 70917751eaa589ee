/**
 * The write path of `@memory/conversations` against hand-written `pg` SQL, in one run, in
 * interleaved rounds, on one scratch PostgreSQL database:
 *
 * 1. single appends: `store.appendMessages(id, [msg])` vs one autocommit
 *    `INSERT INTO plain_messages (...) VALUES (...)` per message. Target: ratio >= 0.8.
 * 2. batches of 100: `appendMessages(id, 100 msgs)` vs one multi-row `INSERT ... VALUES (...), ...`.
 *    Target: >= 0.9.
 * 3. import with 384-d embeddings (20k; 'small': 4k): `store.importMessages` vs multi-row
 *    `INSERT`s of 500 rows (one transaction). Target: time ratio <= 1.2.
 * 4. import without embeddings (1M; 'small': 100k): `store.importMessages` vs one plain
 *    `COPY plain_messages FROM STDIN` fed by the same kind of generator. Target: <= 1.2.
 *
 * `plain_messages` is `messages` copied with `LIKE ... INCLUDING ALL` (every index, the HNSW one
 * included) plus the same foreign key to `sessions`, and the baseline writes the same columns
 * (`user_id` too), so both sides pay the same index maintenance. Ratios are baseline time / store
 * time for throughput (higher is better) and store time / baseline time for loads (lower is better).
 *
 * `pnpm bench message-path [--size small|full]`; PostgreSQL from MEMORY_BENCH_PG_URL or
 * MEMORY_TEST_PG_URL (required).
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createMemoryDb } from '@memory/db';
import { createConversationStore, type ImportMessage } from '@memory/conversations';
import { clusteredVectors, gaussianCentres, interleave, sum, timed } from './measure.js';
import { writeReport, type BenchRow } from './report.js';
import { createScratch } from './scratch-db.js';

const DIMS = 384;

interface Sizes {
  appendRounds: number;
  singlePerRound: number;
  batchPerRound: number;
  vectorImport: number;
  vectorRounds: number;
  plainImport: number;
  plainRounds: number;
}

const SIZES: Record<'small' | 'full', Sizes> = {
  small: {
    appendRounds: 6,
    singlePerRound: 200,
    batchPerRound: 20,
    vectorImport: 4000,
    vectorRounds: 2,
    plainImport: 100_000,
    plainRounds: 2,
  },
  full: {
    appendRounds: 10,
    singlePerRound: 300,
    batchPerRound: 30,
    vectorImport: 20_000,
    vectorRounds: 2,
    plainImport: 1_000_000,
    plainRounds: 2,
  },
};

const text = (i: number) => `message ${i}: ${'lorem ipsum dolor sit amet '.repeat(3)}`;

export async function run(size: 'small' | 'full'): Promise<boolean> {
  const adminUrl = process.env.MEMORY_BENCH_PG_URL ?? process.env.MEMORY_TEST_PG_URL;
  if (!adminUrl)
    throw new Error('set MEMORY_BENCH_PG_URL (or MEMORY_TEST_PG_URL) to a PostgreSQL server with pgvector');
  const sizes = SIZES[size];
  const scratch = await createScratch(adminUrl, 'memory_bench');
  const db = createMemoryDb({ url: scratch.url, embeddingDimensions: DIMS, pool: { min: 1, max: 4 } });
  const pool = new pg.Pool({ connectionString: scratch.url, max: 4 });
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
  const rows: BenchRow[] = [];
  const loadBefore = load();
  try {
    await db.initDb();
    const store = createConversationStore(db);
    await pool.query(`CREATE TABLE plain_messages (LIKE messages INCLUDING ALL)`);
    await pool.query(
      `ALTER TABLE plain_messages ADD FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE`,
    );
    const session = await store.createSession({ userId: 'bench-user' });
    const plainSession = await store.createSession({ userId: 'bench-user' });

    // 1. single appends
    let n = 0;
    const single = await interleave(sizes.appendRounds, {
      store: async () => [
        await timed(async () => {
          for (let i = 0; i < sizes.singlePerRound; i++)
            await store.appendMessages(session.id, [{ role: 'user', content: text(n++) }]);
        }),
      ],
      plain: async () => [
        await timed(async () => {
          for (let i = 0; i < sizes.singlePerRound; i++)
            await pool.query(
              'INSERT INTO plain_messages (id, session_id, role, content, created_at, user_id) VALUES ($1, $2, $3, $4, now(), $5)',
              [randomUUID(), plainSession.id, 'user', text(n++), 'bench-user'],
            );
        }),
      ],
    });
    const singleRatio = sum(single.plain!) / sum(single.store!);
    rows.push({
      name: 'single appends, throughput × plain autocommit INSERT',
      value: singleRatio,
      unit: '×',
      target: '>= 0.8',
      pass: singleRatio >= 0.8,
      note: `store ${((sizes.appendRounds * sizes.singlePerRound * 1000) / sum(single.store!)).toFixed(0)} msg/s, plain ${((sizes.appendRounds * sizes.singlePerRound * 1000) / sum(single.plain!)).toFixed(0)} msg/s`,
    });

    // 2. batches of 100
    const values100 = Array.from(
      { length: 100 },
      (_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, now(), $${i * 5 + 5})`,
    ).join(', ');
    const batch = await interleave(sizes.appendRounds, {
      store: async () => [
        await timed(async () => {
          for (let b = 0; b < sizes.batchPerRound; b++)
            await store.appendMessages(
              session.id,
              Array.from({ length: 100 }, () => ({ role: 'user' as const, content: text(n++) })),
            );
        }),
      ],
      plain: async () => [
        await timed(async () => {
          for (let b = 0; b < sizes.batchPerRound; b++)
            await pool.query(
              `INSERT INTO plain_messages (id, session_id, role, content, created_at, user_id) VALUES ${values100}`,
              Array.from({ length: 100 }, () => [
                randomUUID(),
                plainSession.id,
                'user',
                text(n++),
                'bench-user',
              ]).flat(),
            );
        }),
      ],
    });
    const batchRatio = sum(batch.plain!) / sum(batch.store!);
    rows.push({
      name: 'batches of 100, throughput × plain multi-row INSERT',
      value: batchRatio,
      unit: '×',
      target: '>= 0.9',
      pass: batchRatio >= 0.9,
      note: `store ${((sizes.appendRounds * sizes.batchPerRound * 100 * 1000) / sum(batch.store!)).toFixed(0)} msg/s, plain ${((sizes.appendRounds * sizes.batchPerRound * 100 * 1000) / sum(batch.plain!)).toFixed(0)} msg/s`,
    });

    // 3. import with embeddings, into tables with the HNSW index in place
    const centres = gaussianCentres(7, 50, DIMS);
    const draw = clusteredVectors(11, centres, 0.5);
    const vectors = Array.from({ length: sizes.vectorImport }, () => draw().map((x) => Number(x.toFixed(6))));
    const vectorLoad = await interleave(sizes.vectorRounds, {
      store: async () => {
        const target = await store.createSession({ userId: 'importer' });
        const messages: ImportMessage[] = vectors.map((embedding, i) => ({
          sessionId: target.id,
          role: 'user',
          content: text(i),
          embedding,
        }));
        return [await timed(() => store.importMessages(messages))];
      },
      plain: async () => {
        const target = await store.createSession({ userId: 'importer' });
        return [
          await timed(async () => {
            const client = await pool.connect();
            try {
              await client.query('BEGIN');
              const at = Date.now();
              for (let start = 0; start < vectors.length; start += 500) {
                const chunk = vectors.slice(start, start + 500);
                const params: unknown[] = [];
                const tuples = chunk.map((v, j) => {
                  const k = params.length;
                  params.push(
                    randomUUID(),
                    target.id,
                    'user',
                    text(start + j),
                    `[${v.join(',')}]`,
                    new Date(at + start + j),
                    'importer',
                  );
                  return `($${k + 1}, $${k + 2}, $${k + 3}, $${k + 4}, $${k + 5}::vector, $${k + 6}, $${k + 7})`;
                });
                await client.query(
                  `INSERT INTO plain_messages (id, session_id, role, content, embedding, created_at, user_id) VALUES ${tuples.join(', ')}`,
                  params,
                );
              }
              await client.query('COMMIT');
            } finally {
              client.release();
            }
          }),
        ];
      },
    });
    const vectorRatio = sum(vectorLoad.store!) / sum(vectorLoad.plain!);
    rows.push({
      name: `import ${sizes.vectorImport} × ${DIMS}-d (HNSW in place), time × plain multi-row INSERTs`,
      value: vectorRatio,
      unit: '×',
      target: '<= 1.2',
      pass: vectorRatio <= 1.2,
      note: `store ${(sum(vectorLoad.store!) / 1000 / sizes.vectorRounds).toFixed(1)} s, plain ${(sum(vectorLoad.plain!) / 1000 / sizes.vectorRounds).toFixed(1)} s per load`,
    });

    // 4. import without embeddings vs a plain COPY
    const plainLoad = await interleave(sizes.plainRounds, {
      store: async () => {
        const target = await store.createSession({ userId: 'importer' });
        function* messages(): Iterable<ImportMessage> {
          for (let i = 0; i < sizes.plainImport; i++) yield { sessionId: target.id, role: 'user', content: text(i) };
        }
        return [await timed(() => store.importMessages(messages()))];
      },
      plain: async () => {
        const target = await store.createSession({ userId: 'importer' });
        return [
          await timed(async () => {
            const client = await pool.connect();
            try {
              const at = Date.now();
              function* lines(): Iterable<string> {
                let out = '';
                for (let i = 0; i < sizes.plainImport; i++) {
                  out += `${randomUUID()}\t${target.id}\tuser\t${text(i)}\t${new Date(at + i).toISOString()}\timporter\n`;
                  if (i % 5000 === 4999) {
                    yield out;
                    out = '';
                  }
                }
                if (out) yield out;
              }
              await pipeline(
                Readable.from(lines()),
                client.query(
                  copyFrom('COPY plain_messages (id, session_id, role, content, created_at, user_id) FROM STDIN'),
                ),
              );
            } finally {
              client.release();
            }
          }),
        ];
      },
    });
    const plainRatio = sum(plainLoad.store!) / sum(plainLoad.plain!);
    rows.push({
      name: `import ${sizes.plainImport} without embeddings, time × plain COPY`,
      value: plainRatio,
      unit: '×',
      target: '<= 1.2',
      pass: plainRatio <= 1.2,
      note: `store ${(sum(plainLoad.store!) / 1000 / sizes.plainRounds).toFixed(1)} s, plain ${(sum(plainLoad.plain!) / 1000 / sizes.plainRounds).toFixed(1)} s per load`,
    });
  } finally {
    await pool.end().catch(() => undefined);
    await db.close().catch(() => undefined);
    await scratch.drop();
  }
  return writeReport('message-path', { size, dims: DIMS, loadavgBefore: loadBefore, loadavgAfter: load() }, rows);
}
