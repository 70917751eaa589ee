import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDatabaseUrl } from '@memory/db';
import { createArchiver, type Archiver, type ArchivePolicy } from '@memory/archive';
import { createConversationStore, type ConversationStore } from '@memory/conversations';
import { createMemoryDb, type MemoryDb } from '@memory/db';
import { createLongTermStorage, type LongTermStorage } from '@memory/longterm-core';
import { bosAdapter } from '@memory/longterm-bos';
import { s3Adapter } from '@memory/longterm-s3';
import { CodeReviewSchema } from './code-review.js';
import type { AppConfig } from './config.js';
import { createEmbeddingProvider, type AppEmbeddingProvider } from './embedding-provider.js';
import { lockPgliteDir, type PgliteLock } from './pglite-lock.js';

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
  /**
   * Object-storage credentials, winning over the environment (S3: the AWS SDK's default chain;
   * BOS: `BOS_ACCESS_KEY` / `BOS_SECRET_KEY`). Never put them in the storage URL.
   */
  storageCredentials?: { accessKey: string; secretKey: string; sessionToken?: string };
}

/**
 * Connects the database (with the app's `code_reviews` entity registered beside the memory
 * entities) and the long-term storage, and builds the store, the archiver and the embedder.
 */
export async function openMemoryServices(
  config: AppConfig,
  options: OpenServicesOptions = {},
): Promise<MemoryServices> {
  const embedder = createEmbeddingProvider(config.embedding);
  const storage = await createLongTermStorage(config.storageUrl, {
    cwd: config.cwd,
    env: config.env,
    ...options.storageCredentials,
    // The object stores this app supports; memory:// and file:// are built into the core.
    adapters: [s3Adapter(), bosAdapter()],
  });
  const lock = await lockEmbeddedDatabase(config.databaseUrl, config.cwd);
  let db: MemoryDb | undefined;
  try {
    db = createMemoryDb({
      url: config.databaseUrl,
      embeddingDimensions: embedder.dimensions,
      entities: [CodeReviewSchema],
    });
    // Without initDb, wait for the engine anyway: commands read db.orm right away, and a pglite://
    // database's first one loads its (optional) packages asynchronously.
    if (options.init ?? true) await db.initDb();
    else await db.ready();
  } catch (error) {
    await db?.close().catch(() => undefined);
    await lock?.release();
    throw error;
  }
  const opened = db;
  const actor = options.actor ?? 'memory/example';
  const archiver = createArchiver({
    db: opened,
    storage,
    actor,
    ...(options.archivePolicy ? { policy: options.archivePolicy } : {}),
  });
  const store = createConversationStore(opened, {
    actor,
    restore: async (id) => void (await archiver.restoreSession(id)),
  });
  const close = async () => {
    await opened.close();
    await lock?.release();
  };
  return { config, db: opened, store, storage, archiver, embedder, close };
}

/**
 * For an embedded PGlite directory: creates the folders above it (PGlite creates only its own,
 * and `.data/` is missing on a fresh clone) and takes the one-process lock.
 */
async function lockEmbeddedDatabase(url: string, cwd: string): Promise<PgliteLock | null> {
  const target = parseDatabaseUrl(url);
  if (target.kind !== 'pglite' || !target.dataDir) return null;
  const dir = resolve(cwd, target.dataDir);
  await mkdir(dirname(dir), { recursive: true });
  return lockPgliteDir(dir);
}
