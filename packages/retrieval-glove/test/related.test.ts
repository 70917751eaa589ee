import { describe, expect, it } from 'vitest';
import { gloveRelated } from '../src/index.js';

const related = gloveRelated();

describe('gloveRelated', () => {
  it('gives the nearest English words of a word, best first', () => {
    const salary = related.translate('salary');
    expect(salary).toContain('wages');
    expect(salary![0]).toBe('salaries');
    expect(salary!.length).toBeLessThanOrEqual(20);
    expect(related.translate('sleep')).toContain('asleep');
    expect(related.size).toBeGreaterThan(35_000);
  });

  it('knows no Chinese and no unknown word', () => {
    expect(related.maxLength).toBe(0);
    expect(related.translate('睡觉')).toBeUndefined();
    expect(related.translate('zzqxv')).toBeUndefined();
  });
});
