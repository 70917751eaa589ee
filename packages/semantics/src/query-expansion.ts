import { askedTypes } from './answer-types.js';
import { foldText } from './fold.js';
import { CONCEPT_GROUPS, NARROWER_CONCEPTS, QUESTION_CONCEPTS } from './thesaurus.js';
import { isUnigram, tokenize, UNIGRAM_WEIGHT } from './tokenize.js';
import { DERIVED_WEIGHT, derivedForms, TYPO_WEIGHT, typoNeighbours } from './word-variants.js';

/** How much a term brought in by a concept group counts, relative to the query's own terms. */
export const EXPANSION_WEIGHT = 0.5;

/** A query's weighted terms: its own, and one map per concept group it touched. */
export interface ExpandedQuery {
  /** The query's own tokens (CJK single characters at {@link UNIGRAM_WEIGHT}). */
  own: Map<string, number>;
  /**
   * Tokens of each concept group the query touched, not already among its own, at
   * {@link EXPANSION_WEIGHT}.
   */
  groups: Map<string, number>[];
}

/** Options of {@link expandQuery}. */
export interface ExpandOptions {
  /** `false`: the query's own tokens only, no concepts and no variants. */
  expand?: boolean;
  /**
   * Whether the searched triples hold a token: a query word that neither they nor the lexicon
   * know is looked up in its derived forms and one-edit neighbours ({@link derivedForms},
   * {@link typoNeighbours}).
   */
  known?: (token: string) => boolean;
}

interface Term {
  /** The term folded, for the substring test of Chinese/Japanese terms. */
  text: string;
  tokens: string[];
  /** Written in Chinese/Japanese: mentioned by occurring in the query (see {@link mentions}). */
  cjk: boolean;
}

interface Group {
  terms: Term[];
  tokens: string[];
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

let groups: Group[] | undefined;
let questionGroups: Group[] | undefined;
let narrowerGroups: Group[] | undefined;
// Every Chinese/Japanese term of two or more characters, of any group: the lexicon a query is
// matched against, longest match first.
let longTerms: string[] | undefined;
// Every token of every group: words the lexicon knows, for spelling variants.
let lexicon: Set<string> | undefined;

function toGroup(words: readonly string[], keepStopwords = false): Group {
  const terms = words
    .map((w) => ({ text: foldText(w), tokens: tokenize(w, { keepStopwords }), cjk: CJK.test(w) }))
    .filter((t) => t.tokens.length > 0);
  return { terms, tokens: [...new Set(terms.flatMap((t) => t.tokens))] };
}

function build(): void {
  groups = CONCEPT_GROUPS.map((words) => toGroup(words));
  // Kept whole: "from" is what a "where … from" question wants in a predicate.
  questionGroups = QUESTION_CONCEPTS.map(([, words]) => toGroup(words, true));
  narrowerGroups = NARROWER_CONCEPTS.map(([, words]) => toGroup(words));
  lexicon = new Set([...groups, ...questionGroups, ...narrowerGroups].flatMap((g) => g.tokens));
  longTerms = [...new Set(groups.flatMap((g) => g.terms.filter((t) => t.cjk && [...t.text].length > 1).map((t) => t.text)))];
}

/**
 * The characters of a folded query that a Chinese/Japanese term of two or more characters
 * covers (by UTF-16 offset).
 */
function coveredByLongTerms(folded: string): Uint8Array {
  const covered = new Uint8Array(folded.length);
  for (const term of longTerms!) {
    for (let at = folded.indexOf(term); at >= 0; at = folded.indexOf(term, at + 1)) covered.fill(1, at, at + term.length);
  }
  return covered;
}

/**
 * Whether a query mentions a term. An English term: all its tokens are among the query's. A
 * Chinese term: it occurs in the query; one character long, it must occur outside every
 * longer term of the lexicon, so "学" stands for studying in "在学什么" but not inside "学校",
 * which is a term of its own, while "病" in "职业病" and "狗" in "狗叫什么" still count.
 */
function mentions(term: Term, folded: string, own: Map<string, number>, covered: () => Uint8Array): boolean {
  if (!term.cjk) return term.tokens.every((t) => own.has(t));
  if (term.text.length > 1 && [...term.text].length > 1) return folded.includes(term.text);
  for (let at = folded.indexOf(term.text); at >= 0; at = folded.indexOf(term.text, at + 1)) if (!covered()[at]) return true;
  return false;
}

/**
 * The weighted terms of a query: its own tokens, plus the terms of every concept group it
 * mentions a term of (see {@link mentions}) and of the kind of answer its question word asks
 * for ("where" → places).
 */
export function expandQuery(query: string, options: ExpandOptions = {}): ExpandedQuery {
  const ownTokens = tokenize(query);
  const own = new Map<string, number>();
  for (const tok of ownTokens) if (!own.has(tok)) own.set(tok, isUnigram(tok) ? UNIGRAM_WEIGHT : 1);
  const out: ExpandedQuery = { own, groups: [] };
  if (options.expand === false) return out;
  if (!groups) build();
  // A word neither the triples nor the lexicon know is likely misspelt or in another form:
  // its known variants join the query's own terms, so they also reach their concepts.
  const known = options.known;
  const has = (tok: string) => lexicon!.has(tok) || (known !== undefined && known(tok));
  const variant = (tok: string, weight: number) => {
    if (!own.has(tok)) own.set(tok, weight);
  };
  for (const [tok, weight] of [...own]) for (const form of derivedForms(tok, has)) variant(form, weight * DERIVED_WEIGHT);
  for (const word of foldText(query).match(/[a-z]+/g) ?? []) for (const tok of typoNeighbours(word, has)) variant(tok, TYPO_WEIGHT);
  const folded = foldText(query);
  let cover: Uint8Array | undefined;
  const covered = () => (cover ??= coveredByLongTerms(folded));
  const touched = groups!.filter((g) => g.terms.some((term) => mentions(term, folded, own, covered)));
  QUESTION_CONCEPTS.forEach(([pattern], i) => {
    if (pattern.test(folded)) touched.push(questionGroups![i]!);
  });
  NARROWER_CONCEPTS.forEach(([pattern], i) => {
    if (pattern.test(folded)) touched.push(narrowerGroups![i]!);
  });
  const types = askedTypes(folded);
  if (types.length > 0) touched.push({ terms: [], tokens: types });
  for (const g of touched) {
    const weights = new Map<string, number>();
    for (const tok of g.tokens) {
      if (own.has(tok)) continue;
      weights.set(tok, EXPANSION_WEIGHT * (isUnigram(tok) ? UNIGRAM_WEIGHT : 1));
    }
    if (weights.size > 0) out.groups.push(weights);
  }
  return out;
}
