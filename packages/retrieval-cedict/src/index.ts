import { readFileSync } from 'node:fs';

/** Options of {@link cedictBridge}. */
export interface CedictBridgeOptions {
  /**
   * An English meaning shared by more Chinese headwords than this is not translated back into
   * Chinese (it is too vague: "work" has dozens). Default 5.
   */
  maxChinesePerMeaning?: number;
}

/**
 * A Chinese-English dictionary in the shape `createRetriever({ bridge })` of
 * `@memory/retrieval` takes (its `Bridge`): Chinese words to their English meanings, and
 * English words and two-word phrases to the Chinese words they are a meaning of.
 */
export interface CedictBridge {
  /** The meanings (English) or headwords (Chinese) of a folded term, or undefined. */
  translate(term: string): readonly string[] | undefined;
  /** The longest headword, in characters (4). */
  readonly maxLength: number;
  /** How many Chinese headwords and English meanings it holds. */
  readonly size: { chinese: number; english: number };
}

/**
 * Reads the shipped CC-CEDICT extract (`data/cedict-bridge.txt`, 69,000 headwords of 2 to 4
 * characters with up to three short English meanings each) into a bridge for
 * `createRetriever({ bridge })`, so a Chinese question reaches English triples and the other
 * way round ("what's my blood type" → `["用户", "血型", "O型"]`). Reads about 1.7 MB; call it
 * once per process and share the result.
 *
 * The data is CC-CEDICT (CC BY-SA 4.0): see this package's README and LICENSE.
 *
 * @example
 * ```ts
 * import { createRetriever } from '@memory/retrieval';
 * import { cedictBridge } from '@memory/retrieval-cedict';
 * const retriever = createRetriever({ bridge: cedictBridge() });
 * ```
 */
export function cedictBridge(options: CedictBridgeOptions = {}): CedictBridge {
  const maxChinese = options.maxChinesePerMeaning ?? 5;
  const text = readFileSync(new URL('../data/cedict-bridge.txt', import.meta.url), 'utf8');
  // Meanings and headwords stay '|'-joined strings, split when asked: a third of the memory of
  // arrays for 69,000 headwords, and a question asks for a handful.
  const chinese = new Map<string, string>();
  const english = new Map<string, string>();
  const counts = new Map<string, number>();
  let maxLength = 0;
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    if (text.charCodeAt(at) !== 35 /* # */ && end > at) {
      const tab = text.indexOf('\t', at);
      const word = text.slice(at, tab);
      const meanings = text.slice(tab + 1, end);
      chinese.set(word, meanings);
      maxLength = Math.max(maxLength, [...word].length);
      for (const m of meanings.split('|')) {
        const n = (counts.get(m) ?? 0) + 1;
        counts.set(m, n);
        if (n <= maxChinese) english.set(m, n === 1 ? word : `${english.get(m)!}|${word}`);
        else english.delete(m);
      }
    }
    at = end + 1;
  }
  return {
    translate: (term) => (chinese.get(term) ?? english.get(term))?.split('|'),
    maxLength,
    size: { chinese: chinese.size, english: english.size },
  };
}
