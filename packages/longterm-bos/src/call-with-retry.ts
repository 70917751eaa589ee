import pRetry from 'p-retry';
import type { BosClientLike, BosFailure } from './bos-client-like.js';
import { createRequestControl } from './request-control.js';

/** Settings of {@link callWithRetry}. */
export interface RetryPolicy {
  /** Time one attempt may take, in ms. */
  timeoutMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Backoff base in ms (default 100): retry n waits between base/2·2^(n-1) and base·2^(n-1), never more than 20× base. */
  baseDelayMs?: number;
  /** Stops retrying and destroys the request in flight; the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Told before each retry: which attempt failed, why, and the delay before the next one. */
  onRetry?: (info: { attempt: number; failure: unknown; timedOut: boolean; delayMs: number }) => void;
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

/**
 * One failed attempt, as an `Error` for `p-retry` (the SDK rejects with plain objects, which
 * `p-retry` would refuse to retry); the SDK's own failure stays in `failure`.
 */
class AttemptFailure extends Error {
  constructor(
    readonly failure: unknown,
    readonly timedOut: boolean,
  ) {
    super('BOS attempt failed', { cause: failure });
  }
}

async function attemptOnce<T>(
  client: BosClientLike,
  run: (config: object) => PromiseLike<T>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
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
  let onAbort: (() => void) | undefined;
  const cancelled = new Promise<never>((_, reject) => {
    if (!signal) return;
    onAbort = () => {
      control.abort();
      reject(signal.reason);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  cancelled.catch(() => undefined);
  try {
    return await Promise.race([call, deadline, control.broken, cancelled]);
  } catch (failure) {
    if (signal?.aborted) throw signal.reason;
    throw new AttemptFailure(failure, failure instanceof AttemptTimeout);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Runs one SDK call with a per-attempt timeout (the attempt's request is destroyed when it
 * expires), retrying with `p-retry` the failures {@link isRetryable} accepts and timeouts, with
 * exponential backoff and jitter bounded at 20× `baseDelayMs`. `run` receives the per-call SDK
 * config to pass as `options.config`. Throws {@link BosCallFailure} with the last failure, or the
 * signal's reason when `policy.signal` aborts.
 */
export async function callWithRetry<T>(
  client: BosClientLike,
  run: (config: object) => PromiseLike<T>,
  policy: RetryPolicy,
): Promise<{ value: T; attempts: number }> {
  const baseDelayMs = policy.baseDelayMs ?? 100;
  let attempts = 0;
  try {
    const value = await pRetry(
      (attempt) => {
        attempts = attempt;
        return attemptOnce(client, run, policy.timeoutMs, policy.signal);
      },
      {
        retries: policy.maxAttempts - 1,
        factor: 2,
        minTimeout: baseDelayMs / 2,
        maxTimeout: baseDelayMs * 20,
        randomize: true,
        signal: policy.signal,
        shouldRetry: ({ error }) => error instanceof AttemptFailure && (error.timedOut || isRetryable(error.failure)),
        onFailedAttempt: ({ error, attemptNumber, retriesLeft, retryDelay }) => {
          if (!policy.onRetry || retriesLeft === 0 || !(error instanceof AttemptFailure)) return;
          if (!(error.timedOut || isRetryable(error.failure))) return;
          policy.onRetry({
            attempt: attemptNumber,
            failure: error.failure,
            timedOut: error.timedOut,
            delayMs: retryDelay,
          });
        },
      },
    );
    return { value, attempts };
  } catch (error) {
    if (error instanceof AttemptFailure) throw new BosCallFailure(error.failure, attempts, error.timedOut);
    throw error;
  }
}
