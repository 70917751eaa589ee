/**
 * Set-up shared by the PostgreSQL benchmarks: scratch databases on the admin server, a plain
 * transaction on a `pg` pool, and this project's store opened the way a user opens it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createMemoryDb, type MemoryDb } from '@memory/db';
import { createConversationStore, type ConversationStore, type ConversationStoreOptions } from '@memory/conversations';

/** A database created for one run; `drop` removes it (closing whatever still holds it). */
export interface Scratch {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** The admin URL of `MEMORY_BENCH_PG_URL` or `MEMORY_TEST_PG_URL`, or `fallback`; without any, an error naming the variables. */
export function benchPgUrl(bench: string, fallback?: string): string {
  const url = process.env.MEMORY_BENCH_PG_URL ?? process.env.MEMORY_TEST_PG_URL ?? fallback;
  if (!url)
    throw new Error(
      `the ${bench} benchmark needs PostgreSQL: set MEMORY_BENCH_PG_URL or MEMORY_TEST_PG_URL to an admin URL`,
    );
  return url;
}

/** Runs one statement on its own connection to the admin database (CREATE/DROP DATABASE, CHECKPOINT). */
export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates `<prefix>_<random hex>` on the admin server; `randomBytes` of 6 unless given. */
export async function createScratch(adminUrl: string, prefix: string, bytes = 6): Promise<Scratch> {
  const name = `${prefix}_${randomBytes(bytes).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl.replace(/^[a-z0-9+]+:\/\//i, 'postgresql://'));
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** `fn` inside BEGIN … COMMIT on one pooled client, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * This project's store on `url`: `createMemoryDb` (a pool of `poolMax`), migrated by `initDb`,
 * then `afterMigrations` (e.g. `distributeMemorySchema` on Citus) before the store is made.
 */
export async function openMemoryStore(
  url: string,
  dims: number,
  poolMax: number,
  storeOptions?: ConversationStoreOptions,
  afterMigrations?: (db: MemoryDb) => Promise<unknown>,
): Promise<{ db: MemoryDb; store: ConversationStore }> {
  const db = createMemoryDb({ url, embeddingDimensions: dims, pool: { min: 1, max: poolMax } });
  try {
    await db.initDb();
    await afterMigrations?.(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return { db, store: createConversationStore(db, storeOptions) };
}
