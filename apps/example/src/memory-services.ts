import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDatabaseUrl } from '@memory/db';
import { createArchiver, type Archiver, type ArchivePolicy } from '@memory/archive';
import { createConversationStore, type ConversationStore } from '@memory/conversations';
import { createMemoryDb, type MemoryDb } from '@memory/db';
import { createLongTermStorage, type LongTermStorage } from '@memory/longterm-core';
import { CodeReviewSchema } from './code-review.js';
import type { AppConfig } from './config.js';
import { createEmbeddingProvider, type AppEmbeddingProvider } from './embedding-provider.js';
import { yieldingDb } from './yielding-db.js';

/** Everything the routes and the CLI work with, built from an {@link AppConfig}. */
export interface MemoryServices {
  readonly config: AppConfig;
  readonly db: MemoryDb;
  readonly store: ConversationStore;
  readonly storage: LongTermStorage;
  readonly archiver: Archiver;
  readonly embedder: AppEmbeddingProvider;
  /** Closes the database. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link openMemoryServices}. */
export interface OpenServicesOptions {
  /** Run `db.initDb()` (extension, migrations, app tables). Default `true`. */
  init?: boolean;
  /** The actor recorded on audit rows. */
  actor?: string;
  /** Archive ages; default the original's 7 / 180 / 1095 days. */
  archivePolicy?: Partial<ArchivePolicy>;
}

/**
 * Connects the database (with the app's `code_reviews` entity registered beside the memory
 * entities) and the long-term storage, and builds the store, the archiver and the embedder.
 */
export async function openMemoryServices(config: AppConfig, options: OpenServicesOptions = {}): Promise<MemoryServices> {
  const embedder = createEmbeddingProvider(config.embedding);
  const storage = await createLongTermStorage(config.storageUrl, {
    cwd: config.cwd,
    env: config.env,
    // The backends are this app's own dependencies: import them from here.
    importModule: (specifier) => import(specifier),
  });
  await ensurePgliteParent(config.databaseUrl, config.cwd);
  const db = createMemoryDb({ url: config.databaseUrl, embeddingDimensions: embedder.dimensions, entities: [CodeReviewSchema] });
  try {
    if (options.init ?? true) await db.initDb();
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  const actor = options.actor ?? 'memory/example';
  // Archive runs are long loops of transactions: let signals and requests in between them.
  const archiver = createArchiver({ db: yieldingDb(db), storage, actor, ...(options.archivePolicy ? { policy: options.archivePolicy } : {}) });
  const store = createConversationStore(db, { actor, restore: async (id) => void (await archiver.restoreSession(id)) });
  return { config, db, store, storage, archiver, embedder, close: () => db.close() };
}

/** PGlite creates its data folder but not the folders above it (`.data/` on a fresh clone). */
async function ensurePgliteParent(url: string, cwd: string): Promise<void> {
  const target = parseDatabaseUrl(url);
  if (target.kind === 'pglite' && target.dataDir) await mkdir(dirname(resolve(cwd, target.dataDir)), { recursive: true });
}
