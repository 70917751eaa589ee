import { describe, expect, it } from 'vitest';
import { expandQuery } from './query-expansion.js';

const expanded = (query: string) => new Set(expandQuery(query).groups.flatMap((g) => [...g.keys()]));

describe('expandQuery', () => {
  it('lets a one-character Chinese term stand for its concept only outside longer terms', () => {
    expect(expanded('她在学什么')).toContain('课程');
    expect(expanded('她在哪所学校')).not.toContain('课程');
    expect(expanded('他有什么职业病')).toContain('健康');
  });

  it('reads "what does he do" and "是做什么的" as asking for a job, but not every "做什么"', () => {
    expect(expanded('what does he do')).toContain('职业');
    expect(expanded('他是做什么的')).toContain('职业');
    expect(expanded('他平时做什么运动')).not.toContain('职业');
  });
});
