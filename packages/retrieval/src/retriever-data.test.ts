import { InvalidInputError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import {
  defaultRetrieverData,
  parseIdioms,
  parseNarrowerLines,
  parsePatterns,
  parseSynonyms,
} from './retriever-data.js';

const HAN = /\p{Script=Han}/u;

describe('the Solr synonym format', () => {
  it('reads equivalence lines, one-way rules, comments, multi-word terms and escaped commas', () => {
    const rules = parseSynonyms('# sleep\nsleep, asleep , 睡觉\n\nlower back, 腰\nfav, fave => favorite\na\\, b, c');
    expect(rules.map((r) => [r.from, r.to, r.section])).toEqual([
      [['sleep', 'asleep', '睡觉'], ['sleep', 'asleep', '睡觉'], 'sleep'],
      [['lower back', '腰'], ['lower back', '腰'], 'sleep'],
      [['fav', 'fave'], ['favorite'], 'sleep'],
      [['a, b', 'c'], ['a, b', 'c'], 'sleep'],
    ]);
  });

  it('rejects a rule with an empty side, saying which line', () => {
    expect(() => parseSynonyms('ok, fine\n => nothing')).toThrow(InvalidInputError);
    expect(() => parseSynonyms('ok, fine\n => nothing')).toThrow(/line 2/);
  });
});

describe('the other data formats', () => {
  it('reads categories and patterns, and rejects malformed lines', () => {
    expect(parseNarrowerLines('drink > coffee, green tea')).toEqual([[['drink'], ['coffee', 'green tea']]]);
    expect(() => parseNarrowerLines('drink coffee')).toThrow(InvalidInputError);
    const [[re, words]] = parsePatterns('/\\bwhere\\b|哪里/u => live, city') as [[RegExp, string[]]];
    expect(re.test('where does she live')).toBe(true);
    expect(words).toEqual(['live', 'city']);
    expect(() => parsePatterns('/(/u => x')).toThrow(/invalid regular expression/);
    expect(parsePatterns('/a/g => x')[0]![0].global).toBe(false);
    expect('she does it for a living'.replace(parseIdioms('/for a living/giu\n/\\bmake a living\\b/u')!, '')).toBe(
      'she does it ',
    );
  });
});

describe('the shipped data', () => {
  const data = defaultRetrieverData();

  it('parses, and pairs Chinese and English in every synonym line', () => {
    const lines = [...parseSynonyms(data.people), ...parseSynonyms(data.synonyms)];
    expect(lines.length).toBeGreaterThan(600);
    const monolingual = lines.filter((r) => r.from.every((w) => HAN.test(w)) || r.from.every((w) => !HAN.test(w)));
    expect(monolingual.map((r) => r.from.join(', '))).toEqual([]);
    expect(parseSynonyms(data.concepts).length).toBeGreaterThan(50);
    expect(parsePatterns(data.questions).length).toBeGreaterThan(3);
    expect(parsePatterns(data.narrower).length).toBeGreaterThan(3);
    expect(parseIdioms(data.idioms)).toBeDefined();
  });

  it('names every category by a word of a synonym line, so the category is reachable', () => {
    const words = new Set([...parseSynonyms(data.people), ...parseSynonyms(data.synonyms)].flatMap((r) => r.from));
    const unreachable = parseNarrowerLines(data.categories).flatMap(([heads]) => heads.filter((h) => !words.has(h)));
    expect(unreachable).toEqual([]);
  });
});
