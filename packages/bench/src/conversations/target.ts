/**
 * The system under test and its baseline, on one scratch database: this project's store and a
 * bare `pg.Pool` (plain hand-written SQL on the same tables), each a pool of 4.
 */
import pg from 'pg';
import { distributeMemorySchema, type MemoryDb } from '@memory/db';
import { createCitusScratchDatabase } from '@memory/db/testing';
import type { ConversationStore } from '@memory/conversations';
import { createScratch, openMemoryStore, type Scratch } from '../scratch-db.js';
import { DIMS } from './config.js';
import { EF_SEARCH, EXACT_THRESHOLD } from './sql.js';

export interface Target {
  scratch: Pick<Scratch, 'url' | 'drop'>;
  db: MemoryDb;
  store: ConversationStore;
  pool: pg.Pool;
}

/** Shards of the distributed tables on a Citus target (the Citus default, 16 per worker here). */
export const CITUS_SHARD_COUNT = 32;

/**
 * A scratch database on the server `adminUrl` names, migrated, with the store and a bare pool on
 * it. With `engine: 'citus'` `adminUrl` names a Citus coordinator: the database is made on the
 * coordinator and every worker (`createCitusScratchDatabase`), migrated, then converted by
 * `distributeMemorySchema` ({@link CITUS_SHARD_COUNT} shards), as a deployment on Citus is.
 */
export async function openTarget(adminUrl: string, engine: 'postgres' | 'citus' = 'postgres'): Promise<Target> {
  const scratch =
    engine === 'citus' ? await createCitusScratchDatabase(adminUrl) : await createScratch(adminUrl, 'memory_bench');
  try {
    const { db, store } = await openMemoryStore(
      scratch.url,
      DIMS,
      4,
      { efSearch: EF_SEARCH, exactSearchThreshold: EXACT_THRESHOLD },
      engine === 'citus'
        ? (memoryDb) => distributeMemorySchema(memoryDb, { shardCount: CITUS_SHARD_COUNT })
        : undefined,
    );
    const pool = new pg.Pool({ connectionString: scratch.url, max: 4 });
    return { scratch, db, store, pool };
  } catch (error) {
    await scratch.drop().catch(() => undefined);
    throw error;
  }
}

export async function closeTarget(t: Target | undefined): Promise<void> {
  if (!t) return;
  await t.pool.end().catch(() => undefined);
  await t.db.close().catch(() => undefined);
  await t.scratch.drop();
}
