/**
 * The history part: a 50-message page (newest, and older through the `before` cursor) from the
 * large and the small table, queried in alternation, through the store and as plain SQL
 * (`ORDER BY created_at DESC, id DESC LIMIT 50`, keyset `(created_at, id) <` for the older page).
 */
import { interleave, timed } from '../measure.js';
import { percentile } from '../report.js';
import type { PartRun } from './config.js';
import { seedHistory, sessionIds } from './seed.js';
import { PLAIN_HISTORY_BEFORE_SQL, PLAIN_HISTORY_SQL } from './sql.js';
import type { Target } from './target.js';

/**
 * One side of a history measurement: for each session of `ids`, the store's newest 50-message page
 * and the one before it (through the page's `olderCursor`), each timed; the `before` pages'
 * times are negative.
 */
export const storeHistory = (t: Target, ids: string[]) => async () => {
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

/** Seeds `L` and `S` with `sz.historyLarge` and `sz.historySmall` messages, then measures their pages. */
export async function measureHistory(run: PartRun, L: Target, S: Target): Promise<void> {
  const { sz, rows, params, log } = run;
  const started = performance.now();
  await seedHistory(L.pool, sz.historyLarge);
  await seedHistory(S.pool, sz.historySmall);
  log(
    `seeded history tables of ${sz.historyLarge} and ${sz.historySmall} messages in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  params.historySeedS = Number(((performance.now() - started) / 1000).toFixed(1));
  const picks = { L: await sessionIds(L.pool, sz.historyPerRound), S: await sessionIds(S.pool, sz.historyPerRound) };
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
      out.push(-(await timed(() => t.pool.query(PLAIN_HISTORY_BEFORE_SQL, [id, 50, oldest!.created_at, oldest!.id]))));
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
    for (const [n, store, bare] of [
      [nL, sL, hist.bareL!],
      [nS, sS, hist.bareS!],
    ] as const)
      rows.push({
        name: `${what}, ${n} rows: p50`,
        value: store,
        unit: 'ms',
        target: '<= 3',
        pass: store <= 3,
        note: `plain SQL ${p50(bare, before).toFixed(2)} ms`,
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
}
