import { InvalidInputError } from '@memory/errors';
import { englishWords, gloveVectors, type GloveVectors } from './vectors.js';

/** Options of {@link gloveSimilarity}. */
export interface GloveSimilarityOptions {
  /** Use only the `words` most frequent words of the shipped vectors (default: all 100,000). */
  words?: number;
  /**
   * The smooth-inverse-frequency constant `a`: a word counts `a / (a + p)`, `p` its frequency
   * estimated by Zipf's law from its rank (`0.1 / rank`). Default `1e-4`.
   */
  sif?: number;
  /** Also weight a word by its inverse document frequency among the indexed texts. Default `true`. */
  idf?: boolean;
  /** Remove the indexed texts' common direction (their first principal component). Default `true`. */
  removeCommon?: boolean;
}

/** The similarity of a question to each text of one {@link GloveSimilarity.index} call. */
export interface GloveSimilarityIndex {
  /**
   * The cosine of the question's vector to each text's, in the order indexed (`NaN` for a text
   * with no English word that has a vector); undefined when the question has none.
   */
  score(query: string): Float32Array | undefined;
  /** How many of the indexed texts have a vector. */
  readonly known: number;
}

/**
 * A sentence-similarity channel in the shape `createRetriever({ similarity })` of
 * `@memory/retrieval` takes (its `Similarity`).
 */
export interface GloveSimilarity {
  /** Builds the vectors of the texts of one user's triples (`"subject predicate object"`). */
  index(texts: readonly string[]): GloveSimilarityIndex;
  /** Dimensions of the word vectors (100). */
  readonly dimensions: number;
  /** How many words have a vector. */
  readonly size: number;
}

/**
 * A dense sentence similarity from static word vectors: a text's vector is the weighted average
 * of the GloVe vectors of its English words (SIF: frequent words count little; IDF among the
 * user's triples: words every triple holds, such as the subject "user", count nothing), with
 * the triples' common direction removed; a question is scored against every triple by cosine.
 * For `createRetriever({ similarity })` of `@memory/retrieval`, which adds a triple's similarity
 * to its lexical score where it stands out from the other triples', so "what's my evening
 * tipple" can reach `["user", "drinks", "a glass of red wine"]` with no word in common.
 * English only. Reads the shipped vectors (`data/glove-vectors.bin`: 100,000 words, 100
 * dimensions, 8 bits each, 11 MB) once: call it once per process and share the result.
 *
 * @throws {InvalidInputError} when an option is out of range.
 * @example
 * ```ts
 * import { createRetriever } from '@memory/retrieval';
 * import { gloveRelated, gloveSimilarity } from '@memory/retrieval-glove';
 * const retriever = createRetriever({ related: gloveRelated(), similarity: gloveSimilarity() });
 * ```
 */
export function gloveSimilarity(options: GloveSimilarityOptions = {}): GloveSimilarity {
  const { words, sif = 1e-4, idf = true, removeCommon = true } = options;
  if (words !== undefined && !(Number.isInteger(words) && words > 0))
    throw new InvalidInputError(
      `[memory/retrieval-glove] gloveSimilarity: words must be a positive integer, got ${String(words)}`,
    );
  if (!(sif > 0 && Number.isFinite(sif)))
    throw new InvalidInputError(
      `[memory/retrieval-glove] gloveSimilarity: sif must be a positive number (default 1e-4), got ${String(sif)}`,
    );
  const vectors = gloveVectors({ words });
  return {
    dimensions: vectors.dimensions,
    size: vectors.size,
    index: (texts) => indexTexts(vectors, texts, { sif, idf, removeCommon }),
  };
}

/** How texts become vectors ({@link GloveSimilarityOptions}, defaults applied). */
interface Weighting {
  sif: number;
  idf: boolean;
  removeCommon: boolean;
}

/** A built index: scores a question given as its words' ranks. */
interface BuiltIndex {
  known: number;
  score(queryRanks: readonly number[]): Float32Array | undefined;
}

// The texts' vectors are built at the first question holding a word with a vector (a Chinese
// question builds nothing). The question's words are ranked once, here.
function indexTexts(vectors: GloveVectors, texts: readonly string[], weighting: Weighting): GloveSimilarityIndex {
  let built: BuiltIndex | undefined;
  const build = () => (built ??= buildIndex(vectors, texts, weighting));
  return {
    get known() {
      return build().known;
    },
    score(query) {
      const queryRanks = ranks(vectors, englishWords(query));
      return queryRanks.length === 0 ? undefined : build().score(queryRanks);
    },
  };
}

