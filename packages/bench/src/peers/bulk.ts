/**
 * The bulk workload of the peers benchmark (full size, or alone with `MEMORY_BENCH_PEERS_ONLY=bulk`):
 * 1M messages without embeddings, ours (`importMessages`) vs a plain `COPY` of the same rows into
 * a table of the same columns and indexes, in fresh databases.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { MessageRole } from '@memory/models';
import { interleaveOrder, timed } from '../measure.js';
import { loadavg1m, type Log } from '../report.js';
import { adminQuery } from '../scratch-db.js';
import { CONTENT, roleAt } from './config.js';
import { fmt, type PeersRun } from './results.js';
import { shardKeyOf } from './plain-system.js';
import { closeAll, openAll, type Opened } from './systems.js';

/** The times of the bulk workload in seconds, how ours loaded, ours ÷ plain per step, the load average per step. */
interface BulkTimes {
  oursS: number;
  /** Plain `COPY` into a table of our table's columns, constraints and indexes (the baseline). */
  copyS: number;
  /** Plain `COPY` of the original five columns into the peers' plain table (fewer indexes), for information. */
  narrowS: number;
  how: string;
  stepRatios: number[];
  stepLoads: number[];
}

/** Measures the import of `count` messages ({@link measureBulk}) and reports it against issue 11's target. */
export async function bulkImport(run: PeersRun, adminUrl: string, count: number): Promise<void> {
  const { params, log, rows, verdicts, chart } = run;
  const bulk = await measureBulk(adminUrl, count, log);
  params.bulk1M = bulk;
  const ratio = bulk.oursS / bulk.copyS;
  const n = count.toLocaleString('en');
  rows.push({
    name: `import ${n} messages without embeddings: ours / plain COPY into the same table (time)`,
    value: ratio,
    unit: 'ratio',
    target: '<= 1.2',
    pass: ratio <= 1.2,
    note: `ours ${fmt(bulk.oursS, 1)} s (${bulk.how}), COPY ${fmt(bulk.copyS, 1)} s; ${bulk.stepRatios.length} interleaved steps, per step ${bulk.stepRatios.map((r) => fmt(r)).join(', ')}; load ${bulk.stepLoads.map((l) => fmt(l, 1)).join(', ')}`,
  });
  rows.push({
    name: `import ${n} messages without embeddings: ours / plain COPY of five columns into the plain table (time, information)`,
    value: bulk.oursS / bulk.narrowS,
    unit: 'ratio',
    note: `COPY (id, session_id, role, content, model) into the peers' plain table (primary key, (session_id, created_at), HNSW): ${fmt(bulk.narrowS, 1)} s; the same table's COPY of our columns took ${fmt(bulk.copyS / bulk.narrowS)} × as long`,
  });
  verdicts.push({
    measure: `import ${n} messages without embeddings (time × plain COPY into a table of the same columns and indexes)`,
    target: '≤ 1.2×',
    value: `${fmt(ratio)}× (${fmt(bulk.oursS, 1)} s vs ${fmt(bulk.copyS, 1)} s; × the five-column plain table: ${fmt(bulk.oursS / bulk.narrowS)}×)`,
    holds: ratio <= 1.2,
  });
  chart.push({
    label: `import ${count >= 1_000_000 ? `${count / 1_000_000}M` : n}, no vectors`,
    values: { '@memory/conversations': bulk.copyS / bulk.oursS, Mastra: NaN, LangChain: NaN },
    target: 1 / 1.2,
  });
}

/**
 * Creates `name` in the plain database with the columns, primary and foreign keys and indexes of
 * our migrated `messages` (read back from our database, as the HNSW definition is for the plain
 * table): what a user who keeps the same data with the same lookups would have.
 */
export async function mirrorMessages(ours: pg.Pool, plain: pg.Pool, name: string): Promise<void> {
  const { rows: columns } = await ours.query<{ name: string; type: string; notnull: boolean }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attnotnull AS notnull
       FROM pg_attribute WHERE attrelid = 'messages'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
  );
  const { rows: constraints } = await ours.query<{ def: string }>(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE conrelid = 'messages'::regclass AND contype IN ('p', 'f', 'u', 'c') ORDER BY contype DESC, conname`,
  );
  const { rows: indexes } = await ours.query<{ name: string; def: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS def
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = 'messages'::regclass
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
      ORDER BY i.relname`,
  );
  await plain.query(
    `CREATE TABLE ${name} (${[
      ...columns.map((c) => `${c.name} ${c.type}${c.notnull ? ' NOT NULL' : ''}`),
      ...constraints.map((c) => c.def),
    ].join(', ')})`,
  );
  for (const index of indexes)
    await plain.query(
      index.def.replace(/ ON (\S+\.)?messages /, ` ON ${name} `).replace(index.name, `${name}_${index.name}`),
    );
}

/**
 * `count` messages without embeddings in sessions of 1,000, in interleaved steps of 100k (the
 * order rotating each step, so load drift hits every side alike), each side in its own table:
 * - ours: `importMessages` into our migrated, live `messages` with every index in place;
 * - plain (the baseline): one `COPY` stream of the same rows and the same columns ours writes
 *   (`id, session_id, role, content, model, created_at, user_id, shard_key`) into a table of our
 *   table's columns, keys and indexes ({@link mirrorMessages}), in the plain database;
 * - narrow (information, the baseline of earlier runs): one `COPY` of the original five columns
 *   into the peers' plain table (primary key, `(session_id, created_at)`, HNSW).
 * The plain sides send their text in pieces of 100 lines. Fresh databases.
 */
