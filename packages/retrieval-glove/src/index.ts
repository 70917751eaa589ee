import { readFileSync } from 'node:fs';

/**
 * Related English words in the shape `createRetriever({ related })` of `@memory/retrieval`
 * takes (its `Bridge`): an English word to its nearest neighbours in GloVe's word-vector
 * space, best first.
 */
export interface GloveRelated {
  /** The neighbours of a folded English word (best first), or undefined for an unknown word. */
  translate(term: string): readonly string[] | undefined;
  /** 0: it holds no Chinese terms, so the retriever looks up no Chinese substring in it. */
  readonly maxLength: number;
  /** How many words have neighbours. */
  readonly size: number;
}

/**
 * Reads the shipped neighbour lists (`data/glove-related.txt`: the 40,000 most frequent English
 * words of GloVe 6B, each with up to 20 neighbours at cosine ≥ 0.5 among the 60,000 most
 * frequent) for `createRetriever({ related })`, so an English question reaches triples that
 * say the same thing in other words ("what is my paycheck" → `["user", "salary", …]`). The retriever
 * keeps, of each question word's neighbours, the first `relatedPerTerm` (default 2) the user's
 * triples hold, at the `related` weight (default 0.3). Reads about 6 MB; call it once per
 * process and share the result.
 *
 * @example
 * ```ts
 * import { createRetriever } from '@memory/retrieval';
 * import { gloveRelated } from '@memory/retrieval-glove';
 * const retriever = createRetriever({ related: gloveRelated() });
 * ```
 */
export function gloveRelated(): GloveRelated {
  const text = readFileSync(new URL('../data/glove-related.txt', import.meta.url), 'utf8');
  // Neighbours stay one space-joined string per word, split when asked: a question asks for a
  // handful of 40,000.
  const related = new Map<string, string>();
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    if (text.charCodeAt(at) !== 35 /* # */ && end > at) {
      const tab = text.indexOf('\t', at);
      related.set(text.slice(at, tab), text.slice(tab + 1, end));
    }
    at = end + 1;
  }
  return { translate: (term) => related.get(term)?.split(' '), maxLength: 0, size: related.size };
}

export {
  gloveSimilarity,
  type GloveSimilarity,
  type GloveSimilarityIndex,
  type GloveSimilarityOptions,
} from './similarity.js';
