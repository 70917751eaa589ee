import { isStopword, stem } from './tokenize.js';

// English derivational endings, also as they look after stemming ("photography" → "photographi").
// The light stemmer leaves them on, so "teach" and "teacher" meet only through this list.
const SUFFIXES = [
  'er',
  'ers',
  'or',
  'ist',
  'ian',
  'ism',
  'ment',
  'ship',
  'hood',
  'al',
  'ial',
  'ic',
  'ical',
  'ics',
  'y',
  'i',
  'ly',
  'ful',
  'ous',
  'iv',
  'ion',
  'at',
  'ant',
  'ent',
  'anc',
  'enc',
  'abl',
  'ibl',
  'iz',
  'graphi',
  'ur',
  'ag',
  'eri',
  'ri',
  'e',
  'ing',
  'ee',
];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
// Shorter words have too many unrelated neighbours ("cat" / "car", "plan" / "plant").
const MIN_DERIVED = 4;
const MIN_TYPO = 5;

/**
 * Derived forms of a stemmed English token that `has` knows, when it does not know the token
 * itself: the same stem up to an ending (`teach` ↔ `teacher`, `photo` ↔ `photographi`).
 * A few dozen lookups; nothing is precomputed over the vocabulary.
 */
export function derivedForms(token: string, has: (token: string) => boolean): string[] {
  if (token.length < MIN_DERIVED || !/^[a-z]+$/.test(token) || has(token)) return [];
  const out = new Set<string>();
  const add = (candidate: string) => {
    if (candidate !== token && candidate.length >= MIN_DERIVED && has(candidate)) out.add(candidate);
  };
  for (const suffix of SUFFIXES) {
    add(token + suffix);
    add(stem(token + suffix));
    // A base shorter than five letters is too often another word ("bother" is not "both").
    if (token.endsWith(suffix) && token.length - suffix.length > MIN_DERIVED) add(token.slice(0, -suffix.length));
  }
  return [...out];
}

/**
 * The stems of the words one edit away (a letter dropped, added, replaced, or two neighbours
 * swapped) from an English word whose stem `has` does not know, when `has` knows them: typos
 * ("univesrity", "hobies"). The word is taken as written, before stemming, since a typo can
 * change what the stemmer makes of it. The first letter is left as it is: typos seldom hit it,
 * and real words one letter apart there are many ("bother" / "mother"). Stop words and words
 * shorter than five letters have none.
 */
export function typoNeighbours(word: string, has: (token: string) => boolean): string[] {
  if (word.length < MIN_TYPO || !/^[a-z]+$/.test(word) || isStopword(word) || has(stem(word))) return [];
  const out = new Set<string>();
  const add = (candidate: string) => {
    const s = stem(candidate);
    if (s.length >= 3 && has(s)) out.add(s);
  };
  for (let i = 1; i <= word.length; i++) {
    const before = word.slice(0, i);
    const after = word.slice(i + 1);
    for (const c of LETTERS) add(before + c + word.slice(i));
    if (i === word.length) break;
    add(before + after);
    if (i + 1 < word.length) add(before + word[i + 1] + word[i] + word.slice(i + 2));
    for (const c of LETTERS) if (c !== word[i]) add(before + c + after);
  }
  return [...out];
}
