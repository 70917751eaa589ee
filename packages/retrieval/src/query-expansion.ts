import { askedTypes } from './answer-types.js';
import { foldText } from './fold.js';
import {
  dataText,
  parseIdioms,
  parseNarrowerLines,
  parsePatterns,
  parseSynonyms,
  type RetrieverData,
} from './retriever-data.js';
import { isUnigram, type Tokenizer } from './tokenize.js';
import type { RetrieverWeights } from './weights.js';
import { derivedForms, typoNeighbours } from './word-variants.js';

/**
 * A bilingual dictionary retrieval looks a question's words up in, so a question reaches triples
 * written in the other language: `createRetriever({ bridge })`, such as `cedictBridge()` of the
 * optional `@memory/retrieval-cedict`. Asked only for the words of a question, never at load.
 */
export interface Bridge {
  /**
   * Words of the other language for `term`, or undefined. `term` is folded (NFKC, lower case):
   * a run of 2 to {@link Bridge.maxLength} Chinese characters found anywhere in the question,
   * or an English word (not a stop word) or two adjacent words of it, as written.
   */
  translate(term: string): readonly string[] | undefined;
  /** The longest Chinese term the dictionary holds, in characters. */
  readonly maxLength: number;
}

/** A query's weighted terms: its own, and one map per concept group it touched. */
export interface ExpandedQuery {
  /** The query's own tokens (CJK single characters at the `unigram` weight). */
  own: Map<string, number>;
  /**
   * Tokens of each concept group the query touched, not already among its own, at the
   * `concept` weight; then those of the synonym lines and categories it touched.
   */
  groups: Map<string, number>[];
  /**
   * Words, in every language of the lexicon, for the people the query names ("daughter" →
   * daughter, 女儿, 闺女): what a question about a relative is about.
   */
  people: Set<string>;
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
  /** Its tokens; of a Chinese/Japanese term, computed when first needed. */
  tokens?: string[];
  /** Written in Chinese/Japanese: mentioned by occurring in the query (see {@link mentionedGroups}). */
  cjk: boolean;
  /** Two or more characters long. */
  long: boolean;
  /**
   * An English phrase holding stop words ("used to", "head of"): mentioned only where it
   * occurs as written, since its other words alone ("use") mean something else.
   */
  phrase?: boolean;
}

interface Group {
  /** The terms a query mentions the group by. */
  terms: Term[];
  /** The terms it brings, when not its own (a one-way synonym rule `a => b`). */
  to?: Term[];
  /** Every token of its terms, computed when first needed. */
  tokens?: string[];
}

/** A term the query can mention, and the group (by index into `Lexicon.all`) it stands for. */
interface Mention {
  term: Term;
  group: number;
}

/**
 * The vocabulary of a retriever, built from its {@link RetrieverData} with its tokenizer: what
 * {@link expandQuery} looks a question up in.
 */
