import { archivePrefix } from '@memory/db';

/** File name of a session's messages inside its archive folder. */
export const MESSAGES_OBJECT = 'messages.jsonl.gz';
/** File name of a session's summaries inside its archive folder. */
export const SUMMARIES_OBJECT = 'summaries.jsonl.gz';
/** File name of a session's manifest; written last, so its presence marks a complete export. */
const MANIFEST_OBJECT = 'manifest.json';

/**
 * The keys of a session's deep-archive export, under `archivePrefix(sessionId)` of `@memory/db`
 * (`archive/{sessionId}/`, lower-case UUID), the folder `@memory/conversations`' user purge
 * removes too.
 *
 * @throws InvalidInputError when `sessionId` is not a UUID.
 * @example
 * ```ts
 * archiveObjectKeys('6f1c…').manifest; // 'archive/6f1c…/manifest.json'
 * ```
 */
export function archiveObjectKeys(sessionId: string): {
  prefix: string;
  messages: string;
  summaries: string;
  manifest: string;
} {
  const prefix = archivePrefix(sessionId);
  return {
    prefix,
    messages: prefix + MESSAGES_OBJECT,
    summaries: prefix + SUMMARIES_OBJECT,
    manifest: prefix + MANIFEST_OBJECT,
  };
}
