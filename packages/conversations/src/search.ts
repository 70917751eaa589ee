import { InvalidInputError, NotFoundError, type MemoryError } from '@memory/errors';
import { validateEmbedding } from '@memory/models';
import { normalizeUuid } from './ids.js';
import { isPlainObject } from './json-value.js';
import { toMessage, type MessageRow } from './rows.js';
import {
  contextSql,
  exactSearchSql,
  MAX_EF_SEARCH,
  searchSetupSql,
  searchSettingsSql,
  searchSql,
  unembeddedProbeSql,
  type SearchQuery,
  type SearchSetupRow,
} from './search-sql.js';
import { sessionRoute, userRoute, type ShardRoute } from './shard-route.js';
import type { SqlClient } from './sql-client.js';
import type { StoreContext } from './store-context.js';
import type { SearchHit, SearchOptions } from './types.js';
import { checkMessageFilter } from './message-filter.js';
import { checkCount, checkLimit, checkText, checkUserId } from './validate.js';

/** The most messages `around` a hit a search returns on each side. */
const MAX_AROUND = 50;

/** `details.reason` of the `NotFoundError` a search throws when nothing in its scope has an embedding. */
const NO_EMBEDDINGS = 'no_embeddings';

function noEmbeddingsError(sessionId: string | null, userId: string | null): NotFoundError {
  const scope = sessionId !== null ? `session ${sessionId}` : `the sessions of user ${JSON.stringify(userId)}`;
  return new NotFoundError(
    `[memory/conversations] searchMessages: no message in ${scope} matching the filters has an embedding, so a vector search cannot rank them: store embeddings (appendMessages with embedding, setEmbeddings, or embed them with @memory/semantics) before searching`,
    { details: { reason: NO_EMBEDDINGS, sessionId, userId } },
  );
}

/**
 * True when `error` is the `NotFoundError` that {@link ConversationStore.searchMessages}
 * throws when messages match the search's scope and filters but none of them has an embedding
 * (`details.reason === 'no_embeddings'`).
 *
 * @example
 * ```ts
 * const hits = await store.searchMessages({ text, userId }).catch((e) => (isNoEmbeddingsError(e) ? [] : Promise.reject(e)));
 * ```
 */
export function isNoEmbeddingsError(error: unknown): error is NotFoundError {
  return NotFoundError.isInstance(error) && (error as MemoryError).details.reason === NO_EMBEDDINGS;
}

function checkMinScore(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < -1 || value > 1) {
    throw new InvalidInputError(
      `[memory/conversations] minScore must be a number from -1 to 1 (cosine similarity), got ${String(value)}`,
      { details: { field: 'minScore' } },
    );
  }
  return value;
}

