import { describe, expect, it } from 'vitest';
import { evaluate } from '../eval/evaluate.js';

// A tolerance for the floating-point mean of per-question fractions.
const EPS = 1e-9;

describe('retrieval evaluation (eval/)', () => {
  it('reports recall@5 on every question set, beside the original substring rule', async () => {
    const tuning = await evaluate();
    const heldOut = await evaluate({ questions: 'questions-heldout.json' });
    const test = await evaluate({ questions: 'questions-test.json' });
    const test2 = await evaluate({ questions: 'questions-test2.json' });
    const test3 = await evaluate({ questions: 'questions-test3.json' });
    const test4 = await evaluate({ questions: 'questions-test4.json' });
    const sets = { tuning, 'held-out': heldOut, test, test2, test3, test4 };
    const pooled = (pick: (r: typeof tuning) => number, list = Object.values(sets)) =>
      list.reduce((s, r) => s + pick(r) * r.questions, 0) / list.reduce((s, r) => s + r.questions, 0);
    const development = [tuning, heldOut];
    console.log(
      `[eval] recall@5 (ours / original substring), ${test.triples} triples: ` +
        Object.entries(sets)
          .map(([name, r]) => `${name} ${r.questions}q ${r.ours.toFixed(3)} / ${r.substring.toFixed(3)}`)
          .join('; ') +
        `; development (tuning + held-out) ${pooled((r) => r.ours, development).toFixed(3)}; all ${pooled((r) => r.ours).toFixed(3)} / ${pooled((r) => r.substring).toFixed(3)}`,
    );
    expect(test.questions).toBeGreaterThanOrEqual(60);
    expect(test2.questions).toBeGreaterThanOrEqual(100);
    expect(test3.questions).toBeGreaterThanOrEqual(140);
    expect(test4.questions).toBeGreaterThanOrEqual(200);
    // Floors, not the tuned figures: every one of these sets has been read while the lexicon
    // grew (README: Evaluation), so their scores (0.87–0.96) say little about unseen knowledge.
    // The floors sit well below them, so removing or replacing a data entry does not fail CI
    // unless it breaks retrieval broadly. eval/blind17 was the held-out measure until it was read
    // (test/eval-blind.test.ts); a new blind set is evaluated once with eval/blind-report.ts.
    expect(pooled((r) => r.ours, development)).toBeGreaterThanOrEqual(0.8 - EPS);
    for (const r of [test, test2, test3, test4]) expect(r.ours).toBeGreaterThanOrEqual(0.75 - EPS);
    for (const r of Object.values(sets)) expect(r.ours).toBeGreaterThan(r.substring);
  });
});
