import { answerTypes, DATE_TOKEN, MONEY_TOKEN, NUMBER_TOKEN, PERSON_TOKEN, WEEKDAY_TOKEN } from './answer-types.js';
import { foldText } from './fold.js';
import { asksAboutPast } from './past-intent.js';
import { tripleIdentityHash } from '@memory/semantics';
import { expandQuery, type Vocabulary } from './query-expansion.js';
import { isUnigram } from './tokenize.js';
import type { Triple } from '@memory/semantics';
import type { RetrieverWeights } from './weights.js';

/** One result of {@link TripleIndex.search}. */
export interface ScoredTriple {
  triple: Triple;
  /** BM25 score of the query against `"s p o"` (0 when only the substring rule matched). */
  score: number;
  /** The whole query is a case-insensitive substring of `"s p o"`: the original's rule. */
  exact: boolean;
  /** The triple has an end time: a newer value superseded it. */
  ended: boolean;
  /** Position in the stored list (file order), 0-based. */
  position: number;
}

/**
 * What an index is built and searched with: a retriever's vocabulary (with its tokenizer) and
 * weights. Made by `createRetriever`; indexes built with different analyzers are cached apart.
 */
export interface Analyzer {
  readonly vocabulary: Vocabulary;
  readonly weights: Readonly<RetrieverWeights>;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const ANSWER_TYPES = new Set([NUMBER_TOKEN, DATE_TOKEN, MONEY_TOKEN, WEEKDAY_TOKEN, PERSON_TOKEN]);

/**
 * The `k` best of `docs` by score (ties in file order), best first, among those `keep` accepts:
 * a partial selection in a small sorted array, so a query touching most of 50,000 triples does
 * not sort them all (sorting every touched triple to find five seeds was a sixth of a warm query).
 */
function topByScore(scores: Float64Array, docs: readonly number[], k: number, keep?: (i: number) => boolean): number[] {
  const best: number[] = [];
  if (k <= 0) return best;
  const better = (i: number, j: number) => scores[i]! > scores[j]! || (scores[i] === scores[j] && i < j);
  for (const i of docs) {
    if (best.length === k && !better(i, best[k - 1]!)) continue;
    if (keep && !keep(i)) continue;
    let at = best.length;
    while (at > 0 && better(i, best[at - 1]!)) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

/**
 * An in-memory search index over one user's triples: BM25 over {@link tokenize} tokens of
 * `"subject predicate object"`, plus the original's substring rule. Built once per stored
 * version (see `KnowledgeIndexCache`) and queried many times.
 *
 * Ranking, best first:
 * 1. current triples before superseded ones (those with an `endTime`), so history never
 *    outranks the present, unless the question asks about the past ("where did she live
 *    before", "他以前住在哪": see `asksAboutPast`), which ranks them together;
 * 2. within each, triples matching the original rule (the whole query as a case-insensitive
 *    substring of `"s p o"`) first, in file order, so every query the original answered
 *    returns the same triples first;
 * 3. then by BM25 score, ties in file order.
 *
 * Relations: a triple whose object names another subject (`["用户", "女儿", "王可欣"]`) lends
 * that subject's triples its predicate as an alias at half weight, so "她女儿有什么健康问题"
 * finds `["王可欣", "过敏", "尘螨"]`; a good match about the entity passes score back to the
 * triple naming it when the question touched that triple too ("her daughter's grade" also
 * returns who the daughter is).
 */
export class TripleIndex {
  /** The triples, in file order. */
  readonly triples: readonly Triple[];
  // Postings in compressed sparse rows: token id → docs[start[id] .. start[id + 1]) with
  // their term frequencies. Typed arrays keep a 50,000-triple index small and cheap to build.
  readonly #tokenIds = new Map<string, number>();
  readonly #postingStart: Int32Array;
  readonly #postingDocs: Int32Array;
  readonly #postingTfs: Float32Array;
  readonly #avgLength: number;
  // BM25's length normalisation of each triple, k1 × (1 − b + b × length / average): computed
  // once at load instead of once per posting and query.
  readonly #norm: Float64Array;
  readonly #ended: Uint8Array;
  // All "s p o" texts lower-cased and joined by NUL, with each one's start offset, so the
  // substring rule is one indexOf scan instead of one `includes` per triple.
  readonly #joined: string;
  readonly #starts: Int32Array;
  readonly #k1: number;
  readonly #b: number;
  readonly #analyzer: Analyzer;
  #scratch: Float64Array;
  // Subjects other than the dominant one ("用户", "user"), folded, with their triples: a
  // triple whose object names such a subject links to that subject's triples.
  readonly #entities = new Map<string, number[]>();
  // Triples whose object names an entity, with the entities named; and the reverse.
  readonly #linked = new Map<number, string[]>();
  readonly #namers = new Map<string, number[]>();
  // Tokens some entity holds as an alias (the relations that name people and things), with
  // the entities holding each.
  readonly #aliasOf = new Map<number, Set<string>>();

  constructor(triples: readonly Triple[], analyzer: Analyzer) {
    this.triples = triples;
    this.#analyzer = analyzer;
    const w = analyzer.weights;
    const tokenize = analyzer.vocabulary.tokenizer.tokenize.bind(analyzer.vocabulary.tokenizer);
    this.#k1 = w.k1;
    this.#b = w.b;
    const n = triples.length;
    // Each triple's length in tokens (the predicate's counted `predicate` times), turned into
    // BM25's norm in place once the average is known.
    const norm = new Float64Array(n);
    this.#ended = new Uint8Array(n);
    this.#starts = new Int32Array(n + 1);
    this.#scratch = new Float64Array(n);
    // The lower-cased "s p o" of every triple, NUL after each: its parts (fields and separators)
    // go into one array, joined once into one flat string at the end. Appending to a string
    // instead kept a rope of some 200,000 small strings (50,000 triples: 9 MB) alive in the heap
    // until a search flattened it, and an index loaded for an empty query never did. Lower-casing
    // field by field measured several times cheaper than lower-casing megabytes at once.
    // Subjects and predicates repeat: lower-cased once each.
    const parts: string[] = new Array<string>(n * 6);
    let offset = 0;
    const lowerCache = new Map<string, string>();
    const lower = (field: string): string => {
      let l = lowerCache.get(field);
      if (l === undefined) {
        l = field.toLowerCase();
        if (lowerCache.size < 100_000) lowerCache.set(field, l);
      }
      return l;
    };
    let total = 0;
    // Pass 1: token ids of each document as (id, tf) pairs in one growing buffer.
    // Subjects and predicates apart: a stop-word-only predicate tokenizes differently.
    const fieldIds = [new Map<string, Int32Array>(), new Map<string, Int32Array>()] as const;
    const tokens: string[] = [];
    const idOf = (token: string): number => {
      let id = this.#tokenIds.get(token);
      if (id === undefined) {
        this.#tokenIds.set(token, (id = this.#tokenIds.size));
        tokens.push(token);
      }
      return id;
    };
    const idsOf = (field: string, memo: boolean, predicate: boolean): Int32Array => {
      const memoMap = fieldIds[predicate ? 1 : 0];
      let ids = memo ? memoMap.get(field) : undefined;
      if (!ids) {
        let tokens = tokenize(field);
        // A predicate made only of stop words ("from", "has") keeps them: it is the relation.
        if (predicate && tokens.length === 0) tokens = tokenize(field, { keepStopwords: true });
        ids = new Int32Array(tokens.length);
        for (let k = 0; k < tokens.length; k++) ids[k] = idOf(tokens[k]!);
        if (memo && memoMap.size < 200_000) memoMap.set(field, ids);
      }
      return ids;
    };
    // A plain array (small integers), not a typed array: it is garbage once the postings are
    // built, and V8 returns its pages, where a freed typed array of megabytes stayed resident
    // in the C heap.
    const pairs: number[] = [];
    let used = 0;
    const docPairStart = new Int32Array(n + 1);
    // Term frequencies without sorting: where each token's pair for the current document is.
    let seenIn = new Int32Array(1024).fill(-1);
    let slot = new Int32Array(1024);
    const addToken = (id: number, doc: number, times: number) => {
      if (id >= seenIn.length) {
        const size = Math.max(seenIn.length * 2, id + 1);
        const s2 = new Int32Array(size).fill(-1);
        s2.set(seenIn);
        seenIn = s2;
        const p2 = new Int32Array(size);
        p2.set(slot);
        slot = p2;
      }
      // Term frequencies are whole numbers (a fractional predicate weight counts its integer part).
      if (seenIn[id] === doc) {
        pairs[slot[id]! + 1] = (pairs[slot[id]! + 1]! + times) | 0;
        return;
      }
      seenIn[id] = doc;
      slot[id] = used;
      pairs.push(id, times | 0);
      used += 2;
    };
    for (let i = 0; i < n; i++) {
      const t = triples[i]!;
      const ls = lower(t[0]);
      const lp = lower(t[1]);
      const lo = t[2].toLowerCase();
      parts[6 * i] = ls;
      parts[6 * i + 1] = ' ';
      parts[6 * i + 2] = lp;
      parts[6 * i + 3] = ' ';
      parts[6 * i + 4] = lo;
      parts[6 * i + 5] = '\u0000';
      this.#starts[i] = offset;
      offset += ls.length + lp.length + lo.length + 3;
      if (typeof t[3]?.endTime === 'string') this.#ended[i] = 1;
      docPairStart[i] = used;
      let len = 0;
      for (let f = 0; f < 3; f++) {
        // Subjects and predicates repeat across a user's triples: tokenize each once. Objects
        // are mostly distinct, and remembering them costs more than it saves.
        const ids = idsOf(t[f] as string, f < 2, f === 1);
        // The predicate is the relation a question asks about: it counts more than the rest.
        const times = f === 1 ? w.predicate : 1;
        for (let k = 0; k < ids.length; k++) addToken(ids[k]!, i, times);
        len += ids.length * times;
      }
      norm[i] = len;
      total += len;
    }
    docPairStart[n] = used;
    // Document frequencies, then the postings of every token (filled in pass 2).
    const vocabulary = this.#tokenIds.size;
    const start = new Int32Array(vocabulary + 1);
    for (let p = 0; p < used; p += 2) start[pairs[p]! + 1]!++;
    const df = (id: number) => start[id + 1]!;
    const bySubject = new Map<string, number[]>();
    const foldedSubjects = new Map<string, string>();
    const subjectOf: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const raw = triples[i]![0];
      let s = foldedSubjects.get(raw);
      if (s === undefined) foldedSubjects.set(raw, (s = foldText(raw)));
      subjectOf[i] = s;
      if (s.length < 2) continue;
      const list = bySubject.get(s);
      if (list) list.push(i);
      else bySubject.set(s, [i]);
    }
    // The user's own subject ("用户", "user") is everywhere: the most frequent subject, and any
    // covering more than a fifth of a larger list, is not an entity to hop to.
    let most = 0;
    for (const list of bySubject.values()) most = Math.max(most, list.length);
    for (const [s, list] of bySubject) {
      if ((list.length === most && most >= 2) || (n >= 20 && list.length > n * 0.2)) continue;
      this.#entities.set(s, list);
    }
    // Which triples name an entity in their object (["用户", "女儿", "王可欣"] names 王可欣). A
    // name's rarest token that any text containing it must also hold (a word, or a pair of
    // Chinese characters: segmenter words depend on context) picks the candidates, so linking
    // costs one pass over the documents' tokens instead of a name test per triple and entity.
    const keyOf = new Map<number, string[]>();
    for (const [name, docs] of this.#entities) {
      let key = -1;
      // The subject's tokens, as indexed (the subject as written tokenizes as its folded form).
      for (const id of idsOf(triples[docs[0]!]![0], true, false)) {
        const tok = tokens[id]!;
        if (isUnigram(tok) || (CJK.test(tok) && [...tok].length !== 2)) continue;
        if (key < 0 || df(id) < df(key)) key = id;
      }
      if (key < 0) continue;
      const names = keyOf.get(key);
      if (names) names.push(name);
      else keyOf.set(key, [name]);
    }
    const aliases = new Map<number, number[]>();
    if (keyOf.size > 0) {
      const isKey = new Uint8Array(vocabulary);
      for (const id of keyOf.keys()) isKey[id] = 1;
      for (let d = 0; d < n; d++) {
        let object: string | undefined;
        for (let p = docPairStart[d]!; p < docPairStart[d + 1]!; p += 2) {
          if (isKey[pairs[p]!] === 0) continue;
          for (const name of keyOf.get(pairs[p]!)!) {
            if (subjectOf[d] === name || !(object ??= foldText(triples[d]![2])).includes(name)) continue;
            const linked = this.#linked.get(d);
            if (linked) linked.push(name);
            else this.#linked.set(d, [name]);
            const namers = this.#namers.get(name);
            if (namers) namers.push(d);
            else this.#namers.set(name, [d]);
          }
        }
      }
      // An entity's triples are also indexed under the relation that names it, so "她女儿有什么
      // 健康问题" finds ["王可欣", "过敏", "尘螨"] once ["用户", "女儿", "王可欣"] says who she is.
      for (const [name, namers] of this.#namers) {
        const ids = new Set<number>();
        for (const d of namers.slice(0, w.maxNamers)) for (const id of idsOf(triples[d]![1], true, true)) ids.add(id);
        for (const d of this.#entities.get(name)!) {
          const own = new Set<number>();
          for (let p = docPairStart[d]!; p < docPairStart[d + 1]!; p += 2) own.add(pairs[p]!);
          const added = [...ids].filter((id) => !own.has(id));
          if (added.length === 0) continue;
          aliases.set(d, added);
          for (const id of added) {
            start[id + 1]!++;
            let holders = this.#aliasOf.get(id);
            if (!holders) this.#aliasOf.set(id, (holders = new Set()));
            holders.add(name);
          }
        }
      }
    }
    // Pass 2: the postings of every token, an entity's aliases after its own tokens.
    for (let v = 0; v < vocabulary; v++) start[v + 1]! += start[v]!;
    const fill = start.slice(0, vocabulary);
    const postings = start[vocabulary]!;
    this.#postingDocs = new Int32Array(postings);
    this.#postingTfs = new Float32Array(postings);
    for (let d = 0; d < n; d++) {
      for (let p = docPairStart[d]!; p < docPairStart[d + 1]!; p += 2) {
        const at = fill[pairs[p]!]!++;
        this.#postingDocs[at] = d;
        this.#postingTfs[at] = pairs[p + 1]!;
      }
      for (const id of aliases.get(d) ?? []) {
        const at = fill[id]!++;
        this.#postingDocs[at] = d;
        this.#postingTfs[at] = w.aliasTf;
      }
    }
    this.#postingStart = start;
    this.#starts[n] = offset;
    this.#joined = parts.join('');
    this.#avgLength = n > 0 ? total / n || 1 : 1;
    for (let i = 0; i < n; i++) norm[i] = this.#k1 * (1 - this.#b + (this.#b * norm[i]!) / this.#avgLength);
    this.#norm = norm;
  }

  #byIdentity: Map<string, number> | undefined;
  // Triples of each answer type (an object holding a number, a date, an amount or a person; a
  // weekday in the predicate or object; see answer-types.ts), found on the first question
  // asking for one: most indexes never need them, so loading does not pay for them.
  #typed: Map<string, Int32Array> | undefined;

  // Triples whose predicate places them in the past ("used to work as", "以前主要写"), found on
  // the first question that does not ask about the past.
  #past: Uint8Array | undefined;

  #pastPredicates(): Uint8Array {
    if (!this.#past) {
      this.#past = new Uint8Array(this.triples.length);
      const memo = new Map<string, boolean>();
      for (let i = 0; i < this.triples.length; i++) {
        const p = this.triples[i]![1];
        let past = memo.get(p);
        if (past === undefined) memo.set(p, (past = asksAboutPast(p)));
        if (past) this.#past[i] = 1;
      }
    }
    return this.#past;
  }

  #typedDocs(type: string): Int32Array {
    if (!this.#typed) {
      const found = new Map<string, number[]>([
        [NUMBER_TOKEN, []],
        [DATE_TOKEN, []],
        [MONEY_TOKEN, []],
        [WEEKDAY_TOKEN, []],
        [PERSON_TOKEN, []],
      ]);
      for (let i = 0; i < this.triples.length; i++) {
        const types = answerTypes(this.triples[i]![2], this.triples[i]![1]);
        // An object naming someone the triples say more about (["用户", "闺蜜", "唐小雨"]) is a
        // person or a thing of theirs, whatever its script: what "who" asks for.
        if (this.#linked.has(i) && !types.includes(PERSON_TOKEN)) types.push(PERSON_TOKEN);
        for (const type of types) found.get(type)!.push(i);
      }
      this.#typed = new Map([...found].map(([type, docs]) => [type, Int32Array.from(docs)]));
    }
    return this.#typed.get(type) ?? new Int32Array(0);
  }

  /**
   * The position of the triple with this identity hash (`tripleIdentityHash`), checking `hint`
   * first (the position it had at the last index sync); undefined when it is not stored.
   */
  positionOf(identity: string, hint?: number): number | undefined {
    if (
      hint !== undefined &&
      hint >= 0 &&
      hint < this.triples.length &&
      tripleIdentityHash(this.triples[hint]!) === identity
    )
      return hint;
    if (!this.#byIdentity) {
      this.#byIdentity = new Map();
      this.triples.forEach((t, i) => {
        const id = tripleIdentityHash(t);
        if (!this.#byIdentity!.has(id)) this.#byIdentity!.set(id, i);
      });
    }
    return this.#byIdentity.get(identity);
  }

  /** Number of triples indexed. */
  get size(): number {
    return this.triples.length;
  }

  // Which pairs of adjacent characters occur in the joined texts, as a bitmap of their hashes
  // (false positives possible, never false negatives), built on the second search (a one-off
  // load does not pay for it: building costs about as much as several scans): a question
  // holding a pair that occurs nowhere cannot be a substring, and skips the scan of every text,
  // which was a third of a warm query over 50,000 triples.
  #pairBits: Uint32Array | undefined;
  #pairMask = 0;
  #substringSearches = 0;

  #pairs(): Uint32Array {
    if (!this.#pairBits) {
      const text = this.#joined;
      // About four bits per character, between 2^10 and 2^20 bits (128 KiB).
      const log = Math.min(20, Math.max(10, Math.ceil(Math.log2(text.length * 4 + 1))));
      const bits = new Uint32Array(1 << (log - 5));
      const mask = (1 << log) - 1;
      let prev = text.length > 0 ? text.charCodeAt(0) : 0;
      for (let i = 1; i < text.length; i++) {
        const c = text.charCodeAt(i);
        const h = (Math.imul(prev, 0x01000193) ^ c) & mask;
        bits[h >>> 5]! |= 1 << (h & 31);
        prev = c;
      }
      this.#pairMask = mask;
      this.#pairBits = bits;
    }
    return this.#pairBits;
  }

  /** False when some pair of adjacent characters of `needle` occurs in no text. */
  #mayContain(needle: string): boolean {
    if (needle.length < 2 || this.#substringSearches++ === 0) return true;
    const bits = this.#pairs();
    const mask = this.#pairMask;
    let prev = needle.charCodeAt(0);
    for (let i = 1; i < needle.length; i++) {
      const c = needle.charCodeAt(i);
      const h = (Math.imul(prev, 0x01000193) ^ c) & mask;
      if ((bits[h >>> 5]! & (1 << (h & 31))) === 0) return false;
      prev = c;
    }
    return true;
  }

  /**
   * Indices of triples whose lower-cased `"s p o"` contains `needle` (already lower-cased), in
   * file order; stops once it has `limit` current and `limit` superseded ones (all a search
   * can use), so a query matching most triples stays cheap.
   */
  #substringMatches(needle: string, limit: number): number[] {
    const out: number[] = [];
    let current = 0;
    let ended = 0;
    if (needle.length === 0 || needle.includes('\u0000') || !this.#mayContain(needle)) return out;
    let from = 0;
    let doc = 0;
    for (;;) {
      const at = this.#joined.indexOf(needle, from);
      if (at < 0) break;
      while (this.#starts[doc + 1]! <= at) doc++;
      out.push(doc);
      if (this.#ended[doc] === 1) ended++;
      else current++;
      if (current >= limit && ended >= limit) break;
      // Continue after this document: one match per triple.
      from = this.#starts[doc + 1]!;
      doc++;
    }
    return out;
  }

  /**
   * BM25 scores of `query` for every triple (0 for no overlap), and the list of triples with a
   * positive score. The returned array is reused by the next call.
   */
  scores(query: string, options: { expand?: boolean } = {}): { scores: Float64Array; touched: number[] } {
    const scores = this.#scratch;
    scores.fill(0);
    const touched: number[] = [];
    const n = this.triples.length;
    const w = this.#analyzer.weights;
    const { own, groups, people } = expandQuery(this.#analyzer.vocabulary, w, query, {
      ...options,
      known: (tok) => this.#tokenIds.has(tok),
    });
    const k1 = this.#k1;
    const norm = this.#norm;
    const add = (d: number, s: number) => {
      if (scores[d] === 0) touched.push(d);
      scores[d]! += s;
    };
    const termScores = (tok: string, weight: number) => {
      if (ANSWER_TYPES.has(tok)) {
        // An answer type counts like a term occurring once in the object.
        const docs = this.#typedDocs(tok);
        const idf = Math.log(1 + (n - docs.length + 0.5) / (docs.length + 0.5));
        for (const d of docs) add(d, (weight * idf * (k1 + 1)) / (1 + norm[d]!));
        return;
      }
      const id = this.#tokenIds.get(tok);
      if (id === undefined) return;
      const from = this.#postingStart[id]!;
      const to = this.#postingStart[id + 1]!;
      const df = to - from;
      const scale = weight * Math.log(1 + (n - df + 0.5) / (df + 0.5)) * (k1 + 1);
      const docs = this.#postingDocs;
      const tfs = this.#postingTfs;
      // The hot loop of a query: one posting at a time, no call per posting.
      for (let j = from; j < to; j++) {
        const d = docs[j]!;
        const tf = tfs[j]!;
        const s = (scale * tf) / (tf + norm[d]!);
        if (scores[d] === 0) touched.push(d);
        scores[d]! += s;
      }
    };
    for (const [tok, weight] of own) termScores(tok, weight);
    // Summed, not capped per group: a triple matching several terms of a concept is more
    // likely about it (capping measured worse on the evaluation set).
    for (const group of groups) for (const [tok, weight] of group) termScores(tok, weight);
    this.#focusOnPeople(people, scores, touched);
    if (!asksAboutPast(query)) {
      const past = this.#pastPredicates();
      for (const d of touched) if (past[d] === 1) scores[d]! *= w.pastPredicate;
    }
    return { scores, touched };
  }

  /**
   * A question naming a relative the triples name too ("她女儿有什么健康问题", where
   * ["用户", "女儿", "王可欣"]) is about that person: triples holding none of the words for
   * them, directly or as an alias, and not naming them, count the `offFocus` weight as much, so
   * the mother's health does not outrank the daughter's.
   */
  #focusOnPeople(people: Set<string>, scores: Float64Array, touched: number[]): void {
    const about = new Set<number>();
    for (const tok of people) {
      const id = this.#tokenIds.get(tok);
      const holders = id === undefined ? undefined : this.#aliasOf.get(id);
      if (!holders) continue;
      for (let j = this.#postingStart[id!]!; j < this.#postingStart[id! + 1]!; j++) about.add(this.#postingDocs[j]!);
      // Every triple naming them is about them too ("lives with her mother, who watches Mateo").
      for (const name of holders) for (const d of this.#namers.get(name)!) about.add(d);
    }
    if (about.size === 0) return;
    for (const d of touched) if (!about.has(d)) scores[d]! *= this.#analyzer.weights.offFocus;
  }

  /**
   * One hop along the graph: when one of the best matches has an object naming another
   * subject (`["用户", "妻子", "林悦"]` → `["林悦", "职业", ...]`), that subject's triples get a
   * share of the match's score, so "what does his wife do" finds the wife's job; and the other
   * way, a best match about an entity lends a share to the triples naming it that the question
   * already matched.
   */
  #followEntities(scores: Float64Array, touched: number[]): void {
    if (this.#entities.size === 0 || touched.length === 0) return;
    const top = topByScore(scores, touched, this.#analyzer.weights.entityHopSeeds);
    const best = scores[top[0]!]!;
    const boosts = new Map<number, number>();
    const { entityHopShare: hopShare, sameSubjectShare, namerShare } = this.#analyzer.weights;
    const pass = (docs: number[], seed: number, share: number) => {
      for (const d of docs) {
        if (d === seed) continue;
        let boost = share * scores[seed]!;
        // What the entity's triples get from the triple naming it lifts them to its score at
        // most: they hold its relation as an alias already, and counting it twice put the
        // roastery's staff above "runs a coffee roastery" for "what does he do for a living".
        if (share === hopShare) boost = Math.min(boost, Math.max(0, scores[seed]! - scores[d]!));
        boosts.set(d, Math.max(boosts.get(d) ?? 0, boost));
      }
    };
    for (const seed of top) {
      if (scores[seed]! < best * 0.5) break;
      const triple = this.triples[seed]!;
      // Other facts about the same entity: ["王可欣", "过敏", ...] → ["王可欣", "有", "哮喘"].
      const subject = foldText(triple[0]);
      const sameSubject = this.#entities.get(subject);
      if (sameSubject) pass(sameSubject, seed, sameSubjectShare);
      // Who the entity is: ["王可欣", "年龄", "9 岁"] → ["用户", "女儿", "王可欣"].
      const namers = this.#namers.get(subject);
      if (namers)
        pass(
          namers.filter((d) => scores[d]! > 0),
          seed,
          namerShare,
        );
      for (const name of this.#linked.get(seed) ?? []) pass(this.#entities.get(name)!, seed, hopShare);
    }
    for (const [d, boost] of boosts) {
      if (scores[d] === 0) touched.push(d);
      scores[d]! += boost;
    }
  }

  /**
   * The `topK` triples most relevant to `query`, best first (see the class comment for the
   * order). An empty query returns the first `topK` triples in file order, current ones first,
   * as the original returned the first `top_k`.
   */
  search(query: string, topK = 5, options: { includeEnded?: boolean; expand?: boolean } = {}): ScoredTriple[] {
    const includeEnded = options.includeEnded ?? true;
    const n = this.triples.length;
    if (topK <= 0 || n === 0) return [];
    const result: ScoredTriple[] = [];
    const make = (i: number, score: number, exact: boolean): ScoredTriple => ({
      triple: this.triples[i]!,
      score,
      exact,
      ended: this.#ended[i] === 1,
      position: i,
    });
    if (query.length === 0) {
      for (const pass of includeEnded ? [0, 1] : [0]) {
        for (let i = 0; i < n && result.length < topK; i++) if (this.#ended[i] === pass) result.push(make(i, 0, false));
      }
      return result;
    }
    const { scores, touched } = this.scores(query, options);
    this.#followEntities(scores, touched);
    const exact = this.#substringMatches(query.toLowerCase(), topK);
    const isExact = new Set(exact);
    // A question about the past ranks superseded triples with the current ones, by score; any
    // other ranks all current triples first.
    const past = includeEnded && asksAboutPast(query);
    const inPass = (i: number, pass: number) => past || this.#ended[i] === pass;
    for (const pass of past ? [0] : includeEnded ? [0, 1] : [0]) {
      for (const i of exact) {
        if (result.length >= topK) return result;
        if (inPass(i, pass)) result.push(make(i, scores[i]!, true));
      }
      const need = topK - result.length;
      if (need <= 0) return result;
      const best = topByScore(scores, touched, need, (i) => inPass(i, pass) && !isExact.has(i));
      for (const i of best) result.push(make(i, scores[i]!, false));
    }
    return result;
  }
}
