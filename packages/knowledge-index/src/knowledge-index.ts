import { sql, type MemoryDb } from '@memory/db';
import { ConfigurationError, InvalidInputError } from '@memory/errors';
import type { EmbeddingProvider } from '@memory/embeddings';
import type { TriplesSink } from '@memory/semantics';
import { tripleIdentityHash, type Triple, type TripleMetadata } from '@memory/semantics';

/** pgvector's HNSW index takes vectors of at most this many dimensions. */
const HNSW_MAX_DIMENSIONS = 2000;
const CHUNK = 200;

/** Options of {@link ensureKnowledgeIndex}. */
export interface EnsureKnowledgeIndexOptions {
  /** Length of the stored vectors: the embedding provider's `dimensions`. */
  dimensions: number;
  /** Table name (default `knowledge_index`). */
  table?: string;
}

function tableName(table: string | undefined): string {
  const name = table ?? 'knowledge_index';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new InvalidInputError(
      `[memory/knowledge-index] knowledge index table name ${JSON.stringify(name)} must be a lower-case SQL identifier`,
    );
  }
  return name;
}

/**
 * Creates the `knowledge_index` table and its indexes if they are missing (idempotent, safe
 * on every start; run it from one process on a fresh PostgreSQL database, as `initDb()`):
 * `user_id`, `identity` (hash of the folded triple; with `user_id` the primary key),
 * `subject`, `predicate`, `object`, `metadata jsonb`, `position` (file order), `model`,
 * `embedding vector(N)`, `updated_at`; a `user_id` index comes with the key, and an HNSW
 * cosine index on `embedding` when N ≤ 2000. Only additive statements are used.
 *
 * @throws ConfigurationError when the table exists with another vector dimension.
 * @example
 * ```ts
 * await ensureKnowledgeIndex(db, { dimensions: 1024 });
 * ```
 */
export async function ensureKnowledgeIndex(db: MemoryDb, options: EnsureKnowledgeIndexOptions): Promise<void> {
  const table = tableName(options.table);
  const dims = options.dimensions;
  if (!Number.isInteger(dims) || dims < 1 || dims > 16_000) {
    throw new InvalidInputError(
      `[memory/knowledge-index] knowledge index dimensions must be an integer from 1 to 16000, got ${dims}`,
    );
  }
  await db.query(sql`create extension if not exists vector`);
  const existing = await db.query<{ dims: number }>(
    sql`select a.atttypmod as dims from pg_attribute a where a.attrelid = to_regclass(${table}) and a.attname = 'embedding' and not a.attisdropped`,
  );
  if (existing.length > 0 && Number(existing[0]!.dims) !== dims) {
    throw new ConfigurationError(
      `[memory/knowledge-index] ${table}.embedding is vector(${existing[0]!.dims}) but the embedding provider has ${dims} dimensions: use a provider of ${existing[0]!.dims} dimensions, or another table (option table)`,
      { details: { table, stored: existing[0]!.dims, wanted: dims } },
    );
  }
  // The table name and the dimension are checked above (a lower-case identifier, an integer).
  await db.query(sql`create table if not exists ${sql.raw(table)} (
    user_id text not null,
    identity text not null,
    subject text not null,
    predicate text not null,
    object text not null,
    metadata jsonb,
    position integer not null,
    model text,
    embedding vector(${sql.raw(String(dims))}),
    updated_at timestamptz not null default now(),
    primary key (user_id, identity)
  )`);
  if (dims <= HNSW_MAX_DIMENSIONS) {
    await db.query(
      sql.raw(`create index if not exists ix_${table}_embedding on ${table} using hnsw (embedding vector_cosine_ops)`),
    );
  }
}

/** What {@link KnowledgeIndex.sync} changed. */
export interface KnowledgeIndexSyncResult {
  /** Rows added or re-embedded (new triples, or vectors from another model). */
  embedded: number;
  /** Rows whose position or metadata (e.g. an end time) changed. */
  updated: number;
  /** Rows removed because their triple is gone. */
  deleted: number;
  unchanged: number;
}