/** `topK` when none is given. */
const DEFAULT_TOP_K = 10;
/** The largest `topK` (pgvector's `hnsw.ef_search` goes up to 1000). */
const MAX_TOP_K = 1000;

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
  if (options.allShards !== undefined && typeof options.allShards !== 'boolean') {
    throw new InvalidInputError(
      `[memory/conversations] searchMessages allShards must be true or false, got ${typeof options.allShards}`,
    );
  }
  const topK = checkLimit(options.topK, 'topK', DEFAULT_TOP_K, MAX_TOP_K);
  const { roles, since, until, metadataEquals, metadataContains } = checkMessageFilter(options);
  const efSearch = checkLimit(options.efSearch, 'efSearch', ctx.efSearch, MAX_EF_SEARCH);
  const around = checkCount(options.around, 'around', 0, MAX_AROUND);
  const minScore = checkMinScore(options.minScore);
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
    route:
      sessionId !== null
        ? sessionRoute(sessionId, await ctx.distributed())
        : { ...userRoute(userId!, await ctx.distributed()), allShards: options.allShards === true },
  };
  const iterativeScan = await ctx.iterativeScan();
  const threshold = ctx.exactSearchThreshold;
  return ctx.sql.sqlTransaction(async (tx) => {
    // One round trip sets the HNSW parameters and counts the scope (up to threshold + 1); on
    // Citus the parameters take one more (SET LOCAL, which reaches the workers).
    if (query.route?.distributed)
      await tx.query(searchSettingsSql({ efSearch: Math.max(efSearch, topK), iterativeScan }));
    const setup = searchSetupSql(query, {
      efSearch: Math.max(efSearch, topK),
      iterativeScan,
      countUpTo: threshold > 0 ? threshold + 1 : 0,
    });
    const [state] = await tx.query<SearchSetupRow>(setup);
    const scoped = scopeSize(state, threshold);
    if (state?.unfilled !== undefined && state.unfilled !== null) {
      // A user-scoped search: the fallback for unfilled rows only when the user has some, and
      // then bound to the user's sessions when the search goes to the HNSW index.
      query.unfilled = Number(state.unfilled) === 0 ? 'none' : (state.sessions ?? 'subquery');
    }
    let hits: SearchHit[];
    if (scoped <= threshold) {
      hits = await exactSearch(tx, query);
    } else {
      const statement = searchSql(query);
      const rows = await tx.query<HitRow>(statement);
      // Fewer than topK from the index while the scope holds more than the threshold: the scan
      // stopped early (hnsw.max_scan_tuples, or no iterative scans before pgvector 0.8), or the
      // filters leave fewer candidates than topK. The exact scan settles both.
      hits = rows.length < topK ? await exactSearch(tx, query) : rows.map(toHit);
    }
    if (hits.length === 0) {
      // Nothing has a vector: say so rather than answer "no match" (or rank unembedded rows at 0).
      const probe = unembeddedProbeSql(query);
      const [row] = await tx.query<{ unembedded: boolean }>(probe);
      if (row?.unembedded) throw noEmbeddingsError(sessionId, userId);
      return hits;
    }
    // Hits come nearest first, so the score cut keeps a prefix: up to topK hits at or above it.
    if (minScore !== null) hits = hits.filter((hit) => hit.score >= minScore);
    if (around > 0 && hits.length > 0) {
      if (query.route?.allShards && query.route.distributed) {
        // Hits from every shard: each session's window is read on its own shard.
        const byKey = new Map<number, SearchHit[]>();
        for (const hit of hits) {
          const route = sessionRoute(hit.message.sessionId, true);
          byKey.set(route.key, [...(byKey.get(route.key) ?? []), hit]);
        }
        for (const [key, group] of byKey) await addContext(tx, group, around, { key, distributed: true });
      } else await addContext(tx, hits, around, query.route ?? null);
    }
    return hits;
  });
}

/**
 * The messages in scope, as far as the first statement counted them (up to the threshold + 1):
 * `scoped` for a session, `filled + unfilled` for a user (disjoint rows). Infinite when nothing
 * was counted (threshold 0: always the index).
 */
function scopeSize(state: SearchSetupRow | undefined, threshold: number): number {
  if (threshold <= 0 || !state) return Number.POSITIVE_INFINITY;
  if (state.scoped !== undefined && state.scoped !== null) return Number(state.scoped);
  if (state.filled === undefined || state.filled === null) return Number.POSITIVE_INFINITY;
  return Number(state.filled) + Number(state.unfilled ?? 0);
}

/** Adds the `around` messages before and after each hit in its session, in one statement. */
async function addContext(tx: SqlClient, hits: SearchHit[], around: number, route: ShardRoute | null): Promise<void> {
  const statement = contextSql(
    hits.map((hit) => hit.message.id),
    around,
    route,
  );
  const rows = await tx.query<MessageRow & { hit: number | string; side: 'before' | 'after' }>(
    statement.text,
    statement.values,
  );
  for (const hit of hits) {
    hit.before = [];
    hit.after = [];
  }
  for (const row of rows) {
    const hit = hits[Number(row.hit) - 1]!;
    (row.side === 'before' ? hit.before! : hit.after!).push(toMessage(row));
  }
}

type HitRow = MessageRow & { distance: number | string };

async function exactSearch(tx: SqlClient, query: SearchQuery): Promise<SearchHit[]> {
  const statement = exactSearchSql(query);
  return (await tx.query<HitRow>(statement)).map(toHit);
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
  const provider = options.provider ?? ctx.embeddingProvider;
  if (!provider || typeof provider.embed !== 'function') {
    throw new InvalidInputError(
      '[memory/conversations] searchMessages({ text }) needs provider: an object with embed(texts) => Promise<number[][]> (e.g. from @memory/semantics), given to the search or as the store embeddingProvider',
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
