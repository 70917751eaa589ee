import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cedictBridge } from '../src/index.js';

// The bridge keeps its dictionary as offsets into the data text (hash tables in typed arrays).
// This is what it must answer, written the plain way: maps of strings over the same file.
function reference(maxChinese: number) {
  const text = readFileSync(new URL('../data/cedict-bridge.txt', import.meta.url), 'utf8');
  const chinese = new Map<string, string[]>();
  const english = new Map<string, string[]>();
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const [word, meanings] = line.split('\t') as [string, string];
    chinese.set(word, meanings.split('|'));
    for (const m of meanings.split('|')) {
      counts.set(m, (counts.get(m) ?? 0) + 1);
      english.set(m, [...(english.get(m) ?? []), word]);
    }
  }
  for (const [m, n] of counts) if (n > maxChinese) english.delete(m);
  return { chinese, english };
}

describe('cedictBridge tables', () => {
  for (const max of [1, 5]) {
    it(`answers every headword and meaning as plain maps would (maxChinesePerMeaning ${max})`, () => {
      const bridge = cedictBridge({ maxChinesePerMeaning: max });
      const { chinese, english } = reference(max);
      expect(bridge.size).toEqual({ chinese: chinese.size, english: english.size });
      let checked = 0;
      for (const [word, meanings] of chinese) {
        expect(bridge.translate(word)).toEqual(meanings);
        for (const m of meanings) {
          // A meaning that is also a headword is answered as the headword (headwords first).
          expect(bridge.translate(m)).toEqual(chinese.get(m) ?? english.get(m));
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(100_000);
    });
  }

  it('answers nothing for terms it does not hold, however they hash', () => {
    const bridge = cedictBridge();
    for (const term of ['', 'blood typ', 'blood types', '血', '血型型', 'BLOOD TYPE', 'work']) {
      expect(bridge.translate(term)).toBeUndefined();
    }
  });
});
