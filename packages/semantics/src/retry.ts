import { ConflictError } from '@memory/errors';

/** How compare-and-swap updates retry after losing a race. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 25). */
  maxAttempts?: number;
  /** First backoff ceiling in ms (default 5); doubles each attempt. */
  baseDelayMs?: number;
  /** Largest backoff ceiling in ms (default 500). */
  maxDelayMs?: number;
  /** Aborts the waiting between attempts. */
  signal?: AbortSignal;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// Why a loop of our own and not `p-retry` (which `@memory/longterm-bos` uses for transport
// retries): this is the compare-and-swap retry of profile and triple updates, not a transport
// retry. It retries on `ConflictError` only, hands the attempt number to `attempt` (which re-reads
// the object), and waits with "full jitter" (uniform in [0, ceiling)), so writers that lost the
// same race spread out at once. `p-retry`'s `randomize` only multiplies the delay by 1 to 2, so
// the first retries of racing writers still bunch up, and the package would add a dependency to a
// package kept to three. Fifteen lines are the smaller thing to read.

/**
 * Runs `attempt` until it succeeds, retrying on `ConflictError` with "full jitter" backoff
 * (a random wait below a ceiling that doubles each time), so racing writers spread out instead
 * of colliding again in lockstep. After `maxAttempts` conflicts it throws a `ConflictError`
 * naming `what` and the number of attempts. Other errors pass through at once.
 */
export async function withConflictRetry<T>(
  what: string,
  attempt: (n: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const max = Math.max(1, options.maxAttempts ?? 25);
  const base = options.baseDelayMs ?? 5;
  const cap = options.maxDelayMs ?? 500;
  let last: unknown;
  for (let n = 1; n <= max; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (!ConflictError.isInstance(e)) throw e;
      last = e;
      if (n < max) await sleep(Math.random() * Math.min(cap, base * 2 ** (n - 1)), options.signal);
    }
  }
  throw new ConflictError(
    `[memory/semantics] ${what} was changed by another writer on each of ${max} attempts: retry later or raise maxAttempts`,
    { cause: last, details: { key: what, attempts: max } },
  );
}
