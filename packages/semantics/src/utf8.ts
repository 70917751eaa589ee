import { InvalidInputError } from '@memory/errors';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Decodes stored bytes as UTF-8 (a leading BOM is dropped); strings pass through.
 * Invalid UTF-8 is an `InvalidInputError` naming `what` (the key, usually).
 */
export function decodeUtf8(data: Uint8Array | string, what: string): string {
  if (typeof data === 'string') return data.charCodeAt(0) === 0xfeff ? data.slice(1) : data;
  try {
    return decoder.decode(data);
  } catch (cause) {
    throw new InvalidInputError(`[memory/semantics] ${what} is not valid UTF-8: re-save it as UTF-8`, {
      cause,
      details: { key: what },
    });
  }
}
