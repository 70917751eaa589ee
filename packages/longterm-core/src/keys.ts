import { InvalidInputError } from '@memory/errors';

/** The longest user id, in UTF-8 bytes, that {@link validateUserId} accepts. */
export const MAX_USER_ID_BYTES = 512;

// Lone surrogates would be replaced by U+FFFD when encoded as UTF-8, so two different ids
// would share one key.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL = /\p{Cc}/u;

/**
 * Throws `InvalidInputError` unless `userId` can be put verbatim into an object key, as the
 * original library did. Refused: a non-string or empty id, `/` or `\` (they would nest or escape
 * the key), a control character, `.` or `..`, ill-formed Unicode, and more than 512 UTF-8 bytes.
 * Every id the original could store safely (`u123`, `中文用户`, `a b`, emails...) passes.
 *
 * @example
 * ```ts
 * validateUserId('u123');       // ok
 * validateUserId('../secrets'); // throws InvalidInputError
 * ```
 */
export function validateUserId(userId: string): void {
  if (typeof userId !== 'string') {
    throw new InvalidInputError(`[memory/longterm] user id must be a string, got ${typeof userId}`);
  }
  const why = userIdProblem(userId);
  if (why) {
    throw new InvalidInputError(`[memory/longterm] invalid user id ${JSON.stringify(userId.slice(0, 64))}: ${why}`, {
      details: { field: 'userId', reason: why },
    });
  }
}

function userIdProblem(userId: string): string | undefined {
  if (userId.length === 0) return 'it is empty';
  if (userId.includes('/') || userId.includes('\\')) return 'it contains a path separator (/ or \\)';
  if (CONTROL.test(userId)) return 'it contains a control character';
  if (userId === '.' || userId === '..') return 'it is a relative path segment (. or ..)';
  if (LONE_SURROGATE.test(userId)) return 'it is not well-formed Unicode (lone surrogate)';
  const bytes = Buffer.byteLength(userId, 'utf8');
  if (bytes > MAX_USER_ID_BYTES) return `it is ${bytes} bytes long in UTF-8, over the limit of ${MAX_USER_ID_BYTES}`;
  return undefined;
}

/**
 * The key of a user's profile, exactly as the original wrote it: `profiles/{userId}.json`.
 *
 * @example
 * ```ts
 * profileKey('u123'); // 'profiles/u123.json'
 * ```
 * @throws InvalidInputError when {@link validateUserId} refuses the id.
 */
export function profileKey(userId: string): string {
  validateUserId(userId);
  return `profiles/${userId}.json`;
}

/**
 * The key of a profile's optional metadata object: `profiles/{userId}.meta.json`.
 *
 * @throws InvalidInputError when {@link validateUserId} refuses the id.
 */
export function profileMetaKey(userId: string): string {
  validateUserId(userId);
  return `profiles/${userId}.meta.json`;
}

/**
 * The key of a user's knowledge triples (JSONL), exactly as the original wrote it:
 * `knowledge/{userId}.jsonl`.
 *
 * @example
 * ```ts
 * knowledgeKey('中文用户'); // 'knowledge/中文用户.jsonl'
 * ```
 * @throws InvalidInputError when {@link validateUserId} refuses the id.
 */
export function knowledgeKey(userId: string): string {
  validateUserId(userId);
  return `knowledge/${userId}.jsonl`;
}

/**
 * Throws `InvalidInputError` unless `key` is usable as an object key by every backend: a
 * non-empty string without NUL, at most 1024 UTF-8 bytes (the S3 and BOS limit). Backends call
 * it before any storage call; the filesystem backend applies stricter path rules on top.
 */
export function validateObjectKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidInputError('[memory/longterm] object key must be a non-empty string');
  }
  if (key.includes('\0')) {
    throw new InvalidInputError(`[memory/longterm] object key ${JSON.stringify(key.slice(0, 64))} contains NUL`);
  }
  if (Buffer.byteLength(key, 'utf8') > 1024) {
    throw new InvalidInputError(
      `[memory/longterm] object key ${JSON.stringify(key.slice(0, 64))}... is over 1024 bytes in UTF-8`,
    );
  }
}

/**
 * Orders keys the way S3 and BOS list them: by their UTF-8 bytes. (JavaScript's default sort
 * compares UTF-16 code units, which orders characters above U+FFFF differently.)
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