export interface Vocabulary {
  tokenizer: Tokenizer;
  /** The concept groups, the synonym lines (people first), then the kinds of software and each tool. */
  all: Group[];
  /** How many of `all` are concept groups. */
  concepts: number;
  /** The entries (by index into `all`) naming people. */
  people: Set<number>;
  questions: Group[];
  questionPatterns: RegExp[];
  narrower: Group[];
  narrowerPatterns: RegExp[];
  idioms: RegExp | undefined;
  /** English terms by their first token. */
  byToken: Map<string, Mention[]>;
  /** Chinese/Japanese terms by their first UTF-16 unit. */
  byChar: Map<string, Mention[]>;
  /** Categories by the synonym lines (by index into `all`) holding their word. */
  categories: Map<number, Group[]>;
  /** Every English token of the lexicon: words it knows, for spelling variants. */
  known: Set<string>;
  /** The bilingual dictionary questions are also looked up in, if any. */
  bridge?: Bridge;
  /** Related words (nearest neighbours in a word-vector space) questions are also looked up in, if any. */
  related?: Bridge;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

function toTerm(tokenize: Tokenizer['tokenize'], word: string, keepStopwords = false): Term | undefined {
  const cjk = CJK.test(word);
  const term: Term = { text: foldText(word), cjk, long: [...word].length > 1 };
  // English terms are tokenized now (cheap: no segmenter), Chinese ones when first mentioned.
  if (!cjk) {
    term.tokens = tokenize(word, { keepStopwords });
    if (term.tokens.length === 0) return undefined;
    if (!keepStopwords && term.tokens.length < tokenize(word, { keepStopwords: true }).length) term.phrase = true;
  }
  return term;
}

function termTokens(vocab: Vocabulary, term: Term): string[] {
  return (term.tokens ??= vocab.tokenizer.tokenize(term.text));
}

function groupTokens(vocab: Vocabulary, group: Group): string[] {
  return (group.tokens ??= [...new Set((group.to ?? group.terms).flatMap((t) => termTokens(vocab, t)))]);
}

/**
 * Builds a vocabulary from data texts (see {@link RetrieverData}): parses every resource and
 * indexes its terms by first token (English) or first character (Chinese/Japanese).
 *
 * @throws {InvalidInputError} when a data text does not follow its format.
 */
export function buildVocabulary(
  data: RetrieverData,
  tokenizer: Tokenizer,
  bridge?: Bridge,
  related?: Bridge,
): Vocabulary {
  const tokenize = tokenizer.tokenize.bind(tokenizer);
  const term = (word: string, keep = false) => toTerm(tokenize, word, keep);
  const toGroup = (words: readonly string[], keep = false): Group => ({
    terms: words.map((w) => term(w, keep)).filter((t) => t !== undefined),
  });
  const ruleGroup = (rule: { from: string[]; to: string[] }): Group => {
    const group = toGroup(rule.from);
    if (rule.to !== rule.from) group.to = toGroup(rule.to).terms;
    return group;
  };
  const conceptRules = parseSynonyms(dataText(data.concepts));
  const peopleRules = parseSynonyms(dataText(data.people));
  const entryRules = [...peopleRules, ...parseSynonyms(dataText(data.synonyms))];
  const all = [...conceptRules, ...entryRules].map(ruleGroup);
  const concepts = conceptRules.length;
  const people = new Set<number>();
  for (let i = 0; i < peopleRules.length; i++) people.add(concepts + i);
  // Kinds of software: the kind's words bring its tools, a tool brings its kind's words.
  const lexiconEnd = all.length;
  const allTools: Term[] = [];
  const allToolsWords: string[] = [];
  const toolLinks: [number, Group][] = [];
  for (const [kind, tools] of parseNarrowerLines(dataText(data.tools), 'tool kind')) {
    if (tools.length === 1 && tools[0] === '*') {
      allToolsWords.push(...kind);
      continue;
    }
    const kindGroup = toGroup(kind);
    const toolGroup = toGroup(tools);
    allTools.push(...toolGroup.terms);
    all.push(kindGroup);
    toolLinks.push([all.length - 1, toolGroup]);
    for (const t of toolGroup.terms) {
      all.push({ terms: [t] });
      toolLinks.push([all.length - 1, kindGroup]);
    }
  }
  // Kept whole: "from" is what a "where … from" question wants in a predicate.
  const questionRules = parsePatterns(dataText(data.questions), 'question pattern');
  const narrowerRules = parsePatterns(dataText(data.narrower), 'narrower concept');
  const questions = questionRules.map(([, words]) => toGroup(words, true));
  const narrower = narrowerRules.map(([, words]) => toGroup(words));
  const byToken = new Map<string, Mention[]>();
  const byChar = new Map<string, Mention[]>();
  const known = new Set<string>();
  const entriesOf = new Map<string, number[]>();
  all.forEach((group, i) => {
    for (const t of [...group.terms, ...(group.to ?? [])]) {
      if (!t.cjk) for (const tok of t.tokens!) known.add(tok);
    }
    for (const t of group.terms) {
      const key = t.cjk ? t.text[0]! : t.tokens![0]!;
      const index = t.cjk ? byChar : byToken;
      let list = index.get(key);
      if (!list) index.set(key, (list = []));
      list.push({ term: t, group: i });
    }
    if (i >= concepts && i < lexiconEnd) {
      for (const word of entryRules[i - concepts]!.from) {
        const text = foldText(word);
        let list = entriesOf.get(text);
        if (!list) entriesOf.set(text, (list = []));
        list.push(i);
      }
    }
  });
  for (const group of [...questions, ...narrower])
    for (const t of group.terms) for (const tok of t.tokens ?? []) known.add(tok);
  const categories = new Map<number, Group[]>();
  const addCategory = (i: number, group: Group) => {
    let list = categories.get(i);
    if (!list) categories.set(i, (list = []));
    list.push(group);
  };
  for (const [i, group] of toolLinks) addCategory(i, group);
  for (const word of allToolsWords)
    for (const i of entriesOf.get(foldText(word)) ?? []) addCategory(i, { terms: allTools });
  for (const [heads, words] of parseNarrowerLines(dataText(data.categories))) {
    // A narrower word brings its synonym lines along: "coffee" is also "咖啡".
    const terms = words.flatMap(
      (w) =>
        entriesOf.get(foldText(w))?.flatMap((i) => all[i]!.to ?? all[i]!.terms) ??
        [term(w)].filter((t) => t !== undefined),
    );
    const group: Group = { terms };
    for (const head of heads) for (const i of entriesOf.get(foldText(head)) ?? []) addCategory(i, group);
  }
  return {
    tokenizer,
    all,
    concepts,
    people,
    questions,
    questionPatterns: questionRules.map(([re]) => re),
    narrower,
    narrowerPatterns: narrowerRules.map(([re]) => re),
    idioms: parseIdioms(dataText(data.idioms)),
    byToken,
    byChar,
    categories,
    known,
    bridge,
    related,
  };
}

const HAN_RUN = /\p{Script=Han}{2,}/gu;
const EN_WORD = /[a-z][a-z'-]*/g;

/**
 * The translations a bridge gives for a question's terms (see {@link Bridge.translate}), as
 * tokens: every Chinese substring of 2 to `maxLength` characters, every English content word
 * and every pair of adjacent English words.
 */
function bridgeTokens(
  lex: Vocabulary,
  bridge: Bridge,
  folded: string,
  keep?: (tok: string) => boolean,
  perTerm = Infinity,
): string[] {
  const out: string[] = [];
  const add = (term: string) => {
    let taken = 0;
    for (const t of bridge.translate(term) ?? []) {
      if (taken >= perTerm) break;
      const toks = lex.tokenizer.tokenize(t);
      if (keep && !toks.some(keep)) continue;
      taken++;
      for (const tok of toks) out.push(tok);
    }
  };
  for (const run of folded.match(HAN_RUN) ?? []) {
    const chars = [...run];
    for (let i = 0; i < chars.length; i++)
      for (let len = 2; len <= bridge.maxLength && i + len <= chars.length; len++)
        add(chars.slice(i, i + len).join(''));
  }
  const words = folded.match(EN_WORD) ?? [];
  for (let i = 0; i < words.length; i++) {
    if (lex.tokenizer.tokenize(words[i]!).length > 0) add(words[i]!);
    if (i + 1 < words.length) add(`${words[i]} ${words[i + 1]}`);
  }
  return out;
}

/**
 * The groups (by index into `lex.all`) whose terms a query mentions. An English term: all
 * its tokens are among the query's. A Chinese term: it occurs in the query; one character
 * long, it must occur outside every longer term of the lexicon, so "学" stands for studying
 * in "在学什么" but not inside "学校", which is a term of its own, while "病" in "职业病" and
 * "狗" in "狗叫什么" still count.
 */
function mentionedGroups(lex: Vocabulary, folded: string, own: Map<string, number>): Set<number> {
  const hit = new Set<number>();
  let covered: Uint8Array | undefined;
  const singles: Mention[] = [];
  const singleAt: number[] = [];
  for (let at = 0; at < folded.length; at++) {
    const candidates = lex.byChar.get(folded[at]!);
    if (!candidates) continue;
    for (const m of candidates) {
      // A term made of stop words only ("想") is no mention.
      if (!folded.startsWith(m.term.text, at) || termTokens(lex, m.term).length === 0) continue;
      if (m.term.long) {
        hit.add(m.group);
        (covered ??= new Uint8Array(folded.length)).fill(1, at, at + m.term.text.length);
      } else {
        singles.push(m);
        singleAt.push(at);
      }
    }
  }
  singles.forEach((m, k) => {
    if (!covered?.[singleAt[k]!]) hit.add(m.group);
  });
  for (const tok of own.keys()) {
    for (const m of lex.byToken.get(tok) ?? []) {
      if (m.term.tokens!.every((t) => own.has(t)) && (!m.term.phrase || folded.includes(m.term.text))) hit.add(m.group);
    }
  }
  return hit;
}

/** Adds a group's tokens that are not the query's own to `into`, keeping the larger weight. */
function addTokens(
  into: Map<string, number>,
  tokens: readonly string[],
  weight: number,
  own: Map<string, number>,
  unigram: number,
): void {
  for (const tok of tokens) {
    if (own.has(tok)) continue;
    const w = weight * (isUnigram(tok) ? unigram : 1);
    if (w > (into.get(tok) ?? 0)) into.set(tok, w);
  }
}

/**
 * The weighted terms of a query: its own tokens, plus the terms of every concept group and
 * lexicon entry it mentions a term of (see {@link mentionedGroups}), of the categories those
 * entries name, and of the kind of answer its question word asks for ("where" → places).
 */
export function expandQuery(
  lex: Vocabulary,
  w: RetrieverWeights,
  query: string,
  options: ExpandOptions = {},
): ExpandedQuery {
  const tokenize = (text: string) => lex.tokenizer.tokenize(text);
  const ownTokens = tokenize(options.expand === false || !lex.idioms ? query : query.replace(lex.idioms, ' '));
  const U = w.unigram;
  const own = new Map<string, number>();
  for (const tok of ownTokens) if (!own.has(tok)) own.set(tok, isUnigram(tok) ? U : 1);
  const out: ExpandedQuery = { own, groups: [], people: new Set() };
  if (options.expand === false) return out;
  // A word neither the triples nor the lexicon know is likely misspelt or in another form:
  // its known variants join the query's own terms, so they also reach their concepts.
  const known = options.known;
  const has = (tok: string) => lex.known.has(tok) || (known !== undefined && known(tok));
  const variant = (tok: string, weight: number) => {
    if (!own.has(tok)) own.set(tok, weight);
  };
  for (const [tok, weight] of [...own]) for (const form of derivedForms(tok, has)) variant(form, weight * w.derived);
  for (const word of foldText(query).match(/[a-z]+/g) ?? [])
    for (const tok of typoNeighbours(word, has)) variant(tok, w.typo);
  const folded = foldText(query);
  const touched: Group[] = [];
  const translations = new Map<string, number>();
  const covered = new Map<string, number>();
  for (const i of [...mentionedGroups(lex, folded, own)].sort((a, b) => a - b)) {
    if (i < lex.concepts) {
      touched.push(lex.all[i]!);
      continue;
    }
    if (lex.people.has(i)) for (const tok of groupTokens(lex, lex.all[i]!)) if (!isUnigram(tok)) out.people.add(tok);
    // An entry of the lexicon is one word in two languages: its terms count once, at the
    // larger weight, however many entries the query touched.
    addTokens(translations, groupTokens(lex, lex.all[i]!), w.synonym, own, U);
    for (const category of lex.categories.get(i) ?? [])
      addTokens(covered, groupTokens(lex, category), w.category, own, U);
  }
  // A bilingual dictionary adds what the lexicon lacks, at its own weight.
  if (lex.bridge) addTokens(translations, bridgeTokens(lex, lex.bridge, folded), w.bridge, own, U);
  const related = new Map<string, number>();
  if (lex.related)
    addTokens(related, bridgeTokens(lex, lex.related, folded, known, w.relatedPerTerm), w.related, own, U);
  lex.questionPatterns.forEach((pattern, i) => {
    if (pattern.test(folded)) touched.push(lex.questions[i]!);
  });
  lex.narrowerPatterns.forEach((pattern, i) => {
    if (pattern.test(folded)) touched.push(lex.narrower[i]!);
  });
  const types = askedTypes(folded);
  if (types.length > 0) touched.push({ terms: [], tokens: types });
  const fromGroups = new Set<string>();
  for (const g of touched) {
    const weights = new Map<string, number>();
    addTokens(weights, groupTokens(lex, g), w.concept, own, U);
    for (const tok of weights.keys()) fromGroups.add(tok);
    if (weights.size > 0) out.groups.push(weights);
  }
  // The lexicon adds what the concept groups lack; a word both hold counts as the groups say
  // (adding it twice over-weighted it: "subject" found every triple about school subjects).
  for (const tok of [...translations.keys(), ...covered.keys()]) related.delete(tok);
  for (const weights of [translations, covered, related]) {
    for (const tok of fromGroups) weights.delete(tok);
    if (weights.size > 0) out.groups.push(weights);
  }
  return out;
}
