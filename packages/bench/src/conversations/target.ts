/**
 * The system under test and its baseline, on one scratch database: this project's store and a
 * bare `pg.Pool` (plain hand-written SQL on the same tables), each a pool of 4.
 */
import pg from 'pg';
import type { MemoryDb } from '@memory/db';
import type { ConversationStore } from '@memory/conversations';
import { createScratch, openMemoryStore, type Scratch } from '../scratch-db.js';
import { DIMS } from './config.js';
import { EF_SEARCH, EXACT_THRESHOLD } from './sql.js';

export interface Target {
  scratch: Scratch;
  db: MemoryDb;
  store: ConversationStore;
  pool: pg.Pool;
}

export async function openTarget(adminUrl: string): Promise<Target> {
  const scratch = await createScratch(adminUrl, 'memory_bench');
  const { db, store } = await openMemoryStore(scratch.url, DIMS, 4, {
    efSearch: EF_SEARCH,
    exactSearchThreshold: EXACT_THRESHOLD,
  });
  const pool = new pg.Pool({ connectionString: scratch.url, max: 4 });
  return { scratch, db, store, pool };
}

export async function closeTarget(t: Target | undefined): Promise<void> {
  if (!t) return;
  await t.pool.end().catch(() => undefined);
  await t.db.close().catch(() => undefined);
  await t.scratch.drop();
}
