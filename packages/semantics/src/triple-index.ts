import { foldText } from './fold.js';
import { expandQuery } from './query-expansion.js';
import { tokenize } from './tokenize.js';
import type { Triple } from './triple.js';

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

/** BM25 parameters; the defaults suit short documents like triples. */
export interface Bm25Params {
  k1?: number;
  b?: number;
}

/** How many of the best matches may pass score on to the triples of the entity they name. */
const ENTITY_HOP_SEEDS = 5;
/** The share of the match's score they pass on. */
const ENTITY_HOP_SHARE = 0.6;
/** The share a match passes on to other triples about the same (non-dominant) subject. */
const SAME_SUBJECT_SHARE = 0.4;
/** Bounds the hop's cost on lists with very many distinct subjects. */
const MAX_ENTITY_CHECKS = 20_000;

interface Posting {
  docs: number[];
  tfs: number[];
}

/**
 * An in-memory search index over one user's triples: BM25 over {@link tokenize} tokens of
 * `"subject predicate object"`, plus the original's substring rule. Built once per stored
 * version (see `KnowledgeIndexCache`) and queried many times.
 *
 * Ranking, best first:
 * 1. current triples before superseded ones (those with an `endTime`), so history never
 *    outranks the present;
 * 2. within each, triples matching the original rule (the whole query as a case-insensitive
 *    substring of `"s p o"`) first, in file order, so every query the original answered
 *    returns the same triples first;
 * 3. then by BM25 score, ties in file order.
 */
export class TripleIndex {
  /** The triples, in file order. */
  readonly triples: readonly Triple[];
  readonly #postings = new Map<string, Posting>();
  readonly #docLength: Float64Array;
  readonly #avgLength: number;
  readonly #ended: Uint8Array;
  // All "s p o" texts lower-cased and joined by NUL, with each one's start offset, so the
  // substring rule is one indexOf scan instead of one `includes` per triple.
  readonly #joined: string;
  readonly #starts: Int32Array;
  readonly #k1: number;
  readonly #b: number;
  #scratch: Float64Array;
  // Subjects other than the dominant one ("用户", "user"), folded, with their triples: a
  // triple whose object names such a subject links to that subject's triples.
  readonly #entities = new Map<string, number[]>();

