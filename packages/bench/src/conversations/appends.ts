/**
 * The append part: one message per call, and batches of 100, through `store.appendMessages`, vs
 * one autocommit `INSERT` per message and one multi-row `INSERT` per batch (issue 11), with a
 * hand-written append with the store's guarantees beside them for context.
 */
import { randomUUID } from 'node:crypto';
import { MessageRole } from '@memory/models';
import { interleave, sum, timed } from '../measure.js';
import { percentile } from '../report.js';
import { adminQuery, inTransaction } from '../scratch-db.js';
import type { PartRun } from './config.js';
import { sessionIds } from './seed.js';
import { INSERT_SQL, LOCK_SQL, plainInsert, TOUCH_SQL } from './sql.js';
import type { Target } from './target.js';

/** The text of every appended message. */
const APPEND_CONTENT = 'an appended message, about the length of a short chat turn. 你好.';

/** The store's append of `batch` messages (users and assistants in turn) to a session of `t`. */
export const storeAppender = (t: Target) => (sessionId: string, batch: number) =>
  t.store.appendMessages(
    sessionId,
    Array.from({ length: batch }, (_, j) => ({
      role: j % 2 ? MessageRole.ASSISTANT : MessageRole.USER,
      content: APPEND_CONTENT,
      model: j % 2 ? 'gpt-4o' : null,
    })),
  );

/**
 * The append part, on `L` (a seeded history table): appends of 1 and of 100 messages through
 * the store, beside plain hand-written SQL (one autocommit `INSERT` per message, one multi-row
 * `INSERT` per batch) and, for context, a hand-written append with the store's guarantees, in
 * `sz.appendRounds` interleaved rounds. A checkpoint first: the seed's WAL would otherwise set
 * one off that runs through some rounds and not others.
 */
export async function measureAppends(run: PartRun, L: Target, adminUrl: string): Promise<void> {
  const { sz, rows, params, log } = run;
  params.checkpointBeforeAppends = await adminQuery(adminUrl, 'CHECKPOINT').then(
    () => 'done',
    (error: unknown) =>
      `refused (${error instanceof Error ? error.message : String(error)}): appends measured with the seed's checkpoint possibly running`,
  );
  const storeSessions = await sessionIds(L.pool, 20, 100);
  const bareSessions = await sessionIds(L.pool, 20, 200);
  const content = APPEND_CONTENT;
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
  const storeAppend = appendSide(storeSessions, storeAppender(L));
  // The baseline: what a user writes by hand on the same table. One autocommit INSERT per
  // message; one multi-row INSERT per batch (issue 11).
  const plainAppend = appendSide(bareSessions, async (sessionId, batch) => {
    const stored = await L.pool.query(...plainInsert(sessionId, batch, content, 'gpt-4o'));
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
