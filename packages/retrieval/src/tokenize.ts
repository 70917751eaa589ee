import { isAscii } from './fold.js';

// Han, kana and the CJK symbols that live between them; Hangul is written with spaces, so it
// is tokenized like Latin text.
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3005\u30fc]/u;
const HAS_DIGIT = /\p{N}/u;
const HAS_LETTER = /\p{L}/u;
const LETTERS_OR_DIGITS = /\p{L}+|\p{N}+/gu;
// A lower-case letter followed by a capital: "livesIn", "hasPet", "MacBook" (camelCase).
const CAMEL = /[a-z][A-Z]/;
const CAMEL_WORDS = /[A-Za-z]*[a-z][A-Z][A-Za-z]*/g;
const CAMEL_BOUNDARY = /([a-z])(?=[A-Z])/g;
const RUNS = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3005\u30fc]+)|([\p{L}\p{N}\p{M}]+)/gu;

// Particles, question words and personal pronouns: bigrams containing them are mostly noise
// ("的编", "什么", "她在").
const CJK_PARTICLES = new Set('的了吗呢吧啊呀么嘛哪哦呗是什我你您他她它'.split(''));
// Personal pronouns: a segmenter word starting with one ("他有", "她在") is a pronoun glued to
// the next word, not a word of its own.
const CJK_PRONOUNS = new Set('我你您他她它'.split(''));
const CJK_STOPWORDS = new Set([
  '是',
  '在',
  '有',
  '和',
  '与',
  '及',
  '或',
  '我',
  '你',
  '他',
  '她',
  '它',
  '们',
  '这',
  '那',
  '都',
  '也',
  '就',
  '还',
  '被',
  '把',
  '对',
  '从',
  '给',
  '让',
  '会',
  '要',
  '想',
  '请',
  '问',
  '吗',
  '么',
  '什么',
  '哪',
  '哪些',
  '哪里',
  '哪个',
  '怎么',
  '怎样',
  '如何',
  '为什么',
  '这个',
  '那个',
  '一个',
  '一下',
  '请问',
  '知道',
  '告诉',
  '多少',
  '几',
  '个',
  '些',
  '之',
  '其',
  '该',
  '用户',
  '他的',
  '她的',
  '我的',
  '最近',
  '现在',
  '目前',
  '平时',
  '主要',
  '经常',
  '一般',
  '通常',
  '一直',
  '有没有',
  '是不是',
  '情况',
  '方面',
  '问题',
  '怎么样',
  '什么样',
  '是否',
  '会不会',
  '能不能',
  '可以',
  '一些',
  '他们',
  '她们',
  '我们',
  '你们',
  '咱们',
  '您',
  '自己',
  '平常',
  '大概',
  '了解',
  '关于',
  '的话',
  '东西',
  '事情',
]);
const EN_STOPWORDS = new Set(
  (
    'a an the is are was were be been being am do does did doing what which who whom whose where when why how ' +
    'i me my mine myself you your yours he him his she her hers it its they them their theirs we us our ours ' +
    'of in on at to for with by from about as into onto over under and or but not no nor so than too very ' +
    'any some all this that these those has have had having there here can could would should will shall may might must ' +
    'tell know please user users s t also just ever currently now then anything something kind sort ' +
    'recently lately usually mainly mostly often really'
  ).split(' '),
);

// Stop words of two or more characters wherever they occur in a run, longest first: the
// segmenter cuts question scaffolding inconsistently ("怎么样" comes out as "怎么" + "样").
const CJK_STOP_PHRASES = new RegExp(
  [...CJK_STOPWORDS]
    .filter((w) => w.length >= 2)
    .sort((a, b) => b.length - a.length)
    .join('|'),
  'gu',
);

// Porter's step 2/3 style rules, so "collaborator", "collaborates" and "collaboration" meet.
const DERIVATIONAL: readonly (readonly [string, string])[] = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['ization', 'ize'],
  ['isation', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['ement', ''],
  ['ness', ''],
  ['ities', 'ity'],
];

/**
 * A light English stemmer (a few Porter-style suffix rules). Both documents and queries go
 * through it, so consistency matters more than linguistic accuracy: `uses`, `using`, `used`,
 * `use` all become `us`; `prefers`, `preferred` become `prefer`.
 */
