import type { BosClientLike, BosFailure } from './bos-client-like.js';
import { createRequestControl } from './request-control.js';

/** Settings of {@link callWithRetry}. */
export interface RetryPolicy {
  /** Time one attempt may take, in ms. */
  timeoutMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff delay in ms; doubled per retry, capped at 20×, with jitter. */
  baseDelayMs?: number;
}

/** Thrown by {@link callWithRetry} when the last attempt failed: why, and how many attempts were made. */
export class BosCallFailure extends Error {
  constructor(
    readonly failure: unknown,
    readonly attempts: number,
    readonly timedOut: boolean,
  ) {
    super('BOS call failed', { cause: failure });
  }
}

const RETRYABLE_CODES = new Set([
  'InternalError',
  'ServiceUnavailable',
  'SlowDown',
  'RequestRateLimitExceeded',
  'TooManyRequests',
  'Throttling',
]);
const RETRYABLE_NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** True for an SDK rejection that carries an HTTP answer. */
export function isBosFailure(value: unknown): value is BosFailure {
  return typeof value === 'object' && value !== null && typeof (value as BosFailure).status_code === 'number';
}

/** True when trying the same request again may succeed: 5xx, 429, throttling, dropped connections. */
export function isRetryable(failure: unknown): boolean {
  if (isBosFailure(failure)) {
    const { status_code: status, code } = failure;
    return status >= 500 || status === 429 || (code !== undefined && RETRYABLE_CODES.has(code));
  }
  if (failure instanceof Error) {
    const code = (failure as NodeJS.ErrnoException).code;
    return (code !== undefined && RETRYABLE_NETWORK.has(code)) || /socket hang up/i.test(failure.message);
  }
  return false;
}

class AttemptTimeout extends Error {}

function backoff(retry: number, baseDelayMs: number): number {
  const ceiling = Math.min(baseDelayMs * 2 ** (retry - 1), baseDelayMs * 20);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

async function attemptOnce<T>(
  client: BosClientLike,
  run: (config: object) => PromiseLike<T>,
  timeoutMs: number,
): Promise<T> {
  const control = createRequestControl(client);
  let timer: NodeJS.Timeout | undefined;
  // The SDK answers with Q promises and may throw synchronously; adopt both into one native promise.
  const call = new Promise<T>((resolve, reject) => {
    Promise.resolve(run(control.config)).then(resolve, reject);
  });
  // An attempt abandoned at its timeout may still reject later: nobody is waiting for it then.
  call.catch(() => undefined);
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      control.abort();
      reject(new AttemptTimeout(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([call, deadline, control.broken]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one SDK call with a per-attempt timeout, retrying failures that {@link isRetryable}
 * accepts (and timeouts) with exponential backoff and jitter. `run` receives the per-call SDK
 * config to pass as `options.config`. Throws {@link BosCallFailure} with the last failure.
 */
export async function callWithRetry<T>(
  client: BosClientLike,
  run: (config: object) => PromiseLike<T>,
  policy: RetryPolicy,
): Promise<{ value: T; attempts: number }> {
  const baseDelayMs = policy.baseDelayMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await attemptOnce(client, run, policy.timeoutMs), attempts: attempt };
    } catch (failure) {
      const timedOut = failure instanceof AttemptTimeout;
      if (attempt >= policy.maxAttempts || !(timedOut || isRetryable(failure))) {
        throw new BosCallFailure(failure, attempt, timedOut);
      }
      await new Promise((resolve) => setTimeout(resolve, backoff(attempt, baseDelayMs)));
    }
  }
}
