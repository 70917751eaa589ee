import { readFileSync } from 'node:fs';
import { InvalidInputError } from '@memory/errors';

/**
 * The vocabulary a retriever expands questions with, as text in the formats of the shipped
 * files under `data/` (each file documents its format in its header). Every field holds one
 * text or several (concatenated, in order), so a deployment can replace a resource or extend
 * the shipped one: `{ synonyms: [defaults.synonyms, mine] }`.
 */
export interface RetrieverData {
  /**
   * The bilingual lexicon (`data/synonyms/lexicon.txt`): the same word in other words and
   * languages, in the Solr/Elasticsearch synonym format (`a, b, c` and `a, b => c`).
   */
  synonyms: string | readonly string[];
  /**
   * Synonym lines naming people (`data/synonyms/people.txt`, same format): a question naming
   * one focuses on the triples about that person.
   */
  people: string | readonly string[];
  /** Related terms, broader than synonyms (`data/synonyms/concepts.txt`, same format). */
  concepts: string | readonly string[];
  /** One-way categories, `word > narrower, narrower` (`data/categories.txt`). */
  categories: string | readonly string[];
  /** Kinds of software and their tools, `kind, kind > tool, tool` (`data/tools.txt`). */
  tools: string | readonly string[];
  /** Question words and what they ask for, `/regex/flags => terms` (`data/questions.txt`). */
  questions: string | readonly string[];
  /** Broad concepts and what they cover, `/regex/flags => terms` (`data/narrower.txt`). */
  narrower: string | readonly string[];
  /** Phrases removed from the question's own terms, `/regex/flags` a line (`data/idioms.txt`). */
  idioms: string | readonly string[];
}

const FILES: Record<keyof RetrieverData, string> = {
  synonyms: 'synonyms/lexicon.txt',
  people: 'synonyms/people.txt',
  concepts: 'synonyms/concepts.txt',
  categories: 'categories.txt',
  tools: 'tools.txt',
  questions: 'questions.txt',
  narrower: 'narrower.txt',
  idioms: 'idioms.txt',
};

/**
 * The shipped vocabulary, read from the package's `data/` folder (about 100 KB of text). Read
 * each time it is called: a retriever keeps what it built from it, nothing else does.
 *
 * @example
 * ```ts
 * const defaults = defaultRetrieverData();
 * const retriever = createRetriever({ synonyms: [defaults.synonyms, 'sourdough, 酸面包, levain'] });
 * ```
 */
export function defaultRetrieverData(): { [K in keyof RetrieverData]: string } {
  const out = {} as { [K in keyof RetrieverData]: string };
  for (const [field, file] of Object.entries(FILES) as [keyof RetrieverData, string][]) {
    out[field] = readFileSync(new URL(`../data/${file}`, import.meta.url), 'utf8');
  }
  return out;
}

/** The text of a data field, its parts joined by newlines. */
export function dataText(value: string | readonly string[]): string {
  return typeof value === 'string' ? value : value.join('\n');
}

/** One line of a synonym file: equivalent terms, or a one-way mapping. */
export interface SynonymRule {
  /** The terms a question mentions. */
  from: string[];
  /** The terms those bring: the same as `from` for an equivalence line (`a, b, c`). */
  to: string[];
  /** The `#` comment heading the section the line is in ('' before the first). */
  section: string;
}

/** Lines of a data file with their 1-based numbers, skipping blank lines and `#` comments. */
function* contentLines(text: string): Generator<[string, number, string]> {
  let section = '';
  let n = 0;
  for (const raw of text.split('\n')) {
    n++;
    const line = raw.trim();
    if (line.startsWith('#')) {
      // A comment after a blank line (or first) names the section that follows.
      section = line.slice(1).trim();
      continue;
    }
    if (line.length > 0) yield [line, n, section];
  }
}

