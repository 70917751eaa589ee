import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDatabaseUrl } from '@memory/db';
import { createArchiver, type Archiver, type ArchivePolicy } from '@memory/archive';
import { createConversationStore, type ConversationStore } from '@memory/conversations';
import { createMemoryDb, type MemoryDb } from '@memory/db';
import { ConflictError } from '@memory/errors';
import { createLongTermStorage, type LongTermStorage } from '@memory/longterm-core';
import { bosAdapter } from '@memory/longterm-bos';
import { s3Adapter } from '@memory/longterm-s3';
import { ApiKeySchema } from './api-keys.js';
import { CodeReviewSchema } from './code-review.js';
import type { AppConfig } from './config.js';
import { createEmbeddingProvider, type AppEmbeddingProvider } from './embedding-provider.js';
import {
  embeddedSocketDir,
  embeddedSocketExists,
  serveEmbeddedDatabase,
  socketDatabaseUrl,
  type EmbeddedServer,
} from './embedded-server.js';
import { lockPgliteDir, type PgliteLock } from './pglite-lock.js';

/** Everything the routes and the CLI work with, built from an {@link AppConfig}. */
export interface MemoryServices {
  readonly config: AppConfig;
  readonly db: MemoryDb;
  readonly store: ConversationStore;
  readonly storage: LongTermStorage;
  readonly archiver: Archiver;
  readonly embedder: AppEmbeddingProvider;
  /**
   * How an embedded database is reached: `direct` (this process opened it), `serving` (this
   * process opened it and shares it on a socket), `shared` (another process serves it and this
   * one connects through its socket); `null` for PostgreSQL.
   */
  readonly embedded: 'direct' | 'serving' | 'shared' | null;
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
  /**
   * For an embedded PGlite directory: serve it on a local Unix socket so other processes (the
   * CLI, `memory mcp`) can use it while this one runs. The service sets it; default `false`.
   */
  shareEmbedded?: boolean;
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
  const embedded = await openEmbedded(config.databaseUrl, config.cwd, options.shareEmbedded ?? false);
  const { lock, server } = embedded;
  let db: MemoryDb | undefined;
  try {
    db = createMemoryDb({
      url: embedded.url,
      embeddingDimensions: embedder.dimensions,
      entities: [CodeReviewSchema, ApiKeySchema],
      preparedStatements: config.preparedStatements,
      // Through a shared socket every connection is a client of the one PGlite session.
      ...(embedded.mode === 'serving' ? { pool: { min: 0, max: 4 } } : {}),
      ...(embedded.mode === 'shared' ? { pool: { min: 0, max: 1 } } : {}),
    });
    // Without initDb, wait for the engine anyway: commands read db.orm right away, and a pglite://
    // database's first one loads its (optional) packages asynchronously.
    if (options.init ?? true) await db.initDb();
    else await db.ready();
  } catch (error) {
    await db?.close().catch(() => undefined);
    await server?.close();
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
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await opened.close();
      await server?.close();
      await lock?.release();
    })());
  return { config, db: opened, store, storage, archiver, embedder, embedded: embedded.mode, close };
}

interface EmbeddedAccess {
  url: string;
  mode: MemoryServices['embedded'];
  lock: PgliteLock | null;
  server: EmbeddedServer | null;
}

/**
 * For an embedded PGlite directory: takes the one-process lock (serving the database on a socket
 * when `share`), or, when a live process holds it and serves it, connects through its socket.
 */
async function openEmbedded(url: string, cwd: string, share: boolean): Promise<EmbeddedAccess> {
  const target = parseDatabaseUrl(url);
  if (target.kind !== 'pglite' || !target.dataDir) {
    return { url, mode: target.kind === 'pglite' ? 'direct' : null, lock: null, server: null };
  }
  const dir = resolve(cwd, target.dataDir);
  let lock: PgliteLock;
  try {
    lock = await lockEmbeddedDatabase(dir);
  } catch (error) {
    if (!ConflictError.isInstance(error)) throw error;
    if (embeddedSocketExists(dir)) {
      return { url: socketDatabaseUrl(embeddedSocketDir(dir)), mode: 'shared', lock: null, server: null };
    }
    throw error;
  }
  if (!share) return { url, mode: 'direct', lock, server: null };
  try {
    const server = await serveEmbeddedDatabase(dir);
    return { url: server.url, mode: 'serving', lock, server };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/**
 * For an embedded PGlite directory: creates the folders above it (PGlite creates only its own,
 * and `.data/` is missing on a fresh clone) and takes the one-process lock.
 */
async function lockEmbeddedDatabase(dir: string): Promise<PgliteLock> {
  await mkdir(dirname(dir), { recursive: true });
  return lockPgliteDir(dir);
}
