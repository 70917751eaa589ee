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
    // The two sets the method was developed on: at least 0.9 together.
    expect(pooled((r) => r.ours, development)).toBeGreaterThanOrEqual(0.9 - EPS);
    // The test set was written before any tuning and evaluated once: 0.788 then (see README).
    // Its misses were read afterwards to find general mechanisms and synonym groups, so it is
    // development data now (0.929); this floor guards against regressions, not generalization.
    expect(test.ours).toBeGreaterThanOrEqual(0.92 - EPS);
    // The second blind set: 0.853 at its one blind evaluation; its misses led to the bilingual
    // lexicon and category links (src/lexicon.ts), so it is development data too (0.932).
    expect(test2.questions).toBeGreaterThanOrEqual(100);
    expect(test2.ours).toBeGreaterThanOrEqual(0.93 - EPS);
    // The third blind set: 0.881 at its one blind evaluation; its misses led to relation-aware
    // retrieval, kinds of software (src/tool-kinds.ts) and more vocabulary, so it is development
    // data too (0.958).
    expect(test3.questions).toBeGreaterThanOrEqual(140);
    expect(test3.ours).toBeGreaterThanOrEqual(0.95 - EPS);
    // The fourth blind set (211 questions, over the same users' triples), evaluated once after the
    // third pass: 0.864 (the code before that pass: 0.828). Nothing was tuned on it; this floor is
    // the measured generalization of the lexical method, kept as a regression guard. It is short
    // of the 0.9 (see README: Evaluation).
    expect(test4.questions).toBeGreaterThanOrEqual(200);
    expect(test4.ours).toBeGreaterThanOrEqual(0.86 - EPS);
    for (const r of Object.values(sets)) expect(r.ours).toBeGreaterThan(r.substring);
  });
});
