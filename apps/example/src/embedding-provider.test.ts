import { describe, expect, it } from 'vitest';
import { createEmbeddingProvider, isZeroVector } from './embedding-provider.js';

describe('createEmbeddingProvider', () => {
  it('defaults to the local hashing embedder with the configured dimension', async () => {
    const provider = createEmbeddingProvider({ kind: 'hashing', dimensions: 32 });
    expect(provider.dimensions).toBe(32);
    expect(provider.description).toMatch(/^hashing/);
    const [a, b, c] = await provider.embed(['quiet hotel in Kyoto', 'a quiet hotel', 'PostgreSQL replication']);
    const cos = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i]!, 0);
    expect(cos(a!, b!)).toBeGreaterThan(cos(a!, c!));
  });

  it('builds an OpenAI-compatible provider without calling it', () => {
    const provider = createEmbeddingProvider({
      kind: 'openai-compatible',
      url: 'http://127.0.0.1:9/v1',
      model: 'm',
      dimensions: 8,
    });
    expect(provider).toMatchObject({ dimensions: 8, description: 'openai-compatible m' });
  });

  it('recognises the zero vector a text without words gives', async () => {
    const [v] = await createEmbeddingProvider({ kind: 'hashing', dimensions: 16 }).embed(['?!']);
    expect(isZeroVector(v!)).toBe(true);
    expect(isZeroVector([0, 0.1])).toBe(false);
  });
});