function buildIndex(
  vectors: GloveVectors,
  texts: readonly string[],
  { sif, idf, removeCommon }: Weighting,
): BuiltIndex {
  const d = vectors.dimensions;
  const n = texts.length;
  // Each text's words as ranks (words without a vector dropped), in one array: text i's are
  // ranked[offsets[i]] up to ranked[offsets[i + 1]].
  const offsets = new Int32Array(n + 1);
  let ranked = new Int32Array(Math.max(16, 8 * n));
  for (let i = 0; i < n; i++) {
    const rs = ranks(vectors, englishWords(texts[i]!));
    if (offsets[i]! + rs.length > ranked.length) {
      const grown = new Int32Array(2 * (offsets[i]! + rs.length));
      grown.set(ranked);
      ranked = grown;
    }
    ranked.set(rs, offsets[i]!);
    offsets[i + 1] = offsets[i]! + rs.length;
  }
  const wordsOf = (i: number) => ranked.subarray(offsets[i]!, offsets[i + 1]!);
  const df = new Map<number, number>();
  if (idf) for (let i = 0; i < n; i++) for (const r of new Set(wordsOf(i))) df.set(r, (df.get(r) ?? 0) + 1);
  const weightOf = (rank: number) =>
    ((rank + 1) / (rank + 1 + 0.1 / sif)) * (idf ? Math.log((n + 1) / ((df.get(rank) ?? 0) + 0.5)) : 1);
  // The common direction, from at most COMMON_SAMPLE rows evenly spaced: so 50,000 triples cost
  // what 2,000 do, and no matrix of every row is held in 32-bit floats.
  const tmp = new Float32Array(d);
  let common: Float32Array | undefined;
  if (removeCommon) {
    const step = Math.max(1, Math.floor(n / COMMON_SAMPLE));
    const sample: Float32Array[] = [];
    for (let i = 0; i < n; i += step) if (embed(vectors, wordsOf(i), weightOf, tmp)) sample.push(tmp.slice());
    common = sample.length >= 3 ? principalDirection(sample, d) : undefined;
  }
  // Each row with the common direction removed, unit length, quantised to 8 bits with a scale.
  const scales = new Float32Array(n);
  const quantised = new Int8Array(n * d);
  const has = new Uint8Array(n);
  let known = 0;
  for (let i = 0; i < n; i++) {
    if (!embed(vectors, wordsOf(i), weightOf, tmp)) continue;
    if (common) project(tmp, common);
    if (!normalise(tmp)) continue;
    let max = 0;
    for (const x of tmp) max = Math.max(max, Math.abs(x));
    scales[i] = max / 127;
    for (let k = 0; k < d; k++) quantised[i * d + k] = Math.round(tmp[k]! / scales[i]!);
    has[i] = 1;
    known++;
  }
  return {
    known,
    score(queryRanks) {
      const q = new Float32Array(d);
      if (!embed(vectors, queryRanks, weightOf, q)) return undefined;
      if (common) project(q, common);
      if (!normalise(q)) return undefined;
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        if (!has[i]) {
          out[i] = Number.NaN;
          continue;
        }
        let s = 0;
        const base = i * d;
        for (let k = 0; k < d; k++) s += q[k]! * quantised[base + k]!;
        out[i] = s * scales[i]!;
      }
      return out;
    },
  };
}

// A word's rank, or of its form without a possessive "'s", or of each part of a hyphenated word.
function ranks(vectors: GloveVectors, words: readonly string[]): number[] {
  const out: number[] = [];
  for (const word of words) {
    let rank = vectors.rank(word);
    if (rank < 0 && /['’]s$/.test(word)) rank = vectors.rank(word.slice(0, -2));
    if (rank >= 0) out.push(rank);
    else if (word.includes('-'))
      for (const part of word.split('-')) if (vectors.rank(part) >= 0) out.push(vectors.rank(part));
  }
  return out;
}

// The weighted sum of the words' vectors into `out`; false when no word has a positive weight.
function embed(
  vectors: GloveVectors,
  ranks: Iterable<number>,
  weightOf: (rank: number) => number,
  out: Float32Array,
): boolean {
  out.fill(0);
  let any = false;
  for (const rank of ranks) {
    const w = weightOf(rank);
    if (!(w > 0)) continue;
    vectors.addTo(out, rank, w);
    any = true;
  }
  return any;
}

function normalise(v: Float32Array): boolean {
  let norm = 0;
  for (const x of v) norm += x * x;
  if (!(norm > 1e-12)) return false;
  norm = Math.sqrt(norm);
  for (let k = 0; k < v.length; k++) v[k]! /= norm;
  return true;
}

// v minus its component along the unit vector u.
function project(v: Float32Array, u: Float32Array): void {
  let p = 0;
  for (let k = 0; k < v.length; k++) p += v[k]! * u[k]!;
  for (let k = 0; k < v.length; k++) v[k]! -= p * u[k]!;
}

// The first principal direction (uncentred, as SIF) of the rows: power iteration on their Gram
// matrix, from their mean (close to it when the rows share a direction).
const COMMON_SAMPLE = 2000;
function principalDirection(rows: readonly Float32Array[], d: number): Float32Array | undefined {
  let u = new Float32Array(d);
  for (const row of rows) for (let k = 0; k < d; k++) u[k]! += row[k]!;
  if (!normalise(u)) u.fill(1 / Math.sqrt(d));
  for (let iteration = 0; iteration < 20; iteration++) {
    const next = new Float32Array(d);
    for (const row of rows) {
      let p = 0;
      for (let k = 0; k < d; k++) p += row[k]! * u[k]!;
      for (let k = 0; k < d; k++) next[k]! += p * row[k]!;
    }
    if (!normalise(next)) return undefined;
    u = next;
  }
  return u;
}