export function stem(word: string): string {
  if (word.length < 3 || !/^[a-z]+$/.test(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (/(ches|shes|xes|zes)$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  // Porter's condition: what remains must hold a vowel ("thing", "bring", "red" stay whole).
  if (w.endsWith('ing') && w.length >= 5 && /[aeiouy]/.test(w.slice(0, -3))) w = w.slice(0, -3);
  else if (w.endsWith('ed') && !w.endsWith('eed') && w.length >= 4 && /[aeiouy]/.test(w.slice(0, -2)))
    w = w.slice(0, -2);
  if (/([b-df-hj-km-np-tv-z])\1$/.test(w) && !/(ll|ss|zz)$/.test(w)) w = w.slice(0, -1);
  for (const [suffix, replacement] of DERIVATIONAL) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length) + replacement;
      break;
    }
  }
  if (w.endsWith('e') && w.length >= 3) w = w.slice(0, -1);
  if (w.endsWith('y') && w.length > 3) w = `${w.slice(0, -1)}i`;
  return w;
}

/** Options of {@link tokenize}. */
export interface TokenizeOptions {
  /**
   * Keep English stop words. Retrieval indexes a predicate made only of stop words ("from",
   * "has") with them, so the relation is not lost.
   */
  keepStopwords?: boolean;
}

/** A word of a Chinese/Japanese run, as `Intl.Segmenter` yields them. */
export interface Segment {
  segment: string;
  /** Its offset in the run, in UTF-16 units. */
  index: number;
  /** False for punctuation and spaces. */
  isWordLike?: boolean;
}

/**
 * Splits a Chinese/Japanese run into words (default: `Intl.Segmenter('zh')`). A dictionary
 * segmenter such as `@node-rs/jieba` fits: `(run) => withOffsets(jieba.cut(run, false))`.
 */
export type Segmenter = (run: string) => Iterable<Segment>;

/** Options of a {@link Tokenizer}. */
export interface TokenizerOptions {
  /** The word segmenter for Chinese/Japanese runs (default `Intl.Segmenter('zh', { granularity: 'word' })`). */
  segmenter?: Segmenter;
  /**
   * Remember the tokens of Chinese/Japanese runs and English stems (bounded: 50,000 runs,
   * 100,000 stems). Default `true`; segmenting is the slow part of indexing.
   */
  cache?: boolean;
}

/**
 * The tokens retrieval uses (see {@link tokenize}), with its own bounded memo of Chinese/Japanese
 * runs and stems. Each retriever owns one; nothing is shared between them.
 */
export class Tokenizer {
  readonly #segment: Segmenter;
  readonly #runCache: Map<string, string[]> | undefined;
  readonly #stemCache: Map<string, string> | undefined;

  constructor(options: TokenizerOptions = {}) {
    if (options.segmenter) this.#segment = options.segmenter;
    else {
      const intl = new Intl.Segmenter('zh', { granularity: 'word' });
      this.#segment = (run) => intl.segment(run);
    }
    if (options.cache !== false) {
      this.#runCache = new Map();
      this.#stemCache = new Map();
    }
  }

