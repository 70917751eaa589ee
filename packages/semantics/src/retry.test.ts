import { ConflictError, InvalidInputError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { withConflictRetry } from './retry.js';

describe('withConflictRetry', () => {
  it('retries a lost compare-and-swap with the attempt number, then returns', async () => {
    const seen: number[] = [];
    const result = await withConflictRetry(
      'k',
      async (n) => {
        seen.push(n);
        if (n < 3) throw new ConflictError('lost');
        return 'won';
      },
      { baseDelayMs: 1 },
    );
    expect(result).toBe('won');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('passes any other error through at once', async () => {
    let calls = 0;
    const error = await withConflictRetry('k', async () => {
      calls++;
      throw new InvalidInputError('bad');
    }).catch((e: unknown) => e);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(calls).toBe(1);
  });

  it('does not retry once the signal has aborted', async () => {
    const controller = new AbortController();
    let calls = 0;
    const pending = withConflictRetry(
      'k',
      async () => {
        calls++;
        controller.abort(new Error('stop'));
        throw new ConflictError('lost');
      },
      { baseDelayMs: 60_000, maxDelayMs: 60_000, signal: controller.signal },
    );
    await expect(pending).rejects.toThrow('stop');
    expect(calls).toBe(1);
  });
});
