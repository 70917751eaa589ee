/** File name of a session's messages inside its archive folder. */
export const MESSAGES_OBJECT = 'messages.jsonl.gz';
/** File name of a session's summaries inside its archive folder. */
export const SUMMARIES_OBJECT = 'summaries.jsonl.gz';
/** File name of a session's manifest; written last, so its presence marks a complete export. */
export const MANIFEST_OBJECT = 'manifest.json';

/** The folder of a session's deep-archive export: `archive/{sessionId}/`. */
export function sessionArchivePrefix(sessionId: string): string {
  return `archive/${sessionId}/`;
}

/**
 * The keys of a session's deep-archive export.
 *
 * @example
 * ```ts
 * archiveObjectKeys('6f1c…').manifest; // 'archive/6f1c…/manifest.json'
 * ```
 */
export function archiveObjectKeys(sessionId: string): { prefix: string; messages: string; summaries: string; manifest: string } {
  const prefix = sessionArchivePrefix(sessionId);
  return {
    prefix,
    messages: prefix + MESSAGES_OBJECT,
    summaries: prefix + SUMMARIES_OBJECT,
    manifest: prefix + MANIFEST_OBJECT,
  };
}
