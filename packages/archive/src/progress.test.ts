import { describe, expect, it } from 'vitest';
import { ProgressTracker } from './progress.js';

function clock(start = 1000) {
  let t = start;
  return { now: () => t, tick: (ms: number) => (t += ms) };
}

describe('ProgressTracker', () => {
  it('counts sessions and messages and estimates the rest by message rate', () => {
    const c = clock();
    const p = new ProgressTracker('cold', { sessions: 10, messages: 1000 }, c.now);
    expect(p.snapshot()).toMatchObject({ phase: 'cold', done: 0, total: 10, etaMs: null, messagesPerSecond: 0 });
    c.tick(500);
    const s = p.advance(2, 250);
    expect(s).toMatchObject({ done: 2, total: 10, messagesDone: 250, messagesTotal: 1000, elapsedMs: 500 });
    expect(s.etaMs).toBe(1500);
    expect(s.messagesPerSecond).toBe(500);
    c.tick(1500);
    expect(p.advance(8, 750)).toMatchObject({ done: 10, messagesDone: 1000, etaMs: 0 });
  });

  it('goes by sessions when the phase moves no messages', () => {
    const c = clock();
    const p = new ProgressTracker('deleted', { sessions: 4, messages: 0 }, c.now);
    c.tick(100);
    expect(p.advance(1, 0).etaMs).toBe(300);
  });

  it('raises the total when more work turns up than planned', () => {
    const c = clock();
    const p = new ProgressTracker('deep', { sessions: 1, messages: 5 }, c.now);
    c.tick(10);
    expect(p.advance(3, 9)).toMatchObject({ done: 3, total: 3, messagesTotal: 9, etaMs: 0 });
  });

  it('reports zero eta for an empty phase', () => {
    expect(new ProgressTracker('cold', { sessions: 0, messages: 0 }).snapshot().etaMs).toBe(0);
  });
});
