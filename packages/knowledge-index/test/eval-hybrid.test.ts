import { describe, expect, it } from 'vitest';
import { createHashingEmbedder } from '../src/index.js';
import { evaluate } from '../../retrieval/eval/evaluate.js';
import { evaluateHybrid, knowledgeScript, questionScript } from '../eval/evaluate-hybrid.js';

describe('hybrid evaluation (eval/evaluate-hybrid.ts)', () => {
  it('classifies questions and knowledge by script', () => {
    expect(questionScript('他太太是做什么工作的？')).toBe('zh');
    expect(questionScript('Who is her manager?')).toBe('en');
    expect(questionScript('他平时用什么IDE')).toBe('mixed');
    expect(
      knowledgeScript([
        ['user', 'lives in', 'Toronto'],
        ['用户', '住在', '杭州'],
      ]),
    ).toBe('mixed');
    expect(knowledgeScript([['user', 'lives in', 'Toronto']])).toBe('en');
  });

  it('runs both paths on a PGlite knowledge index with the offline hashing embedder', async () => {
    const [report] = await evaluateHybrid({
      provider: createHashingEmbedder({ dimensions: 64 }),
      sets: ['questions-heldout.json'],
    });
    const lexical = await evaluate({ questions: 'questions-heldout.json' });
    // The lexical column is the published figure of that set, not a second implementation.
    expect(report!.all.lexical).toBeCloseTo(lexical.ours, 9);
    expect(report!.all.questions).toBe(lexical.questions);
    expect(report!.all.hybrid).toBeGreaterThan(0);
    expect(report!.all.hybrid).toBeLessThanOrEqual(1);
    const split = Object.values(report!.byQuestionScript);
    expect(split.reduce((n, g) => n + g.questions, 0)).toBe(report!.all.questions);
    expect(Object.values(report!.byScriptPair).reduce((n, g) => n + g.questions, 0)).toBe(report!.all.questions);
  });
});
