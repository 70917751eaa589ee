import { describe, expect, it } from 'vitest';
import { stem } from './tokenize.js';
import { derivedForms, typoNeighbours } from './word-variants.js';

const knowing = (...words: string[]) => {
  const stems = new Set(words.map(stem));
  return (token: string) => stems.has(token);
};

describe('derivedForms', () => {
  it('finds the forms of an unknown word that differ by an ending', () => {
    expect(derivedForms(stem('teach'), knowing('teacher'))).toEqual([stem('teacher')]);
    expect(derivedForms(stem('teacher'), knowing('teach'))).toEqual([stem('teach')]);
    expect(derivedForms(stem('photo'), knowing('photography'))).toEqual([stem('photography')]);
  });

  it('leaves known words, short words and short bases alone', () => {
    expect(derivedForms(stem('teach'), knowing('teach', 'teacher'))).toEqual([]);
    expect(derivedForms(stem('art'), knowing('artist'))).toEqual([]);
    expect(derivedForms(stem('bother'), knowing('both'))).toEqual([]);
  });
});

describe('typoNeighbours', () => {
  it('finds the known word one edit away: dropped, added, replaced or swapped letters', () => {
    expect(typoNeighbours('univesrity', knowing('university'))).toEqual([stem('university')]);
    expect(typoNeighbours('hobies', knowing('hobbies'))).toEqual([stem('hobbies')]);
    expect(typoNeighbours('mediction', knowing('medication'))).toEqual([stem('medication')]);
    expect(typoNeighbours('coffe', knowing('coffee'))).toEqual([stem('coffee')]);
  });

  it('never changes the first letter, and leaves known words, stop words and short words alone', () => {
    expect(typoNeighbours('bother', knowing('mother'))).toEqual([]);
    expect(typoNeighbours('coffee', knowing('coffee', 'toffee'))).toEqual([]);
    expect(typoNeighbours('where', knowing('there'))).toEqual([]);
    expect(typoNeighbours('cat', knowing('car'))).toEqual([]);
  });
});
