import type { ArchiveProgress } from '@memory/archive';
import { describe, expect, it } from 'vitest';
import { createProgressReporter, describeProgress, formatDuration, renderBar } from './progress-bar.js';

const progress = (over: Partial<ArchiveProgress> = {}): ArchiveProgress => ({
  phase: 'cold',
  done: 2,
  total: 8,
  messagesDone: 200,
  messagesTotal: 800,
  elapsedMs: 4000,
  etaMs: 12_000,
  messagesPerSecond: 50,
  ...over,
});

describe('progress output', () => {
  it('formats durations and bars', () => {
    expect(formatDuration(null)).toBe('?');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(renderBar(1, 4, 8)).toBe('[##......]  25%');
    expect(renderBar(0, 0, 4)).toBe('[####] 100%');
  });

  it('describes counts, rate and ETA', () => {
    expect(describeProgress(progress())).toBe('cold: 2/8 sessions, 200/800 messages, 50 msg/s, ETA 0:12');
  });

  it('writes plain lines when not on a terminal', () => {
    const lines: string[] = [];
    const reporter = createProgressReporter({ write: (s: string) => lines.push(s), isTTY: false });
    reporter.update(progress());
    reporter.update(progress({ phase: 'deep', done: 1, total: 1, etaMs: 0 }));
    reporter.finish();
    expect(lines).toEqual([
      'cold: 2/8 sessions, 200/800 messages, 50 msg/s, ETA 0:12\n',
      'deep: 1/1 sessions, 200/800 messages, 50 msg/s, ETA 0:00\n',
    ]);
  });

  it('redraws one line on a terminal and starts a new one per phase', () => {
    let out = '';
    const reporter = createProgressReporter({ write: (s: string) => (out += s), isTTY: true });
    reporter.update(progress());
    reporter.update(progress({ done: 4, messagesDone: 400 }));
    reporter.update(progress({ phase: 'deep' }));
    reporter.finish();
    expect(out.split('\n')).toHaveLength(3);
    expect(out).toContain('\r\x1b[2K[############............]  50% cold: 4/8');
    expect(out.endsWith('\n')).toBe(true);
  });
});