async function measureBulk(adminUrl: string, count: number, log: Log): Promise<BulkTimes> {
  const perSession = 1000;
  const sessions = Array.from({ length: Math.ceil(count / perSession) }, () => randomUUID());
  let opened: Opened | undefined;
  try {
    opened = await openAll(adminUrl, 'bulk', { peers: false });
    const { memory, plain } = opened;
    await memory.aux.query(
      `INSERT INTO sessions (id, updated_at, status, user_id, created_at) SELECT unnest($1::uuid[]), now(), 1, 'u-bulk', now()`,
      [sessions],
    );
    await plain.createSessions(sessions.map((id) => ({ id, userId: 'u-bulk' })));
    await mirrorMessages(memory.aux, plain.aux, 'messages_same');
    await adminQuery(adminUrl, 'CHECKPOINT').catch(() => undefined);
    const content = (j: number) => `imported message ${j}: ${CONTENT}`;
    const model = (j: number) => (roleAt(j) === 'assistant' ? 'gpt-4o' : null);

    const copy = async (sql: string, from: number, to: number, line: (s: number, j: number) => string) => {
      const client = await plain.pool.connect();
      try {
        await pipeline(
          Readable.from(
            (function* () {
              for (let s = from; s < to; s++) {
                for (let j = 0; j < perSession; j += 100) {
                  let text = '';
                  for (let k = j; k < Math.min(perSession, j + 100); k++) text += line(s, k);
                  yield text;
                }
              }
            })(),
          ),
          client.query(copyFrom(sql)),
        );
      } finally {
        client.release();
      }
    };
    const started = Date.now();
    const sides: Record<string, (from: number, to: number) => Promise<unknown>> = {
      plain: (from, to) =>
        copy(
          'COPY messages_same (id, session_id, role, content, model, created_at, user_id, shard_key) FROM STDIN',
          from,
          to,
          (s, j) =>
            `${randomUUID()}\t${sessions[s]}\t${roleAt(j)}\t${content(j)}\t${model(j) ?? '\\N'}\t${new Date(started + s * perSession + j).toISOString()}\tu-bulk\t${shardKeyOf(sessions[s]!)}\n`,
        ),
      narrow: (from, to) =>
        copy(
          'COPY messages (id, session_id, role, content, model) FROM STDIN',
          from,
          to,
          (s, j) => `${randomUUID()}\t${sessions[s]}\t${roleAt(j)}\t${content(j)}\t${model(j) ?? '\\N'}\n`,
        ),
      ours: async (from, to) => {
        const { path } = await memory.store.importMessages(
          (function* () {
            for (let s = from; s < to; s++)
              for (let j = 0; j < perSession; j++)
                yield {
                  id: randomUUID(),
                  sessionId: sessions[s]!,
                  role: roleAt(j) === 'user' ? MessageRole.USER : MessageRole.ASSISTANT,
                  content: content(j),
                  model: model(j),
                };
          })(),
        );
        how = `importMessages (${path}), ${STEP} sessions a call`;
      },
    };
    let how = '';
    const STEP = 100;
    const totals: Record<string, number> = { ours: 0, plain: 0, narrow: 0 };
    const stepRatios: number[] = [];
    const stepLoads: number[] = [];
    for (let from = 0, step = 0; from < sessions.length; from += STEP, step++) {
      const to = Math.min(sessions.length, from + STEP);
      const ms: Record<string, number> = {};
      const cpu: Record<string, number> = {};
      for (const side of interleaveOrder(Object.keys(sides), step)) {
        const before = process.cpuUsage();
        ms[side] = await timed(() => sides[side]!(from, to));
        const used = process.cpuUsage(before);
        cpu[side] = (used.user + used.system) / 1e6;
      }
      for (const side of Object.keys(ms)) totals[side]! += ms[side]!;
      stepRatios.push(ms.ours! / ms.plain!);
      stepLoads.push(loadavg1m());
      log(
        `bulk step ${step}: ours ${(ms.ours! / 1000).toFixed(1)} s, plain COPY ${(ms.plain! / 1000).toFixed(1)} s, five-column COPY ${(ms.narrow! / 1000).toFixed(1)} s (this process's CPU: ${cpu.ours!.toFixed(2)}, ${cpu.plain!.toFixed(2)}, ${cpu.narrow!.toFixed(2)} s), load ${loadavg1m()}`,
      );
    }
    log(`plain COPY of ${count} messages into a table like ours: ${(totals.plain! / 1000).toFixed(1)} s`);
    log(`plain COPY of five columns into the plain table: ${(totals.narrow! / 1000).toFixed(1)} s`);
    log(`ours, ${how}: ${(totals.ours! / 1000).toFixed(1)} s`);
    return {
      oursS: totals.ours! / 1000,
      copyS: totals.plain! / 1000,
      narrowS: totals.narrow! / 1000,
      how,
      stepRatios,
      stepLoads,
    };
  } finally {
    if (opened) await closeAll(opened);
  }
}
