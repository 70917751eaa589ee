import { describe, expect, it } from 'vitest';
import { buildVocabulary, expandQuery as expandWith } from './query-expansion.js';
import { defaultRetrieverData } from './retriever-data.js';
import { Tokenizer } from './tokenize.js';
import { DEFAULT_WEIGHTS } from './weights.js';

const vocabulary = buildVocabulary(defaultRetrieverData(), new Tokenizer());
const expandQuery = (query: string) => expandWith(vocabulary, DEFAULT_WEIGHTS, query);
const expanded = (query: string) => new Set(expandQuery(query).groups.flatMap((g) => [...g.keys()]));

describe('expandQuery', () => {
  it('lets a one-character Chinese term stand for its concept only outside longer terms', () => {
    expect(expanded('她在学什么')).toContain('课程');
    expect(expanded('她的学费是多少')).not.toContain('课程');
    expect(expanded('他有什么职业病')).toContain('健康');
  });

  it('reads "what does he do" and "是做什么的" as asking for a job, but not every "做什么"', () => {
    expect(expanded('what does he do')).toContain('职业');
    expect(expanded('他是做什么的')).toContain('职业');
    expect(expanded('他平时做什么运动')).not.toContain('职业');
  });

  it('reads "for a living" as work, not as where someone lives', () => {
    const q = expandQuery('What does she do for a living?');
    expect(q.own.has('liv')).toBe(false);
    expect(expanded('What does she do for a living?')).toContain('employer');
  });

  it('carries a word into the other language through the lexicon', () => {
    expect(expanded('她晚上睡得好吗')).toContain('sleep');
    expect(expanded('她圣诞节有什么安排')).toContain('christma');
    expect(expanded('How is her mom doing?')).toContain('妈妈');
    expect(expanded('her fav drink')).toContain('favorit');
  });

  it('lets a category bring in what it covers, one way only', () => {
    expect(expanded('what does she drink')).toContain('coffe');
    expect(expanded('what does she drink')).toContain('咖啡');
    expect(expanded('is she going back to school')).toContain('mba');
    expect(expanded('what coffee does she like')).not.toContain('beer');
  });

  it('maps a tool to its kind, a kind to its tools, and "tools" to all of them', () => {
    expect(expanded('does she use vim or vscode')).toContain('editor');
    expect(expanded('does she use vim or vscode')).toContain('编辑');
    expect(expanded('what does the shop use for payments')).toContain('paypal');
    expect(expanded('她用什么数据库')).toContain('postgresql');
    expect(expanded('What tools does she use at work?')).toContain('jira');
    expect(expanded('what does she use for payments')).not.toContain('jira');
  });

  it('carries an abbreviation to its words and a category to what it covers, from the data given', () => {
    const own = buildVocabulary(
      {
        ...defaultRetrieverData(),
        synonyms: 'cny, chinese new year, 春节\nnut, nuts, 坚果\nalmond, 杏仁',
        categories: 'nut > almond, walnut',
      },
      new Tokenizer(),
    );
    const keys = (q: string) => new Set(expandWith(own, DEFAULT_WEIGHTS, q).groups.flatMap((g) => [...g.keys()]));
    expect(keys('Is she going home for CNY?')).toContain('春节');
    expect(keys('any nut allergy?')).toContain('almond');
    expect(keys('Would an almond croissant be ok?')).not.toContain('walnut');
  });

  it('asks a bridge for Chinese substrings, English content words and word pairs, at the bridge weight', () => {
    const asked: string[] = [];
    const dictionary: Record<string, string[]> = { 血型: ['blood type'], 'blood type': ['血型'], cello: ['大提琴'] };
    const bridged = buildVocabulary(defaultRetrieverData(), new Tokenizer(), {
      maxLength: 3,
      translate: (term) => (asked.push(term), dictionary[term]),
    });
    const weights = (query: string) =>
      new Map(expandWith(bridged, { ...DEFAULT_WEIGHTS, bridge: 0.25 }, query).groups.flatMap((g) => [...g]));
    expect(weights('我的血型呢').get('blood')).toBe(0.25);
    expect(asked).toEqual(expect.arrayContaining(['我的', '我的血', '的血型', '血型', '血型呢']));
    expect(asked).not.toContain('我的血型');
    asked.length = 0;
    expect(weights('what is my blood type').get('血型')).toBe(0.25);
    // Stop words alone are not looked up; pairs are, as written.
    expect(asked).toEqual(['what is', 'is my', 'my blood', 'blood', 'blood type', 'type']);
    // Without a bridge nothing is asked and nothing added.
    expect(expanded('what is my blood type')).not.toContain('血型');
  });
});

describe('expandQuery with related words', () => {
  // Neighbours best first, as a word-vector resource gives them (see `related` of createRetriever);
  // made-up words, so the shipped lexicon brings none of them.
  const related = {
    maxLength: 0,
    translate: (term: string) => (term === 'zorb' ? ['zorbs', 'zorbing', 'quux', 'blarg', 'fnord'] : undefined),
  };
  const vocab = buildVocabulary(defaultRetrieverData(), new Tokenizer(), undefined, related);
  const terms = (query: string, held: string[], weights = {}) => {
    const q = expandWith(vocab, { ...DEFAULT_WEIGHTS, ...weights }, query, { known: (t) => held.includes(t) });
    return new Map(q.groups.flatMap((g) => [...g]));
  };

  it('keeps the first `relatedPerTerm` neighbours the triples hold, at the `related` weight', () => {
    // "zorbs" and "zorbing" are not held; "quux" and "blarg" are the first two that are.
    const got = terms('what about the zorb', ['quux', 'blarg', 'fnord']);
    expect(got.get('quux')).toBe(DEFAULT_WEIGHTS.related);
    expect(got.get('blarg')).toBe(DEFAULT_WEIGHTS.related);
    expect(got.has('fnord')).toBe(false);
    expect(terms('what about the zorb', ['quux', 'blarg', 'fnord'], { relatedPerTerm: 3 }).has('fnord')).toBe(true);
  });

  it('adds nothing the triples do not hold, and nothing without the resource', () => {
    expect(terms('what about the zorb', []).size).toBe(0);
    const plain = expandWith(vocabulary, DEFAULT_WEIGHTS, 'what about the zorb', { known: () => true });
    expect(plain.groups.flatMap((g) => [...g.keys()])).not.toContain('quux');
  });
});
