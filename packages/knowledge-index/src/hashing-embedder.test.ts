import { InvalidInputError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { createHashingEmbedder } from './index.js';

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('createHashingEmbedder', () => {
  it('is deterministic, L2-normalized and lexical', async () => {
    const e = createHashingEmbedder({ dimensions: 64 });
    const [a, b, c, empty] = await e.embed(['用户喜欢喝咖啡', '喜欢咖啡', 'PostgreSQL vector search', '？']);
    expect(a).toHaveLength(64);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 10);
    expect(await e.embed(['用户喜欢喝咖啡'])).toEqual([a]);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!));
    expect(empty!.every((x) => x === 0)).toBe(true);
    const other = createHashingEmbedder({ dimensions: 64, seed: 7 });
    expect((await other.embed(['用户喜欢喝咖啡']))[0]).not.toEqual(a);
  });

  it('refuses a dimension that is not a positive integer', () => {
    expect(() => createHashingEmbedder({ dimensions: 0 })).toThrow(InvalidInputError);
  });
});
