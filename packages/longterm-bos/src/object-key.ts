import { InvalidInputError } from '@memory/errors';
import { normalizePrefix as normalizeSharedPrefix } from '@memory/longterm-core';

/** BOS's limit on an object key, in UTF-8 bytes. */
const MAX_BOS_KEY_BYTES = 1024;

/**
 * Why `key` cannot be stored on BOS through `@baiducloud/sdk` unchanged, or `undefined`.
 *
 * Besides the BOS rules (non-empty, at most 1024 UTF-8 bytes), the SDK builds the request path
 * with Node's `path.normalize`, which silently rewrites `a//b` to `a/b`, drops `.` segments,
 * resolves `..` and removes a leading `/`. Such keys would land on a different object than the
 * one named, so they are refused instead.
 */
export function bosKeyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'it is empty';
  if (key.includes('\0')) return 'it contains NUL';
  if (key.startsWith('/')) return 'it starts with "/"';
  const segments = key.split('/');
  if (segments.slice(0, -1).some((segment) => segment.length === 0)) return 'it contains "//"';
  if (segments.some((segment) => segment === '.' || segment === '..')) return 'it contains a "." or ".." segment';
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_BOS_KEY_BYTES)
    return `it is ${bytes} bytes long in UTF-8, over the BOS limit of ${MAX_BOS_KEY_BYTES}`;
  return undefined;
}

/**
 * The key prefix as stored: `''`, or the prefix without leading `/` and ending in exactly one
 * `/`, as every backend normalizes it (`long_term`, `/long_term/` → `long_term/`). A prefix the
 * SDK would rewrite (`a//b`, `..`) is refused with `InvalidInputError`.
 */
export function normalizePrefix(prefix: string | undefined): string {
  const shared = normalizeSharedPrefix(prefix);
  if (shared === '') return '';
  const trimmed = shared.replace(/\/+$/, '');
  const problem = bosKeyProblem(trimmed);
  if (problem) {
    throw new InvalidInputError(
      `[memory/bos] prefix ${JSON.stringify(String(prefix).slice(0, 64))} is not usable: ${problem}`,
      {
        details: { prefix },
      },
    );
  }
  return `${trimmed}/`;
}

/** The full BOS key of `key` under `prefix`; throws `InvalidInputError` when BOS or the SDK cannot store it. */
export function toBosKey(prefix: string, key: string): string {
  const full = prefix + key;
  const problem = typeof key === 'string' && key.length > 0 ? bosKeyProblem(full) : 'it is empty';
  if (problem) {
    const shown = typeof key === 'string' ? JSON.stringify(key.slice(0, 64)) : String(key);
    throw new InvalidInputError(`[memory/bos] object key ${shown} cannot be stored on BOS: ${problem}`, {
      details: { key },
    });
  }
  return full;
}
