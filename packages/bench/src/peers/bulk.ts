/**
 * The bulk workload of the peers benchmark (full size only): 1M messages without embeddings,
 * ours (`importMessages`) vs a plain `COPY`, in fresh databases.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { MessageRole } from '@memory/models';
import { timed } from '../measure.js';
import type { Log } from '../report.js';
import { adminQuery } from '../scratch-db.js';
import { CONTENT, roleAt } from './config.js';
import { fmt, type PeersRun } from './results.js';
import type { VectorRow } from './system.js';
import { closeAll, openAll, type Opened } from './systems.js';

/** The times of the bulk workload: ours and COPY in seconds, how ours loaded, ours ÷ COPY per step. */
interface BulkTimes {
  oursS: number;
  copyS: number;
  how: string;
  stepRatios: number[];
}

/** Measures the import of `sz.bulk` messages ({@link measureBulk}) and reports it against issue 11's target. */
export async function bulkImport(run: PeersRun, adminUrl: string): Promise<void> {
  const { sz, params, log, rows, verdicts, chart } = run;
  const bulk = await measureBulk(adminUrl, sz.bulk, log);
  params.bulk1M = bulk;
  const ratio = bulk.oursS / bulk.copyS;
  rows.push({
    name: `import ${sz.bulk.toLocaleString('en')} messages without embeddings: ours / plain COPY (time)`,
    value: ratio,
    unit: 'ratio',
    target: '<= 1.2',
    pass: ratio <= 1.2,
    note: `ours ${fmt(bulk.oursS, 1)} s (${bulk.how}), COPY ${fmt(bulk.copyS, 1)} s; ${bulk.stepRatios.length} interleaved steps, per step ${bulk.stepRatios.map((r) => fmt(r)).join(', ')}`,
  });
  verdicts.push({
    measure: `import ${sz.bulk.toLocaleString('en')} messages without embeddings (time × plain COPY)`,
    target: '≤ 1.2×',
    value: `${fmt(ratio)}× (${fmt(bulk.oursS, 1)} s vs ${fmt(bulk.copyS, 1)} s)`,
    holds: ratio <= 1.2,
  });
  chart.push({
    label: `import ${sz.bulk / 1_000_000}M, no vectors`,
    values: { '@memory/conversations': bulk.copyS / bulk.oursS, Mastra: NaN, LangChain: NaN },
    target: 1 / 1.2,
  });
}

/**
 * 1M messages without embeddings in sessions of 1,000: our bulk path (importMessages, else
 * appendMessages of 1,000) into a migrated, live table with every index in place, vs plain `COPY`
 * into the plain table (with its same-columns indexes, HNSW included), in interleaved steps of
 * 100k messages. Fresh databases.
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
    await adminQuery(adminUrl, 'CHECKPOINT').catch(() => undefined);
    const rowsOf = (s: number): VectorRow[] =>
      Array.from({ length: perSession }, (_, j) => ({
        id: randomUUID(),
        sessionId: sessions[s]!,
        userId: 'u-bulk',
        role: roleAt(j),
        content: `imported message ${j}: ${CONTENT}`,
        vector: [],
      }));
    // Interleaved steps of 100 sessions (100k messages): one plain COPY stream, then our import
    // of the same number of messages (order alternating), so drift hits both alike.
    const STEP = 100;
    const copyStep = async (from: number, to: number) => {
      const client = await plain.pool.connect();
      try {
        const stream = client.query(copyFrom('COPY messages (id, session_id, role, content, model) FROM STDIN'));
        await pipeline(
          Readable.from(
            (function* () {
              for (let s = from; s < to; s++) {
                const lines: string[] = [];
                for (const r of rowsOf(s))
                  lines.push(
                    `${r.id}\t${r.sessionId}\t${r.role}\t${r.content}\t${r.role === 'assistant' ? 'gpt-4o' : '\\N'}\n`,
                  );
                yield lines.join('');
              }
            })(),
          ),
          stream,
        );
      } finally {
        client.release();
      }
    };
    let how = '';
    // The same messages as the COPY step, in one importMessages call per step (a stream of rows).
    const oursStep = async (from: number, to: number) => {
      const { path } = await memory.store.importMessages(
        (function* () {
          for (let s = from; s < to; s++)
            for (const r of rowsOf(s))
              yield {
                id: r.id,
                sessionId: r.sessionId,
                role: r.role === 'user' ? MessageRole.USER : MessageRole.ASSISTANT,
                content: r.content,
                model: r.role === 'assistant' ? 'gpt-4o' : null,
              };
        })(),
      );
      how = `importMessages (${path}), ${STEP} sessions a call`;
    };
    let copyMs = 0;
    let oursMs = 0;
    const stepRatios: number[] = [];
    for (let from = 0, step = 0; from < sessions.length; from += STEP, step++) {
      const to = Math.min(sessions.length, from + STEP);
      let c = 0;
      let o = 0;
      if (step % 2 === 0) {
        c = await timed(() => copyStep(from, to));
        o = await timed(() => oursStep(from, to));
      } else {
        o = await timed(() => oursStep(from, to));
        c = await timed(() => copyStep(from, to));
      }
      copyMs += c;
      oursMs += o;
      stepRatios.push(o / c);
    }
    log(`plain COPY of ${count} messages: ${(copyMs / 1000).toFixed(1)} s`);
    log(`ours, ${how}: ${(oursMs / 1000).toFixed(1)} s`);
    return { oursS: oursMs / 1000, copyS: copyMs / 1000, how, stepRatios };
  } finally {
    if (opened) await closeAll(opened);
  }
}