  #stem(word: string): string {
    const cache = this.#stemCache;
    if (!cache) return stem(word);
    let s = cache.get(word);
    if (s === undefined) {
      if (cache.size > 100_000) cache.clear();
      cache.set(word, (s = stem(word)));
    }
    return s;
  }

  #cjkTokens(run: string, out: string[]): void {
    let cached = this.#runCache?.get(run);
    if (!cached) {
      cached = [];
      // Characters inside a stop word ("用户", "什么") yield no unigrams or bigrams either.
      const stopAt = new Set<number>();
      for (const m of run.matchAll(CJK_STOP_PHRASES)) for (let k = 0; k < m[0].length; k++) stopAt.add(m.index + k);
      for (const s of this.#segment(run)) {
        if (s.isWordLike === false) continue;
        if (CJK_STOPWORDS.has(s.segment)) {
          for (let k = 0; k < s.segment.length; k++) stopAt.add(s.index + k);
        } else if (s.segment.length >= 2 && !stopAt.has(s.index) && !CJK_PRONOUNS.has(s.segment[0]!))
          cached.push(s.segment);
      }
      // Segment indices count UTF-16 units; characters outside the BMP (CJK extension B) take two.
      const chars: Array<[string, number]> = [];
      for (let i = 0; i < run.length;) {
        const c = String.fromCodePoint(run.codePointAt(i)!);
        chars.push([c, i]);
        i += c.length;
      }
      for (let k = 0; k < chars.length; k++) {
        const [c, at] = chars[k]!;
        if (stopAt.has(at)) continue;
        if (!CJK_PARTICLES.has(c) && !CJK_STOPWORDS.has(c)) cached.push(c);
        const next = chars[k + 1];
        if (next !== undefined && !stopAt.has(next[1]) && !CJK_PARTICLES.has(c) && !CJK_PARTICLES.has(next[0])) {
          const bigram = c + next[0];
          if (!CJK_STOPWORDS.has(bigram)) cached.push(bigram);
        }
      }
      // Bounded: segmenting is the slow part of indexing, and most runs repeat (predicates,
      // common objects); the cache keeps the repeats cheap without growing without limit.
      const cache = this.#runCache;
      if (cache) {
        if (cache.size > 50_000) cache.clear();
        cache.set(run, cached);
      }
    }
    for (const t of cached) out.push(t);
  }

  /** Empties the memo of Chinese/Japanese runs and English stems (for cold-start benchmarks). */
  clearCaches(): void {
    this.#runCache?.clear();
    this.#stemCache?.clear();
  }

  /** The tokens of `text` (see {@link tokenize}). */
  tokenize(text: string, options: TokenizeOptions = {}): string[] {
    const out: string[] = [];
    const keep = options.keepStopwords === true;
    // The parts of a camelCase word go after it, so "livesIn" is also "lives in".
    if (CAMEL.test(text)) text = text.replace(CAMEL_WORDS, (w) => `${w} ${w.replace(CAMEL_BOUNDARY, '$1 ')}`);
    // Whitespace needs no collapsing here: runs split on it anyway.
    const ascii = isAscii(text);
    const folded = (ascii ? text : text.normalize('NFKC')).toLowerCase();
    if (ascii) {
      // Most of a large index is ASCII text: words of [a-z0-9] found by hand, without a regex
      // match object per word.
      let from = -1;
      for (let i = 0; i <= folded.length; i++) {
        const c = i < folded.length ? folded.charCodeAt(i) : 0;
        const inWord = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
        if (inWord) {
          if (from < 0) from = i;
        } else if (from >= 0) {
          this.#wordTokens(folded.slice(from, i), keep, out);
          from = -1;
        }
      }
      return out;
    }
    for (const m of folded.matchAll(RUNS)) {
      if (m[1]) this.#cjkTokens(m[1], out);
      else this.#wordTokens(m[2]!, keep, out);
    }
    return out;
  }

  #wordTokens(word: string, keep: boolean, out: string[]): void {
    if (!keep && EN_STOPWORDS.has(word)) return;
    out.push(this.#stem(word));
    // "python3", "gpt4o", "pg16": also the letter and digit parts, so "Python 3" matches.
    if (HAS_DIGIT.test(word) && HAS_LETTER.test(word)) {
      for (const part of word.match(LETTERS_OR_DIGITS) ?? []) if (keep || !EN_STOPWORDS.has(part)) out.push(stem(part));
    }
  }
}

/**
 * Segments with their offsets, from a list of words that covers the run in order (what
 * `jieba.cut` returns): the adapter a word-list segmenter needs to be a {@link Segmenter}.
 */
export function withOffsets(words: Iterable<string>): Segment[] {
  const out: Segment[] = [];
  let index = 0;
  for (const segment of words) {
    out.push({ segment, index, isWordLike: /[\p{L}\p{N}]/u.test(segment) });
    index += segment.length;
  }
  return out;
}

// Holds no state: it remembers nothing.
const uncached = new Tokenizer({ cache: false });

/**
 * The tokens retrieval and the hashing embedder use, after NFKC and lower-casing:
 * for Chinese and Japanese text, `Intl.Segmenter` words of two or more characters, character
 * bigrams and single characters (particles and question words dropped); for other scripts,
 * words with English stop words dropped and a light English {@link stem}. camelCase words
 * (`livesIn`, `MacBook`) also give their parts; snake_case and kebab-case split anyway.
 * Remembers nothing between calls; a {@link Tokenizer} does.
 *
 * @example
 * ```ts
 * tokenize('用户喜欢喝咖啡'); // ['喜欢', '咖啡', '户', '喜', '喜欢', '欢', '欢喝', '喝', '喝咖', '咖', '咖啡', '啡', ...]
 * tokenize('Which databases does she use?'); // ['databas', 'us']
 * tokenize('hasPet'); // ['haspet', 'pet']
 * ```
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  return uncached.tokenize(text, options);
}

/** True for an English stop word (question words, pronouns, auxiliaries…), as lower case. */
export function isStopword(word: string): boolean {
  return EN_STOPWORDS.has(word);
}

/** True when the token is a single CJK character (it gets the retriever's `unigram` weight in queries). */
export function isUnigram(token: string): boolean {
  return [...token].length === 1 && CJK_CHAR.test(token);
}
