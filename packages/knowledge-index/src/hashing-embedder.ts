import { InvalidInputError } from '@memory/errors';
import type { EmbeddingProvider } from '@memory/embeddings';
import { DEFAULT_WEIGHTS, isUnigram, tokenize } from '@memory/retrieval';

const UNIGRAM_WEIGHT = DEFAULT_WEIGHTS.unigram;

/** Options of {@link createHashingEmbedder}. */
export interface HashingEmbedderOptions {
  /** Vector length (default 256). */
  dimensions?: number;
  /** Changes the hash, giving an independent family of vectors (default 0). */
  seed?: number;
}

// FNV-1a over UTF-16 code units, 32-bit.
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * A deterministic local embedder for offline use and tests: feature hashing of the same tokens
 * retrieval uses (CJK words, bigrams and characters; stemmed English words), with a sign bit per
 * token, `1 + log(tf)` weights, L2-normalized. It is **lexical, not neural**: texts are close
 * when they share tokens, not when they mean the same thing. A text without tokens gives the
 * zero vector.
 *
 * @example
 * ```ts
 * const embedder = createHashingEmbedder({ dimensions: 128 });
 * const [a, b] = await embedder.embed(['用户喜欢喝咖啡', '喜欢咖啡']);
 * ```
 */
export function createHashingEmbedder(options: HashingEmbedderOptions = {}): EmbeddingProvider {
  const dimensions = options.dimensions ?? 256;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new InvalidInputError(
      `[memory/knowledge-index] hashing embedder dimensions must be a positive integer, got ${dimensions}`,
    );
  }
  const embedOne = (text: string): number[] => {
    const counts = new Map<string, number>();
    for (const t of tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
    const v = new Float64Array(dimensions);
    for (const [t, tf] of counts) {
      const h = fnv1a(t, seed);
      const weight = (1 + Math.log(tf)) * (isUnigram(t) ? UNIGRAM_WEIGHT : 1);
      v[h % dimensions]! += h & 0x80000000 ? -weight : weight;
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    return Array.from(v, (x) => (norm > 0 ? x / norm : 0));
  };
  return {
    dimensions,
    modelId: `hashing-${dimensions}-${seed}`,
    embed: async (texts) => texts.map(embedOne),
  };
}
