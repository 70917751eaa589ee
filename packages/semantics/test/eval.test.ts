import { describe, expect, it } from 'vitest';
import { evaluate } from '../eval/evaluate.js';

describe('retrieval evaluation (eval/)', () => {
  it('reaches recall@5 >= 0.9 on the labeled set, far above the original substring rule', async () => {
    const dev = await evaluate();
    const heldOut = await evaluate({ questions: 'questions-heldout.json' });
    console.log(
      `[eval] recall@5 over ${dev.questions} questions / ${dev.triples} triples: ours ${dev.ours.toFixed(3)}, original substring ${dev.substring.toFixed(3)}; ` +
        `held-out ${heldOut.questions} questions: ours ${heldOut.ours.toFixed(3)}, substring ${heldOut.substring.toFixed(3)}`,
    );
    expect(dev.questions).toBeGreaterThanOrEqual(50);
    // A tolerance for the floating-point mean of per-question fractions.
    expect(dev.ours).toBeGreaterThanOrEqual(0.9 - 1e-9);
    expect(dev.ours).toBeGreaterThan(dev.substring);
  });
});
