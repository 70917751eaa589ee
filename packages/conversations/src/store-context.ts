import type { MemoryDb } from '@memory/db';
import type { SqlRunner } from './sql-client.js';
import type { EmbeddingProvider } from '@memory/embeddings';

/** What every part of the store shares: the database, its SQL runner and the store's options. */
export interface StoreContext {
  db: MemoryDb;
  sql: SqlRunner;
  /** The deployment's embedding dimension (`db.embeddingDimensions`). */
  dimensions: number;
  /** Characters of message and summary previews in session lists. */
  previewLength: number;
  /** Default actor of the audit rows the store writes. */
  actor: string | null;
  /** Brings an archived session back (from `@memory/archive`). */
  restore: ((sessionId: string) => Promise<unknown>) | null;
  /** `hnsw.ef_search` of searches that do not give their own (raised to `topK` when lower). */
  efSearch: number;
  /** Searches whose scope holds at most this many messages use an exact scan; `0`: never. */
  exactSearchThreshold: number;
  /** Embeds edited messages and text searches without a provider of their own; `null` when none was given. */
  embeddingProvider: EmbeddingProvider | null;
  /** Whether the database's pgvector has iterative index scans (asked once, then remembered). */
  iterativeScan(): Promise<boolean>;
}
