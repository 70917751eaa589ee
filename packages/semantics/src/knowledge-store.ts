import type { LongTermStorage, PutObjectResult } from '@memory/longterm-core';
import { knowledgeKey } from '@memory/longterm-core';
import { mergeTriples, type MergeTriplesOptions } from './merge-triples.js';
import type { SaveOptions } from './profile-store.js';
import { DEFAULT_MAX_KNOWLEDGE_BYTES, type LineLimits, type ReadLimits } from './read-limits.js';
import { withConflictRetry, type RetryOptions } from './retry.js';
import type { Triple } from './triple.js';
import { parseTriples, serializeTriples, type SkippedLine } from './triples-format.js';
import { precondition, readVersioned, requireConditionalWrites } from './versioned-read.js';

const TRIPLES_CONTENT_TYPE = 'application/x-ndjson; charset=utf-8';

/** Options of {@link loadKnowledgeTriples}. `maxObjectBytes` defaults to 64 MiB, `maxLineBytes` to 1 MiB. */
export interface LoadTriplesOptions extends ReadLimits, LineLimits {
  /** Skip lines that are not JSON instead of throwing; they go to `onSkip`. */
  tolerant?: boolean;
  /** Called for each skipped line. */
  onSkip?: (skipped: SkippedLine) => void;
}

/**
 * Something kept in step with a user's saved triples, such as the Postgres knowledge index
 * (`createKnowledgeIndex`). Called after each successful write with the full list.
 */
export interface TriplesSink {
  sync(userId: string, triples: readonly Triple[]): Promise<unknown>;
}

/**
 * Loads `knowledge/{userId}.jsonl`; `[]` when the user has none.
 *
 * @throws InvalidInputError naming the key and line for a line that is not JSON (unless `tolerant`)
 * or longer than `maxLineBytes`; naming the key and the limit for an object larger than
 * `maxObjectBytes` (refused before it is read).
 * @example
 * ```ts
 * const triples = await loadKnowledgeTriples(storage, 'u1'); // [['用户', '使用', 'BOS'], ...]
 * ```
 */
export async function loadKnowledgeTriples(
  storage: LongTermStorage,
  userId: string,
  options: LoadTriplesOptions = {},
): Promise<Triple[]> {
  const key = knowledgeKey(userId);
  const { maxObjectBytes, ...parse } = options;
  const bytes = await storage.getObject(key, { maxBytes: maxObjectBytes ?? DEFAULT_MAX_KNOWLEDGE_BYTES });
  return bytes === null ? [] : parseTriples(bytes, { key, ...parse });
}

/** Options of {@link saveKnowledgeTriples}. */
export interface SaveTriplesOptions extends SaveOptions {
  /** Kept in step after the write (e.g. the Postgres knowledge index). */
  sink?: TriplesSink;
}

/**
 * Replaces a user's triples with `triples`, in the original's JSONL format. Without
 * preconditions this is last-writer-wins, as in the original; to add triples safely use
 * {@link addKnowledgeTriples}.
 *
 * @returns the new etag.
 * @example
 * ```ts
 * await saveKnowledgeTriples(storage, 'u1', [['用户', '使用', 'BOS'], ['用户', '部署', 'AI服务']]);
 * ```
 */
export async function saveKnowledgeTriples(
  storage: LongTermStorage,
  userId: string,
  triples: readonly Triple[],
  options: SaveTriplesOptions = {},
): Promise<PutObjectResult> {
  const key = knowledgeKey(userId);
  const { sink, ...conditions } = options;
  const result = await storage.putObject(key, serializeTriples(triples), {
    contentType: TRIPLES_CONTENT_TYPE,
    ...conditions,
  });
  await sink?.sync(userId, triples);
  return result;
}

/** Options of {@link addKnowledgeTriples}. */
export interface AddTriplesOptions extends MergeTriplesOptions, RetryOptions, ReadLimits, LineLimits {
  /** Kept in step after the write (e.g. the Postgres knowledge index). */
  sink?: TriplesSink;
}

/** What {@link addKnowledgeTriples} did. */
export interface AddTriplesResult {
  added: number;
  duplicates: number;
  superseded: number;
  /** Etag of the object written (or of the unchanged object when nothing was added). */
  etag: string | null;
  /** Read-merge-write rounds it took. */
  attempts: number;
}

/**
 * Adds triples to a user's knowledge without losing concurrent additions: reads the list with
 * its etag, merges (duplicates after NFKC/case/whitespace folding dropped; for `singleValued`
 * predicates the newer value supersedes the older, which keeps an `endTime`), writes with
 * `ifMatch` / `ifNoneMatch: '*'`, and retries on `ConflictError` with jittered backoff. When
 * nothing changes nothing is written.
 *
 * @throws ConflictError after `maxAttempts` lost races; UnsupportedError for a backend without
 * conditional writes; InvalidInputError when the stored list has a line that is not JSON or is
 * over `maxLineBytes`, or the object is over `maxObjectBytes`.
 * @example
 * ```ts
 * await addKnowledgeTriples(storage, 'u1', [['用户', '住在', '上海']], {
 *   singleValued: ['住在'], metadata: { sessionId: 's-42' },
 * });
 * ```
 */
export async function addKnowledgeTriples(
  storage: LongTermStorage,
  userId: string,
  triples: readonly Triple[],
  options: AddTriplesOptions = {},
): Promise<AddTriplesResult> {
  const key = knowledgeKey(userId);
  requireConditionalWrites(storage, `adding to ${key}`);
  const { maxAttempts, baseDelayMs, maxDelayMs, signal, sink, maxObjectBytes, maxLineBytes, ...merge } = options;
  const maxBytes = maxObjectBytes ?? DEFAULT_MAX_KNOWLEDGE_BYTES;
  const result = await withConflictRetry(
    key,
    async (attempts) => {
      const { bytes, etag } = await readVersioned(storage, key, maxBytes);
      const existing = bytes === null ? [] : parseTriples(bytes, { key, maxLineBytes });
      const merged = mergeTriples(existing, triples, merge);
      if (merged.added === 0 && merged.superseded === 0) {
        return { added: 0, duplicates: merged.duplicates, superseded: 0, etag, attempts, all: null };
      }
      const written = await storage.putObject(key, serializeTriples(merged.triples), {
        contentType: TRIPLES_CONTENT_TYPE,
        ...precondition(etag),
      });
      const { triples: all, ...counts } = merged;
      return { ...counts, etag: written.etag, attempts, all };
    },
    { maxAttempts, baseDelayMs, maxDelayMs, signal },
  );
  const { all, ...out } = result;
  if (all !== null) await sink?.sync(userId, all);
  return out;
}