  constructor(triples: readonly Triple[], params: Bm25Params = {}) {
    this.triples = triples;
    this.#k1 = params.k1 ?? 1.2;
    this.#b = params.b ?? 0.75;
    const n = triples.length;
    this.#docLength = new Float64Array(n);
    this.#ended = new Uint8Array(n);
    this.#starts = new Int32Array(n + 1);
    this.#scratch = new Float64Array(n);
    const texts: string[] = new Array<string>(n);
    let offset = 0;
    let total = 0;
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const t = triples[i]!;
      const text = `${t[0]} ${t[1]} ${t[2]}`;
      const lower = text.toLowerCase();
      texts[i] = lower;
      this.#starts[i] = offset;
      offset += lower.length + 1;
      if (typeof t[3]?.endTime === 'string') this.#ended[i] = 1;
      counts.clear();
      let len = 0;
      for (const field of [t[0], t[1], t[2]]) {
        for (const tok of tokenize(field)) {
          counts.set(tok, (counts.get(tok) ?? 0) + 1);
          len++;
        }
      }
      this.#docLength[i] = len;
      total += len;
      for (const [tok, tf] of counts) {
        let p = this.#postings.get(tok);
        if (!p) this.#postings.set(tok, (p = { docs: [], tfs: [] }));
        p.docs.push(i);
        p.tfs.push(tf);
      }
    }
    this.#starts[n] = offset;
    const bySubject = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const s = foldText(triples[i]![0]);
      if (s.length < 2) continue;
      const list = bySubject.get(s);
      if (list) list.push(i);
      else bySubject.set(s, [i]);
    }
    for (const [s, list] of bySubject) if (list.length <= Math.max(3, n * 0.2)) this.#entities.set(s, list);
    this.#joined = texts.join('\u0000');
    this.#avgLength = n > 0 ? total / n || 1 : 1;
  }

  /** Number of triples indexed. */
  get size(): number {
    return this.triples.length;
  }

  /** Indices of triples whose lower-cased `"s p o"` contains `needle` (already lower-cased), in file order. */
  #substringMatches(needle: string): number[] {
    const out: number[] = [];
    if (needle.length === 0 || needle.includes('\u0000')) return out;
    let from = 0;
    let doc = 0;
    for (;;) {
      const at = this.#joined.indexOf(needle, from);
      if (at < 0) break;
      while (this.#starts[doc + 1]! <= at) doc++;
      out.push(doc);
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
    const { own, groups } = expandQuery(query, options);
    const k1 = this.#k1;
    const b = this.#b;
    const termScores = (tok: string, weight: number, add: (doc: number, score: number) => void) => {
      const p = this.#postings.get(tok);
      if (!p) return;
      const df = p.docs.length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (let j = 0; j < df; j++) {
        const d = p.docs[j]!;
        const tf = p.tfs[j]!;
        add(d, (weight * idf * (tf * (k1 + 1))) / (tf + k1 * (1 - b + (b * this.#docLength[d]!) / this.#avgLength)));
      }
    };
    const addToScores = (d: number, s: number) => {
      if (scores[d] === 0) touched.push(d);
      scores[d]! += s;
    };
    for (const [tok, weight] of own) termScores(tok, weight, addToScores);
    // Summed, not capped per group: a triple matching several terms of a concept is more
    // likely about it (capping measured worse on the evaluation set).
    for (const group of groups) for (const [tok, weight] of group) termScores(tok, weight, addToScores);
    return { scores, touched };
  }

  /**
   * One hop along the graph: when one of the best matches has an object naming another
   * subject (`["用户", "妻子", "林悦"]` → `["林悦", "职业", ...]`), that subject's triples get a
   * share of the match's score, so "what does his wife do" finds the wife's job.
   */
  #followEntities(scores: Float64Array, touched: number[]): void {
    if (this.#entities.size === 0 || touched.length === 0) return;
    const top = [...touched].sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, ENTITY_HOP_SEEDS);
    const best = scores[top[0]!]!;
    const boosts = new Map<number, number>();
    let checked = 0;
    const pass = (docs: number[], seed: number, share: number) => {
      for (const d of docs) if (d !== seed) boosts.set(d, Math.max(boosts.get(d) ?? 0, share * scores[seed]!));
    };
    for (const seed of top) {
      if (scores[seed]! < best * 0.5) break;
      const triple = this.triples[seed]!;
      // Other facts about the same entity: ["王可欣", "过敏", ...] → ["王可欣", "有", "哮喘"].
      const sameSubject = this.#entities.get(foldText(triple[0]));
      if (sameSubject) pass(sameSubject, seed, SAME_SUBJECT_SHARE);
      const object = foldText(triple[2]);
      for (const [subject, docs] of this.#entities) {
        if (++checked > MAX_ENTITY_CHECKS) break;
        if (object.includes(subject)) pass(docs, seed, ENTITY_HOP_SHARE);
      }
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
    const exact = this.#substringMatches(query.toLowerCase());
    const isExact = new Set(exact);
    for (const pass of includeEnded ? [0, 1] : [0]) {
      for (const i of exact) {
        if (result.length >= topK) return result;
        if (this.#ended[i] === pass) result.push(make(i, scores[i]!, true));
      }
      const need = topK - result.length;
      if (need <= 0) return result;
      // Partial selection: keep the best `need` in a small sorted array.
      const best: number[] = [];
      const better = (i: number, j: number) => scores[i]! > scores[j]! || (scores[i] === scores[j] && i < j);
      for (const i of touched) {
        if (this.#ended[i] !== pass || isExact.has(i)) continue;
        if (best.length === need && !better(i, best[need - 1]!)) continue;
        let at = best.length;
        while (at > 0 && better(i, best[at - 1]!)) at--;
        best.splice(at, 0, i);
        if (best.length > need) best.pop();
      }
      for (const i of best) result.push(make(i, scores[i]!, false));
    }
    return result;
  }
}