/** Terms of a comma-separated list: trimmed, `\,` and `\\` unescaped, empty ones dropped. */
function terms(list: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (c === '\\' && i + 1 < list.length) cur += list[++i];
    else if (c === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out.map((t) => t.replace(/\s+/g, ' ')).filter((t) => t.length > 0);
}

function invalid(what: string, n: number, line: string, expected: string): InvalidInputError {
  return new InvalidInputError(
    `[memory/retrieval] ${what} line ${n} is not valid: ${JSON.stringify(line.slice(0, 80))}; expected ${expected}`,
  );
}

/**
 * Parses the Solr/Elasticsearch synonym format: `a, b, c` (equivalent terms) and `a, b => c, d`
 * (one way: `a` or `b` brings `c` and `d`). `#` starts a comment line; `\,` is a literal comma.
 * Multi-word terms are written with spaces (`lower back`).
 *
 * @throws {InvalidInputError} on a line with an empty side of `=>`.
 * @example
 * ```ts
 * parseSynonyms('sleep, asleep, 睡觉\nfav => favorite');
 * // [{ from: ['sleep', 'asleep', '睡觉'], to: [...same], section: '' }, { from: ['fav'], to: ['favorite'], section: '' }]
 * ```
 */
export function parseSynonyms(text: string): SynonymRule[] {
  const out: SynonymRule[] = [];
  for (const [line, n, section] of contentLines(text)) {
    const arrow = line.indexOf('=>');
    if (arrow < 0) {
      const words = terms(line);
      out.push({ from: words, to: words, section });
      continue;
    }
    const from = terms(line.slice(0, arrow));
    const to = terms(line.slice(arrow + 2));
    if (from.length === 0 || to.length === 0) throw invalid('synonym', n, line, '"a, b, c" or "a, b => c, d"');
    out.push({ from, to, section });
  }
  return out;
}

/**
 * Parses `head > narrower, narrower` lines (categories, kinds of software). The head side may
 * hold several comma-separated terms; a right side of `*` is kept as `['*']`.
 *
 * @throws {InvalidInputError} on a line without ` > ` or with an empty side.
 */
export function parseNarrowerLines(text: string, what = 'category'): [string[], string[]][] {
  const out: [string[], string[]][] = [];
  for (const [line, n] of contentLines(text)) {
    const at = line.indexOf(' > ');
    const head = at < 0 ? [] : terms(line.slice(0, at));
    const rest = at < 0 ? [] : terms(line.slice(at + 3));
    if (head.length === 0 || rest.length === 0) throw invalid(what, n, line, '"word > narrower, narrower"');
    out.push([head, rest]);
  }
  return out;
}

function regexOf(source: string, n: number, line: string, what: string): RegExp {
  const m = /^\/(.*)\/([a-z]*)$/su.exec(source.trim());
  if (!m) throw invalid(what, n, line, '"/regular expression/flags"');
  try {
    return new RegExp(m[1]!, m[2]);
  } catch (cause) {
    throw new InvalidInputError(
      `[memory/retrieval] ${what} line ${n} has an invalid regular expression: ${(cause as Error).message}`,
    );
  }
}

/**
 * Parses `/regex/flags => term, term` lines (question patterns, narrower concepts). The last
 * ` => ` separates the expression from its terms.
 *
 * @throws {InvalidInputError} on a line that is not of that form or an invalid expression.
 */
export function parsePatterns(text: string, what = 'pattern'): [RegExp, string[]][] {
  const out: [RegExp, string[]][] = [];
  for (const [line, n] of contentLines(text)) {
    const at = line.lastIndexOf(' => ');
    if (at < 0) throw invalid(what, n, line, '"/regex/flags => term, term"');
    const words = terms(line.slice(at + 4));
    if (words.length === 0) throw invalid(what, n, line, '"/regex/flags => term, term"');
    const re = regexOf(line.slice(0, at), n, line, what);
    // A global or sticky expression would carry `lastIndex` from one question to the next.
    out.push([re.global || re.sticky ? new RegExp(re.source, re.flags.replace(/[gy]/g, '')) : re, words]);
  }
  return out;
}

/**
 * Parses idiom lines (`/regex/flags` a line) into one global expression (flags `giu`), or
 * undefined when there are none.
 *
 * @throws {InvalidInputError} on a line that is not a `/regex/flags` or an invalid expression.
 */
export function parseIdioms(text: string): RegExp | undefined {
  const sources: string[] = [];
  for (const [line, n] of contentLines(text)) sources.push(regexOf(line, n, line, 'idiom').source);
  return sources.length === 0 ? undefined : new RegExp(sources.join('|'), 'giu');
}
