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
 * FNV-1a over the UTF-16 code units of `text[from, to)`: the same for a question's term and
 * for the range of the data text holding it, so tables of offsets need no strings of their own.
 */
function hashOf(text: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Whether `text[from, to)` is `term`. */
function holds(text: string, from: number, to: number, term: string): boolean {
  if (to - from !== term.length) return false;
  for (let i = 0; i < term.length; i++) if (text.charCodeAt(from + i) !== term.charCodeAt(i)) return false;
  return true;
}

/** Whether `text[a, aEnd)` and `text[b, bEnd)` hold the same characters. */
function sameRange(text: string, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (let i = 0; i < aEnd - a; i++) if (text.charCodeAt(a + i) !== text.charCodeAt(b + i)) return false;
  return true;
}

/** Slots for `n` keys: a power of two at least twice `n` (open addressing, linear probing). */
function slotsFor(n: number): Int32Array {
  let size = 16;
  while (size < n * 2) size *= 2;
  return new Int32Array(size);
}

/** Code points in `text[from, to)`. */
function codePoints(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/**
 * Reads the shipped CC-CEDICT extract (`data/cedict-bridge.txt`, 69,000 headwords of 2 to 4
 * characters with up to three short English meanings each) into a bridge for
 * `createRetriever({ bridge })`, so a Chinese question reaches English triples and the other
 * way round ("what's my blood type" → `["用户", "血型", "O型"]`). Reads about 1.7 MB and holds
 * about 2.7 MB of heap and 5 MB of typed arrays; call it once per process and share the result.
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
  // Everything is kept as offsets into the data text, in typed arrays: no string, array or map
  // entry per headword or meaning. 69,000 headwords and 57,000 meanings in maps took 12 MB of
  // heap as some 300,000 small objects; these tables take about 5 MB outside the heap (sized by a
  // first pass, never grown or copied), and the text 2.4 MB in it. A question asks for a few
  // dozen terms, each a hash and a comparison of a few characters.
  let lines = 0;
  let meanings = 0;
  for (let at = 0; at < text.length;) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    if (text.charCodeAt(at) !== 35 /* # */ && end > at) {
      lines++;
      for (let bar = text.indexOf('|', at); bar >= 0 && bar < end; bar = text.indexOf('|', bar + 1)) meanings++;
      meanings++;
    }
    at = end + 1;
  }
  // Each headword's line: where it starts and where its tab is (its meanings run to the newline).
  const lineStart = new Int32Array(lines);
  const lineTab = new Int32Array(lines);
  const chineseSlots = slotsFor(lines);
  const chineseMask = chineseSlots.length - 1;
  // Each English meaning: its first occurrence in the text, how many headwords have it, and the
  // first `maxChinese` of them (file order) as a linked list of occurrences.
  const englishSlots = slotsFor(meanings);
  const englishMask = englishSlots.length - 1;
  const keyStart = new Int32Array(meanings);
  const keyEnd = new Int32Array(meanings);
  const count = new Int32Array(meanings);
  const first = new Int32Array(meanings).fill(-1);
  const last = new Int32Array(meanings);
  const occurrenceLine = new Int32Array(meanings);
  const occurrenceNext = new Int32Array(meanings);
  let chinese = 0;
  let english = 0;
  let occurrences = 0;
  let kept = 0;
  let maxLength = 0;
  let line = 0;
  for (let at = 0; at < text.length;) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    if (text.charCodeAt(at) !== 35 /* # */ && end > at) {
      const tab = text.indexOf('\t', at);
      lineStart[line] = at;
      lineTab[line] = tab;
      // A headword given twice keeps its last line, as a map would.
      let slot = hashOf(text, at, tab) & chineseMask;
      for (; chineseSlots[slot] !== 0; slot = (slot + 1) & chineseMask) {
        const other = chineseSlots[slot]! - 1;
        if (sameRange(text, lineStart[other]!, lineTab[other]!, at, tab)) break;
      }
      if (chineseSlots[slot] === 0) chinese++;
      chineseSlots[slot] = line + 1;
      maxLength = Math.max(maxLength, codePoints(text, at, tab));
      for (let from = tab + 1; from <= end;) {
        let to = text.indexOf('|', from);
        if (to < 0 || to > end) to = end;
        let e = -1;
        let s = hashOf(text, from, to) & englishMask;
        for (; englishSlots[s] !== 0; s = (s + 1) & englishMask) {
          const k = englishSlots[s]! - 1;
          if (sameRange(text, keyStart[k]!, keyEnd[k]!, from, to)) {
            e = k;
            break;
          }
        }
        if (e < 0) {
          e = english++;
          englishSlots[s] = e + 1;
          keyStart[e] = from;
          keyEnd[e] = to;
        }
        const n = ++count[e]!;
        if (n === 1) kept++;
        else if (n === maxChinese + 1) kept--;
        if (n <= maxChinese) {
          const o = occurrences++;
          occurrenceLine[o] = line;
          occurrenceNext[o] = -1;
          if (first[e] === -1) first[e] = o;
          else occurrenceNext[last[e]!] = o;
          last[e] = o;
        }
        from = to + 1;
      }
      line++;
    }
    at = end + 1;
  }
  const find = (slots: Int32Array, start: Int32Array, stop: Int32Array, term: string): number => {
    const mask = slots.length - 1;
    for (let s = hashOf(term, 0, term.length) & mask; slots[s] !== 0; s = (s + 1) & mask) {
      const k = slots[s]! - 1;
      if (holds(text, start[k]!, stop[k]!, term)) return k;
    }
    return -1;
  };
  return {
    translate: (term) => {
      const headword = find(chineseSlots, lineStart, lineTab, term);
      if (headword >= 0) {
        const end = text.indexOf('\n', lineTab[headword]!);
        return text.slice(lineTab[headword]! + 1, end < 0 ? text.length : end).split('|');
      }
      const meaning = find(englishSlots, keyStart, keyEnd, term);
      if (meaning < 0 || count[meaning]! > maxChinese) return undefined;
      const out: string[] = [];
      for (let o = first[meaning]!; o >= 0; o = occurrenceNext[o]!) {
        const l = occurrenceLine[o]!;
        out.push(text.slice(lineStart[l], lineTab[l]));
      }
      return out;
    },
    maxLength,
    size: { chinese, english: kept },
  };
}
