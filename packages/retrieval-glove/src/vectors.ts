import { readFileSync } from 'node:fs';
import { InvalidInputError } from '@memory/errors';

/**
 * GloVe word vectors of the most frequent English words, quantised to 8 bits (see
 * {@link gloveVectors}).
 */
export interface GloveVectors {
  /** Dimensions of a vector (100). */
  readonly dimensions: number;
  /** How many words have a vector. */
  readonly size: number;
  /** A word's rank by frequency (0: the most frequent), or -1 for a word without a vector. */
  rank(word: string): number;
  /** Adds `weight` times the vector of the word of rank `rank` to `into` (of length `dimensions`). */
  addTo(into: Float32Array, rank: number, weight: number): void;
}

/** Parses the binary vector file written by `scripts/build-vectors.py` (format there). */
export function parseGloveVectors(bytes: Uint8Array, limit = Infinity): GloveVectors {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (bytes.byteLength < 16 || magic !== 'GVEC' || view.getUint32(4, true) !== 1)
    throw new InvalidInputError(
      '[memory/retrieval-glove] not a GloVe vector file (version 1): rebuild it with scripts/build-vectors.py',
    );
  const count = view.getUint32(8, true);
  const dimensions = view.getUint32(12, true);
  const scalesAt = 16;
  const componentsAt = scalesAt + 4 * count;
  const wordsAt = componentsAt + count * dimensions;
  if (bytes.byteLength < wordsAt)
    throw new InvalidInputError(
      '[memory/retrieval-glove] the GloVe vector file is truncated: rebuild it with scripts/build-vectors.py',
    );
  const n = Math.min(count, limit);
  const scales = new Float32Array(n);
  for (let i = 0; i < n; i++) scales[i] = view.getFloat32(scalesAt + 4 * i, true);
  // A view on the bytes read, not a copy (10 MB).
  const components = new Int8Array(bytes.buffer, bytes.byteOffset + componentsAt, n * dimensions);
  const ranks = new Map<string, number>();
  const words = new TextDecoder().decode(bytes.subarray(wordsAt));
  let at = 0;
  for (let i = 0; i < n; i++) {
    const end = words.indexOf('\n', at);
    if (end < 0)
      throw new InvalidInputError(
        '[memory/retrieval-glove] the GloVe vector file lists fewer words than vectors: rebuild it with scripts/build-vectors.py',
      );
    ranks.set(words.slice(at, end), i);
    at = end + 1;
  }
  return {
    dimensions,
    size: n,
    rank: (word) => ranks.get(word) ?? -1,
    addTo(into, rank, weight) {
      const s = scales[rank]! * weight;
      const base = rank * dimensions;
      for (let d = 0; d < dimensions; d++) into[d]! += components[base + d]! * s;
    },
  };
}

/** Reads the shipped vectors (`data/glove-vectors.bin`), or the first `words` of them. */
export function gloveVectors(options: { words?: number; file?: string | URL } = {}): GloveVectors {
  return parseGloveVectors(
    readFileSync(options.file ?? new URL('../data/glove-vectors.bin', import.meta.url)),
    options.words,
  );
}

const WORD = /[a-z]+(?:['’-][a-z]+)*/g;

/** The English words of a text, folded (NFKC, camelCase and snake_case split, lower case). */
export function englishWords(text: string): string[] {
  const folded = text
    .normalize('NFKC')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return folded.match(WORD) ?? [];
}
