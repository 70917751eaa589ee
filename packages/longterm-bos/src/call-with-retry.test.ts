import { describe, expect, it } from 'vitest';
import type { BosClientLike } from './bos-client-like.js';
import { BosCallFailure, callWithRetry, isRetryable } from './call-with-retry.js';

// A client whose methods are never called: callWithRetry only reads config and createSignature.
const client = { config: {}, createSignature: () => 'signed' } as unknown as BosClientLike;
const policy = { timeoutMs: 1_000, maxAttempts: 3, baseDelayMs: 1 };

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

describe('isRetryable', () => {
  it('retries server errors, throttling and dropped connections', () => {
    expect(isRetryable({ status_code: 500 })).toBe(true);
    expect(isRetryable({ status_code: 503, code: 'ServiceUnavailable' })).toBe(true);
    expect(isRetryable({ status_code: 429 })).toBe(true);
    expect(isRetryable({ status_code: 400, code: 'RequestRateLimitExceeded' })).toBe(true);
    expect(isRetryable(networkError('ECONNRESET'))).toBe(true);
    expect(isRetryable(new Error('socket hang up'))).toBe(true);
  });

  it('does not retry what would fail again', () => {
    expect(isRetryable({ status_code: 403, code: 'SignatureDoesNotMatch' })).toBe(false);
    expect(isRetryable({ status_code: 404, code: 'NoSuchKey' })).toBe(false);
    expect(isRetryable({ status_code: 412 })).toBe(false);
    expect(isRetryable(networkError('ENOTFOUND'))).toBe(false);
    expect(isRetryable(new TypeError('key should not be empty.'))).toBe(false);
  });
});

describe('callWithRetry', () => {
  it('retries a retryable failure and reports the attempts', async () => {
    let calls = 0;
    const result = await callWithRetry(
      client,
      async () => {
        calls += 1;
        if (calls < 3) throw { status_code: 503, code: 'ServiceUnavailable' };
        return 'ok';
      },
      policy,
    );
    expect(result).toEqual({ value: 'ok', attempts: 3 });
  });

  it('gives up after maxAttempts with the last failure', async () => {
    let calls = 0;
    const failing = callWithRetry(
      client,
      async () => {
        calls += 1;
        throw { status_code: 500, code: 'InternalError' };
      },
      policy,
    );
    await expect(failing).rejects.toBeInstanceOf(BosCallFailure);
    await expect(failing).rejects.toMatchObject({ attempts: 3, timedOut: false, failure: { status_code: 500 } });
    expect(calls).toBe(3);
  });

  it('does not retry a failure that would repeat, nor a synchronous SDK throw', async () => {
    let calls = 0;
    await expect(
      callWithRetry(
        client,
        async () => {
          calls += 1;
          throw { status_code: 403, code: 'AccessDenied' };
        },
        policy,
      ),
    ).rejects.toMatchObject({ attempts: 1 });
    await expect(
      callWithRetry(
        client,
        () => {
          calls += 1;
          throw new TypeError('key should not be empty.');
        },
        policy,
      ),
    ).rejects.toMatchObject({ attempts: 1, failure: expect.any(TypeError) });
    expect(calls).toBe(2);
  });

  it('times out an attempt that never settles and retries it', async () => {
    let calls = 0;
    const started = Date.now();
    const failing = callWithRetry(
      client,
      () => {
        calls += 1;
        return new Promise<never>(() => undefined);
      },
      { timeoutMs: 50, maxAttempts: 2, baseDelayMs: 1 },
    );
    await expect(failing).rejects.toMatchObject({ attempts: 2, timedOut: true });
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('passes a per-call config whose signer delegates to the client', async () => {
    const signed = await callWithRetry(
      client,
      (config) => {
        const hook = (config as { createSignature: (...args: unknown[]) => unknown }).createSignature;
        return Promise.resolve(hook({ ak: 'a', sk: 's' }, 'GET', '/b/k', {}, {}, {}));
      },
      policy,
    );
    expect(signed.value).toBe('signed');
  });

  it('backs off exponentially with jitter, never beyond 20× the base delay', async () => {
    const delays: number[] = [];
    const failing = callWithRetry(
      client,
      async () => {
        throw { status_code: 503 };
      },
      { timeoutMs: 1_000, maxAttempts: 8, baseDelayMs: 2, onRetry: ({ delayMs }) => delays.push(delayMs) },
    );
    await expect(failing).rejects.toMatchObject({ attempts: 8 });
    expect(delays).toHaveLength(7);
    delays.forEach((delay, i) => {
      const floor = Math.min(2 ** i, 40); // base/2 · 2^i
      expect(delay).toBeGreaterThanOrEqual(floor);
      expect(delay).toBeLessThanOrEqual(Math.min(2 * 2 ** i, 40));
    });
    expect(delays.at(-1)).toBe(40);
  });

  it('stops at an abort: the request in flight is dropped and no attempt follows', async () => {
    const controller = new AbortController();
    let calls = 0;
    const reason = new Error('caller went away');
    const pending = callWithRetry(
      client,
      () => {
        calls += 1;
        setTimeout(() => controller.abort(reason), 10);
        return new Promise<never>(() => undefined);
      },
      { timeoutMs: 5_000, maxAttempts: 3, baseDelayMs: 1, signal: controller.signal },
    );
    const started = Date.now();
    await expect(pending).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(calls).toBe(1);
  });

  it('does not start a call whose signal is already aborted', async () => {
    let calls = 0;
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(
      callWithRetry(
        client,
        async () => {
          calls += 1;
          return 'never';
        },
        { ...policy, signal: controller.signal },
      ),
    ).rejects.toThrow('too late');
    expect(calls).toBe(0);
  });
});
