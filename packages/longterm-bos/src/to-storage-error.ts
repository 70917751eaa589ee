import { StorageError } from '@memory/errors';
import { BosCallFailure, isBosFailure } from './call-with-retry.js';

/** Where a failed call was going, for the error message and `details`. */
export interface CallContext {
  /** What was being done, as a phrase: `reading "profiles/u1.json"`, `listing "knowledge/"`. */
  action: string;
  bucket: string;
  /** The full BOS key (prefix included), when the call was about one object. */
  key?: string;
  /** The endpoint with any credentials masked. */
  endpoint: string;
  /** Per-attempt timeout, for the timeout message. */
  timeoutMs: number;
}

/**
 * A `StorageError` for a failed BOS call: the message says where and what to do next,
 * `details` carries `bucket`, `key`, `status`, `code`, `requestId`, `attempts`, `endpoint`.
 * Never the access key, secret key or authorization string.
 */
export function toStorageError(error: unknown, context: CallContext): StorageError {
  const call = error instanceof BosCallFailure ? error : undefined;
  const failure = call ? call.failure : error;
  const attempts = call?.attempts ?? 1;
  const { bucket, key, endpoint, action } = context;
  const where = `bucket "${bucket}" at ${endpoint}`;
  const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
  const details: Record<string, unknown> = { bucket, endpoint, attempts };
  if (key !== undefined) details.key = key;

  if (call?.timedOut) {
    details.timeoutMs = context.timeoutMs;
    return new StorageError(
      `[memory/bos] ${action} in ${where} timed out after ${context.timeoutMs} ms${tries}: check the endpoint and network, or raise requestTimeoutMs`,
      { cause: failure, details: { ...details, reason: 'timeout' } },
    );
  }

  if (isBosFailure(failure)) {
    const status = failure.status_code;
    const code = failure.code;
    Object.assign(details, { status, code, requestId: failure.request_id });
    const label = code ? `HTTP ${status} ${code}` : `HTTP ${status}`;
    if (code === 'NoSuchBucket') {
      return new StorageError(`[memory/bos] bucket "${bucket}" not found at ${endpoint}: create it or check endpoint`, {
        cause: failure,
        details,
      });
    }
    if (status === 403 || status === 401) {
      return new StorageError(
        `[memory/bos] ${action} in ${where} was refused (${label}): check accessKey/secretKey, the clock of this machine, and the bucket's permissions`,
        { cause: failure, details },
      );
    }
    const message = typeof failure.message === 'string' && failure.message ? `: ${failure.message}` : '';
    return new StorageError(`[memory/bos] ${action} in ${where} failed with ${label}${tries}${message}`, {
      cause: failure,
      details,
    });
  }

  const networkCode = failure instanceof Error ? (failure as NodeJS.ErrnoException).code : undefined;
  if (networkCode === 'ERR_TLS_CERT_UNTRUSTED') {
    const reason = String((failure as Error & { reason?: unknown }).reason ?? 'untrusted');
    return new StorageError(
      `[memory/bos] ${action} in ${where} failed: the TLS certificate of ${endpoint} did not verify (${reason}): check endpoint (BOS endpoints have valid certificates), or trust the proxy's CA via NODE_EXTRA_CA_CERTS`,
      { cause: failure, details: { ...details, code: networkCode, reason } },
    );
  }
  if (networkCode !== undefined) details.code = networkCode;
  const reason = networkCode ?? (failure instanceof Error ? failure.message : String(failure));
  return new StorageError(`[memory/bos] ${action} in ${where} failed${tries}: ${reason}: check endpoint and network`, {
    cause: failure,
    details,
  });
}
