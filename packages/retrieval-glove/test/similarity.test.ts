import { InvalidInputError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { gloveSimilarity } from '../src/index.js';
import { gloveVectors, parseGloveVectors } from '../src/vectors.js';

const similarity = gloveSimilarity();

const texts = [
  'user drinks a glass of red wine with dinner',
  'user goes to bed around 11 pm',
  'user married to Maria',
  'user drives a Honda Civic',
  'user lives in Leeds',
  'user plays cello on weekends',
  '住在 北京',
];

// The position of the best score.
const best = (scores: ArrayLike<number>) => Array.from(scores).reduce((b, s, i, a) => (s > a[b]! ? i : b), 0);

describe('gloveSimilarity', () => {
  it('scores a question against every text by meaning, not by shared words', () => {
    const index = similarity.index(texts);
    expect(index.known).toBe(6);
    expect(best(index.score('what automobile does she own')!)).toBe(3);
    expect(best(index.score('what is her favourite booze')!)).toBe(0);
    expect(best(index.score('which instrument')!)).toBe(5);
    const scores = index.score('which instrument')!;
    // A text without an English word with a vector has no score; a Chinese question none either.
    expect(scores[6]).toBeNaN();
    expect(index.score('她喜欢喝什么')).toBeUndefined();
    expect(index.score('')).toBeUndefined();
  });

  it('is deterministic: the same texts and question give the same scores in another instance', () => {
    const a = similarity.index(texts).score('when does she go to sleep')!;
    const b = gloveSimilarity()
      .index([...texts])
      .score('when does she go to sleep')!;
    expect(Array.from(b)).toEqual(Array.from(a));
    for (const s of a) if (!Number.isNaN(s)) expect(Math.abs(s)).toBeLessThanOrEqual(1.001);
  });

  it('weights a word by how many texts hold it, and removes their common direction, unless told not to', () => {
    const plain = gloveSimilarity({ idf: false, removeCommon: false }).index(texts);
    const question = 'what automobile does the user own';
    expect(best(plain.score(question)!)).toBe(3);
    // Without IDF, "user" (in every text) pulls every text toward the question alike.
    const a = Array.from(similarity.index(texts).score(question)!);
    const b = Array.from(plain.score(question)!);
    expect(b).not.toEqual(a);
    const spread = (s: number[]) =>
      Math.max(...s.filter((x) => !Number.isNaN(x))) - Math.min(...s.filter((x) => !Number.isNaN(x)));
    expect(spread(a)).toBeGreaterThan(spread(b));
  });

  it('refuses invalid options with what to do', () => {
    expect(() => gloveSimilarity({ words: 0 })).toThrow(InvalidInputError);
    expect(() => gloveSimilarity({ sif: -1 })).toThrow(/sif must be a positive number/);
  });
});

describe('the quantised vectors', () => {
  it('decode to about unit length, in rank order, and keep neighbours near', () => {
    const vectors = gloveVectors();
    expect(vectors.size).toBe(100_000);
    expect(vectors.dimensions).toBe(100);
    expect(vectors.rank('the')).toBe(0);
    expect(vectors.rank('zzqxv')).toBe(-1);
    const vector = (word: string) => {
      const v = new Float32Array(vectors.dimensions);
      vectors.addTo(v, vectors.rank(word), 1);
      return v;
    };
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
    for (const word of ['wife', 'coffee', 'wine', 'sleep']) expect(dot(vector(word), vector(word))).toBeCloseTo(1, 1);
    expect(dot(vector('wife'), vector('husband'))).toBeGreaterThan(0.7);
    expect(dot(vector('wife'), vector('carburetor'))).toBeLessThan(0.3);
    expect(gloveVectors({ words: 1000 }).rank('wife')).toBe(vectors.rank('wife'));
    expect(gloveVectors({ words: 10 }).rank('wife')).toBe(-1);
  });

  it('round-trips the format: scale times 8-bit components, words in order', () => {
    const words = ['alpha', 'beta'];
    const d = 3;
    const head = new DataView(new ArrayBuffer(16 + 4 * 2));
    head.setUint8(0, 0x47); // G
    head.setUint8(1, 0x56); // V
    head.setUint8(2, 0x45); // E
    head.setUint8(3, 0x43); // C
    head.setUint32(4, 1, true);
    head.setUint32(8, words.length, true);
    head.setUint32(12, d, true);
    head.setFloat32(16, 0.5, true);
    head.setFloat32(20, 0.25, true);
    const components = new Int8Array([127, -127, 0, 1, 2, -3]);
    const tail = new TextEncoder().encode(words.map((w) => `${w}\n`).join(''));
    const bytes = new Uint8Array([...new Uint8Array(head.buffer), ...new Uint8Array(components.buffer), ...tail]);
    const parsed = parseGloveVectors(bytes);
    expect(parsed.size).toBe(2);
    expect(parsed.rank('beta')).toBe(1);
    const out = new Float32Array(d);
    parsed.addTo(out, 1, 2);
    expect(Array.from(out)).toEqual([0.5, 1, -1.5]);
    expect(() => parseGloveVectors(bytes.subarray(0, 20))).toThrow(InvalidInputError);
    expect(() => parseGloveVectors(bytes.subarray(0, bytes.length - 3))).toThrow(/fewer words than vectors/);
    const wrong = bytes.slice();
    wrong[0] = 0x58;
    expect(() => parseGloveVectors(wrong)).toThrow(/not a GloVe vector file/);
  });
});
