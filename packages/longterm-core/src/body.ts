import { createHash } from 'node:crypto';
import { InvalidInputError, UnsupportedError } from '@memory/errors';
import type { GetObjectOptions, ObjectBody, PutObjectOptions } from './types.js';

/** The content type stored when a write names none. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** The bytes of a body: strings are encoded as UTF-8; byte arrays are copied only when asked. */
export function toBytes(body: ObjectBody, copy = false): Uint8Array {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return copy ? new Uint8Array(body) : body;
  throw new InvalidInputError(`[memory/longterm] object body must be a string or Uint8Array, got ${typeof body}`);
}

/**
 * The etag of a body as S3 computes it for a single-part upload: the MD5 hex digest in double
 * quotes. Identical content gives an identical etag, so rewriting the same bytes keeps it.
 */
export function md5Etag(bytes: Uint8Array): string {
  return `"${createHash('md5').update(bytes).digest('hex')}"`;
}

/** Etags compared without the quotes and a weak `W/` marker, as HTTP does for If-Match. */
export function sameEtag(a: string, b: string): boolean {
  return normalizeEtag(a) === normalizeEtag(b);
}

function normalizeEtag(etag: string): string {
  return etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
}

/**
 * Checks the conditional-write options of a put before anything is written: both at once are
 * refused (ambiguous), and a backend without conditional writes refuses either with
 * `UnsupportedError` rather than silently ignoring it.
 */
export function checkPutOptions(
  options: PutObjectOptions | undefined,
  conditionalWrites: boolean,
  source: string,
): void {
  if (!options) return;
  const { ifMatch, ifNoneMatch } = options;
  if (ifMatch !== undefined && ifNoneMatch !== undefined) {
    throw new InvalidInputError(`[memory/${source}] pass either ifMatch or ifNoneMatch, not both`);
  }
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*') {
    throw new InvalidInputError(`[memory/${source}] ifNoneMatch must be '*'`);
  }
  if (ifMatch !== undefined && (typeof ifMatch !== 'string' || ifMatch.length === 0)) {
    throw new InvalidInputError(`[memory/${source}] ifMatch must be a non-empty etag`);
  }
  if (!conditionalWrites && (ifMatch !== undefined || ifNoneMatch !== undefined)) {
    throw new UnsupportedError(
      `[memory/${source}] this backend cannot do conditional writes (ifMatch/ifNoneMatch): check storage.capabilities.conditionalWrites first`,
    );
  }
}

/**
 * The `maxBytes` of a read, checked (a positive safe integer), or `undefined` for no limit.
 * Backends call it before touching the object.
 */
export function readLimit(options: GetObjectOptions | undefined, source: string): number | undefined {
  const max = options?.maxBytes;
  if (max === undefined) return undefined;
  if (!Number.isSafeInteger(max) || max <= 0) {
    throw new InvalidInputError(
      `[memory/${source}] getObject maxBytes must be a positive integer, got ${String(max)}`,
      {
        details: { maxBytes: max },
      },
    );
  }
  return max;
}

/**
 * The error for an object over a read's `maxBytes`: names the key, its size (when known) and the
 * limit, and says what to do.
 */
export function objectTooLarge(
  source: string,
  key: string,
  size: number | undefined,
  maxBytes: number,
): InvalidInputError {
  const what = size === undefined ? 'is larger than' : `is ${size} bytes, over`;
  return new InvalidInputError(
    `[memory/${source}] object "${key}" ${what} the read limit of ${maxBytes} bytes: refused without reading it; if the object is legitimate raise the reader's limit (maxObjectBytes), otherwise replace or delete it`,
    { details: size === undefined ? { key, maxBytes } : { key, size, maxBytes } },
  );
}
