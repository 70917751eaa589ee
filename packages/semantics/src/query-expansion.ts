import { askedTypes } from './answer-types.js';
import { foldText } from './fold.js';
import { CONCEPT_GROUPS, NARROWER_CONCEPTS, QUESTION_CONCEPTS } from './thesaurus.js';
import { isUnigram, tokenize, UNIGRAM_WEIGHT } from './tokenize.js';

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

interface Group {
  terms: string[][];
  tokens: string[];
}

let groups: Group[] | undefined;
let questionGroups: Group[] | undefined;
let narrowerGroups: Group[] | undefined;
let byToken: Map<string, number[]> | undefined;

function toGroup(words: readonly string[], keepStopwords = false): Group {
  const terms = words.map((t) => tokenize(t, { keepStopwords })).filter((t) => t.length > 0);
  return { terms, tokens: [...new Set(terms.flat())] };
}

function build(): void {
  groups = CONCEPT_GROUPS.map((words) => toGroup(words));
  // Kept whole: "from" is what a "where … from" question wants in a predicate.
  questionGroups = QUESTION_CONCEPTS.map(([, words]) => toGroup(words, true));
  narrowerGroups = NARROWER_CONCEPTS.map(([, words]) => toGroup(words));
  byToken = new Map();
  groups.forEach((g, i) => {
    for (const term of g.terms) {
      const list = byToken!.get(term[0]!) ?? [];
      if (!list.includes(i)) list.push(i);
      byToken!.set(term[0]!, list);
    }
  });
}

/**
 * The weighted terms of a query: its own tokens, plus the terms of every concept group one of
 * its terms belongs to (a group is touched when all tokens of one of its terms are in the
 * query) and of the kind of answer its question word asks for ("where" → places).
 */
export function expandQuery(query: string, options: { expand?: boolean } = {}): ExpandedQuery {
  const ownTokens = tokenize(query);
  const own = new Map<string, number>();
  for (const tok of ownTokens) if (!own.has(tok)) own.set(tok, isUnigram(tok) ? UNIGRAM_WEIGHT : 1);
  const out: ExpandedQuery = { own, groups: [] };
  if (options.expand === false) return out;
  if (!groups) build();
  const touched: Group[] = [];
  const seen = new Set<number>();
  for (const tok of own.keys()) {
    for (const gi of byToken!.get(tok) ?? []) {
      if (seen.has(gi)) continue;
      if (groups![gi]!.terms.some((term) => term[0] === tok && term.every((t) => own.has(t)))) {
        seen.add(gi);
        touched.push(groups![gi]!);
      }
    }
  }
  const folded = foldText(query);
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
