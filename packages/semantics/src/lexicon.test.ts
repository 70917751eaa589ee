import { describe, expect, it } from 'vitest';
import { parseCategories, parseLexicon } from './lexicon.js';

const HAN = /\p{Script=Han}/u;

describe('the bilingual lexicon', () => {
  it('pairs Chinese and English in every entry except a few English-only abbreviation sets', () => {
    const entries = parseLexicon();
    expect(entries.length).toBeGreaterThan(600);
    const monolingual = entries.filter((e) => e.every((w) => HAN.test(w)) || e.every((w) => !HAN.test(w)));
    expect(monolingual).toEqual([]);
  });

  it('names every category by a word of the lexicon, so the category is reachable', () => {
    const words = new Set(parseLexicon().flat());
    expect(parseCategories().filter(([head]) => !words.has(head))).toEqual([]);
  });

  it('reads phrases joined by "_" and skips domain lines', () => {
    expect(parseLexicon('# food\nlower_back 腰')).toEqual([['lower back', '腰']]);
    expect(parseCategories('drink > coffee green_tea')).toEqual([['drink', ['coffee', 'green tea']]]);
  });
});