/** A triple found by vector similarity. */
export interface VectorHit {
  triple: Triple;
  /** Cosine similarity to the query, -1..1. */
  similarity: number;
  /** Position in the list at the last sync. */
  position: number;
  /** The triple's identity hash (see `tripleIdentity`). */
  identity: string;
}

/** Options of {@link createKnowledgeIndex}. */
export interface KnowledgeIndexOptions {
  db: MemoryDb;
  provider: EmbeddingProvider;
  /** Table name (default `knowledge_index`). */
  table?: string;
  /** HNSW candidate list size for searches (`hnsw.ef_search`, default 100). */
  efSearch?: number;
}

/**
 * The Postgres knowledge index: one row per triple with its embedding, kept in step with the
 * stored JSONL (pass it as `sink` to `addKnowledgeTriples` / `saveKnowledgeTriples`, or call
 * `sync`), searched by cosine similarity, and used by `retrieveRelevantKnowledge` for hybrid
 * (BM25 + vector) ranking when given as `knowledgeIndex`.
 */
export interface KnowledgeIndex extends TriplesSink {
  readonly provider: EmbeddingProvider;
  /** Creates the table if needed (also done on first use). */
  ensure(): Promise<void>;
  /**
   * Makes the user's rows match `triples`: embeds new triples (and rows embedded by another
   * model), updates positions and metadata, deletes rows of triples no longer there.
   */
  sync(userId: string, triples: readonly Triple[]): Promise<KnowledgeIndexSyncResult>;
  /** The `limit` triples of the user nearest to `query`, most similar first. */
  search(userId: string, query: string, limit?: number): Promise<VectorHit[]>;
  /** Removes every row of the user; returns how many. */
  deleteUser(userId: string): Promise<number>;
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

const vectorLiteral = (v: readonly number[]) => `[${v.join(',')}]`;
const metadataJson = (t: Triple) => (t[3] && Object.keys(t[3]).length > 0 ? JSON.stringify(t[3]) : null);

/**
 * Creates a {@link KnowledgeIndex} on a `@memory/db` database.
 *
 * @example
 * ```ts
 * const index = createKnowledgeIndex({ db, provider: createHashingEmbedder({ dimensions: 256 }) });
 * await addKnowledgeTriples(storage, 'u1', [['用户', '喜欢', '咖啡']], { sink: index });
 * await retrieveRelevantKnowledge(storage, 'u1', '他喝什么', { knowledgeIndex: index });
 * ```
 */
export function createKnowledgeIndex(options: KnowledgeIndexOptions): KnowledgeIndex {
  const { db, provider } = options;
  const table = tableName(options.table);
  // Checked by tableName: a lower-case SQL identifier.
  const name = sql.raw(table);
  const model = provider.modelId ?? 'unknown';
  const efSearch = Math.max(1, Math.floor(options.efSearch ?? 100));
  let ready: Promise<void> | undefined;
  const ensure = () => {
    ready ??= ensureKnowledgeIndex(db, { dimensions: provider.dimensions, table }).catch((e: unknown) => {
      ready = undefined;
      throw e;
    });
    return ready;
  };

  async function sync(userId: string, triples: readonly Triple[]): Promise<KnowledgeIndexSyncResult> {
    await ensure();
    const desired = new Map<string, { triple: Triple; position: number }>();
    triples.forEach((triple, position) => {
      const id = tripleIdentityHash(triple);
      if (!desired.has(id)) desired.set(id, { triple, position });
    });
    const rows = await db.query<{
      identity: string;
      position: number;
      metadata: string | null;
      model: string | null;
    }>(sql`select identity, position, metadata::text as metadata, model from ${name} where user_id = ${userId}`);
    const existing = new Map(rows.map((r) => [r.identity, r]));
    const toDelete = rows.filter((r) => !desired.has(r.identity)).map((r) => r.identity);
    const toEmbed: Array<{ id: string; triple: Triple; position: number }> = [];
    const toUpdate: Array<{ id: string; triple: Triple; position: number }> = [];
    let unchanged = 0;
    for (const [id, { triple, position }] of desired) {
      const row = existing.get(id);
      if (!row || row.model !== model) toEmbed.push({ id, triple, position });
      else if (
        Number(row.position) !== position ||
        canonical(row.metadata === null ? null : JSON.parse(row.metadata)) !==
          canonical(triple[3] && Object.keys(triple[3]).length > 0 ? triple[3] : null)
      ) {
        toUpdate.push({ id, triple, position });
      } else unchanged++;
    }
    // Embed before opening the transaction: it is a network call.
    const vectors =
      toEmbed.length > 0
        ? await provider.embed(toEmbed.map((r) => `${r.triple[0]} ${r.triple[1]} ${r.triple[2]}`))
        : [];
    await db.scope(async (em) => {
      for (let i = 0; i < toDelete.length; i += CHUNK) {
        const ids = toDelete.slice(i, i + CHUNK);
        await db.query(
          sql`delete from ${name} where user_id = ${userId} and identity = any(${ids}::text[])`,
          undefined,
          em,
        );
      }
      for (let i = 0; i < toEmbed.length; i += CHUNK) {
        const chunk = toEmbed.slice(i, i + CHUNK);
        const values = chunk.map(
          (r, k) =>
            sql`(${userId}, ${r.id}, ${r.triple[0]}, ${r.triple[1]}, ${r.triple[2]}, ${metadataJson(r.triple)}::jsonb, ${r.position}, ${model}, ${vectorLiteral(vectors[i + k]!)}::vector, now())`,
        );
        await db.query(
          sql`insert into ${name} (user_id, identity, subject, predicate, object, metadata, position, model, embedding, updated_at)
           values ${sql.join(values, ', ')}
           on conflict (user_id, identity) do update set subject = excluded.subject, predicate = excluded.predicate,
             object = excluded.object, metadata = excluded.metadata, position = excluded.position, model = excluded.model,
             embedding = excluded.embedding, updated_at = excluded.updated_at`,
          undefined,
          em,
        );
      }
      for (let i = 0; i < toUpdate.length; i += CHUNK) {
        const chunk = toUpdate.slice(i, i + CHUNK);
        const values = chunk.map((r) => sql`(${r.id}, ${r.position}::integer, ${metadataJson(r.triple)}::jsonb)`);
        await db.query(
          sql`update ${name} as k set position = v.position, metadata = v.metadata, updated_at = now()
           from (values ${sql.join(values, ', ')}) as v(identity, position, metadata)
           where k.user_id = ${userId} and k.identity = v.identity`,
          undefined,
          em,
        );
      }
    });
    return { embedded: toEmbed.length, updated: toUpdate.length, deleted: toDelete.length, unchanged };
  }

  async function search(userId: string, query: string, limit = 20): Promise<VectorHit[]> {
    await ensure();
    const [vector] = await provider.embed([query]);
    if (!vector || vector.every((x) => x === 0)) return [];
    const literal = vectorLiteral(vector);
    const rows = await db.scope(async (em) => {
      // Iterative scans (pgvector 0.8+) keep filtering by user from starving the HNSW result;
      // older versions ignore the unknown setting.
      await db.query(
        sql`select set_config('hnsw.ef_search', ${String(efSearch)}, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`,
        undefined,
        em,
      );
      const vector = sql`${sql.param(literal)}::vector`;
      return db.query<{
        identity: string;
        subject: string;
        predicate: string;
        object: string;
        metadata: string | null;
        position: number;
        similarity: number;
      }>(
        sql`select identity, subject, predicate, object, metadata::text as metadata, position, 1 - (embedding <=> ${vector}) as similarity
         from ${name} where user_id = ${userId} and model = ${model} and embedding is not null
         order by embedding <=> ${vector} limit ${Math.max(1, Math.floor(limit))}`,
        undefined,
        em,
      );
    });
    return rows.map((r) => {
      const meta = r.metadata === null ? undefined : (JSON.parse(r.metadata) as TripleMetadata);
      const triple: Triple = meta ? [r.subject, r.predicate, r.object, meta] : [r.subject, r.predicate, r.object];
      return { triple, similarity: Number(r.similarity), position: Number(r.position), identity: r.identity };
    });
  }

  async function deleteUser(userId: string): Promise<number> {
    await ensure();
    const rows = await db.query<{ n: number }>(
      sql`with d as (delete from ${name} where user_id = ${userId} returning 1) select count(*)::int as n from d`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  return { provider, ensure, sync, search, deleteUser };
}
