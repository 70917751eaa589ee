import { InvalidInputError } from '@memory/errors';
import { validateEmbedding } from '@memory/models';
import { normalizeUuid } from './ids.js';
import { isPlainObject } from './json-value.js';
import { toMessage, type MessageRow } from './rows.js';
import { exactSearchSql, MAX_EF_SEARCH, searchSetupSql, searchSql, type SearchQuery } from './search-sql.js';
import type { SqlClient } from './sql-client.js';
import type { StoreContext } from './store-context.js';
import type { SearchHit, SearchOptions } from './types.js';
import { checkMessageFilter } from './message-filter.js';
import { checkLimit, checkText, checkUserId } from './validate.js';

/** `topK` when none is given. */
export const DEFAULT_TOP_K = 10;
/** The largest `topK` (pgvector's `hnsw.ef_search` goes up to 1000). */
export const MAX_TOP_K = 1000;

/**
 * `ConversationStore.searchMessages`: checks the options, then in one transaction sets the HNSW
 * parameters, counts the scope, and answers by an exact scan (few messages in scope) or by the
 * HNSW index (completed by an exact scan when it comes back short of `topK`).
 */
export async function searchMessages(ctx: StoreContext, options: SearchOptions): Promise<SearchHit[]> {
  if (!isPlainObject(options))
    throw new InvalidInputError('[memory/conversations] searchMessages takes an options object');
  const sessionId =
    options.sessionId === undefined || options.sessionId === null
      ? null
      : normalizeUuid(options.sessionId, 'sessionId');
  const userId = options.userId === undefined || options.userId === null ? null : checkUserId(options.userId);
  if (sessionId === null && userId === null) {
    throw new InvalidInputError(
      '[memory/conversations] searchMessages needs sessionId or userId: a search never spans every user',
    );
  }
  const topK = checkLimit(options.topK, 'topK', DEFAULT_TOP_K, MAX_TOP_K);
  const { roles, since, until, metadataEquals, metadataContains } = checkMessageFilter(options);
  const efSearch = checkLimit(options.efSearch, 'efSearch', ctx.efSearch, MAX_EF_SEARCH);
  const query: SearchQuery = {
    vector: await queryVector(ctx, options),
    sessionId,
    userId,
    roles,
    since,
    until,
    topK,
    metadataEquals,
    metadataContains,
  };
  const iterativeScan = await ctx.iterativeScan();
  const threshold = ctx.exactSearchThreshold;
  return ctx.sql.sqlTransaction(async (tx) => {
    // One round trip sets the HNSW parameters and counts the scope (up to threshold + 1).
    const setup = searchSetupSql(query, {
      efSearch: Math.max(efSearch, topK),
      iterativeScan,
      countUpTo: threshold > 0 ? threshold + 1 : 0,
    });
    const [state] = await tx.query<{ scoped?: number | string | null }>(setup.text, setup.values);
    const scoped =
      state?.scoped === undefined || state.scoped === null ? Number.POSITIVE_INFINITY : Number(state.scoped);
    if (scoped <= threshold) return exactSearch(tx, query);
    const statement = searchSql(query);
    const rows = await tx.query<HitRow>(statement.text, statement.values);
    // Fewer than topK from the index while the scope holds more than the threshold: the scan
    // stopped early (hnsw.max_scan_tuples, or no iterative scans before pgvector 0.8), or the
    // filters leave fewer candidates than topK. The exact scan settles both.
    return rows.length < topK ? exactSearch(tx, query) : rows.map(toHit);
  });
}

type HitRow = MessageRow & { distance: number | string };

async function exactSearch(tx: SqlClient, query: SearchQuery): Promise<SearchHit[]> {
  const statement = exactSearchSql(query);
  return (await tx.query<HitRow>(statement.text, statement.values)).map(toHit);
}

function toHit(row: HitRow): SearchHit {
  const distance = Number(row.distance);
  return { message: toMessage(row), distance, score: 1 - distance };
}

async function queryVector(ctx: StoreContext, options: SearchOptions): Promise<string> {
  if (options.vector !== undefined && options.vector !== null) {
    if (options.text !== undefined)
      throw new InvalidInputError('[memory/conversations] give searchMessages either vector or text, not both');
    return `[${nonZero(validateEmbedding(options.vector, ctx.dimensions, 'vector'), 'vector').join(',')}]`;
  }
  if (options.text === undefined || options.text === null) {
    throw new InvalidInputError(
      '[memory/conversations] searchMessages needs vector, or text with an embedding provider',
    );
  }
  const text = checkText(options.text, 'text');
  const provider = options.provider;
  if (!provider || typeof provider.embed !== 'function') {
    throw new InvalidInputError(
      '[memory/conversations] searchMessages({ text }) needs provider: an object with embed(texts) => Promise<number[][]> (e.g. from @memory/semantics)',
    );
  }
  const vectors = await provider.embed([text]);
  if (!Array.isArray(vectors) || vectors.length !== 1) {
    throw new InvalidInputError(
      `[memory/conversations] the embedding provider returned ${Array.isArray(vectors) ? vectors.length : typeof vectors} vectors for 1 text`,
    );
  }
  return `[${nonZero(validateEmbedding(vectors[0], ctx.dimensions, 'provider embedding'), 'the embedding of the search text').join(',')}]`;
}

/**
 * A query vector of zeros has no direction: its cosine distance to every message is undefined
 * (NaN), so the ranking would be arbitrary. The local hashing embedder returns one for text with
 * no word in it.
 */
function nonZero(vector: number[], what: string): number[] {
  if (vector.every((x) => x === 0)) {
    throw new InvalidInputError(
      `[memory/conversations] ${what} is all zeros, so cosine similarity is undefined: search with text that has words in it, or another vector`,
    );
  }
  return vector;
}
