import { ConfigurationError } from '@memory/errors';
import type { MemoryDb } from '../memory-db.js';
import { SHARD_KEY_TABLES } from './shard-key-migration.js';
import { shardKeySql } from './shard-key.js';

/** Options of {@link distributeMemorySchema}. */
export interface DistributeOptions {
  /**
   * Shards of the session group on a first distribution (default: Citus's `citus.shard_count`,
   * 32). Ignored for tables that are already distributed. See `docs/citus.md` for how to choose.
   */
  shardCount?: number;
  /** Per-user tables distributed by `user_id` on their own (default `['knowledge_index']`, when present). */
  userTables?: readonly string[];
  /**
   * An application's own tables with a foreign key to `sessions` (e.g. `code_reviews`), to be
   * distributed with the session group: each gets a `shard_key` column (filled from its session
   * id), a primary key widened with it and its foreign key rewritten to `(…, shard_key)`. The
   * application must then write `shard_key` on insert. Without this, a table that references
   * `sessions` makes the call fail: a plain table cannot reference a distributed one.
   */
  colocatedTables?: readonly string[];
}

/** What {@link distributeMemorySchema} did, table by table. */
export interface DistributeReport {
  /** Tables distributed by this call. */
  distributed: string[];
  /** Tables that were already distributed (nothing done). */
  alreadyDistributed: string[];
  /** Rows whose `shard_key` was filled before distribution, per table. */
  backfilled: Record<string, number>;
  /** Tables left as plain tables on the coordinator (migrations bookkeeping, an app's own tables). */
  leftLocal: string[];
  /**
   * Triggers removed so their table could be distributed. Empty since the audit log's append-only
   * trigger is kept on Citus (distributed with `citus.enable_unsafe_triggers`, so every shard
   * enforces it); kept for callers that read it.
   */
  droppedTriggers: string[];
}

const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Converts a migrated memory database on a Citus coordinator to the distributed layout of
 * `docs/citus.md`, idempotently (tables already distributed are skipped, so running it again is a
 * no-op):
 *
 * - `sessions`, `messages`, `session_summaries`, `messages_archive`: hash-distributed by
 *   `shard_key` in one co-location group. Their primary keys become `(id, shard_key)` and the
 *   foreign keys to `sessions` become `(session_id, shard_key)` (Citus requires the distribution
 *   column in both) — only here, only on Citus; a single server keeps the original's keys.
 * - `audit_logs`: hash-distributed by `id` (its key stays as is; a write goes to one shard).
 * - per-user tables (`knowledge_index`): distributed by `user_id`.
 * - everything else (the migrations tables, an application's tables) stays a local table.
 *
 * Run it after the normal migrations (`db.initDb()` / `memory migrate`). Missing `shard_key`
 * values are filled from the session ids first (a single statement per table).
 *
 * @throws ConfigurationError when the database has no `citus` extension, or the shard-key
 *   migration has not run.
 *
 * @example
 * ```ts
 * const db = createMemoryDb({ url: 'postgres://postgres@coordinator:5432/app' });
 * await db.initDb();
 * const report = await distributeMemorySchema(db, { shardCount: 64 });
 * ```
 */
export async function distributeMemorySchema(db: MemoryDb, options: DistributeOptions = {}): Promise<DistributeReport> {
  const shardCount = options.shardCount;
  if (shardCount !== undefined && (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > 64000)) {
    throw new ConfigurationError(
      `[memory/db] distributeMemorySchema: shardCount must be an integer from 1 to 64000, got ${String(shardCount)}`,
      { details: { shardCount } },
    );
  }
  const userTables = options.userTables ?? ['knowledge_index'];
  const colocated = options.colocatedTables ?? [];
  for (const t of [...userTables, ...colocated]) {
    if (!TABLE_NAME.test(t)) {
      throw new ConfigurationError(`[memory/db] distributeMemorySchema: not a plain table name: ${JSON.stringify(t)}`);
    }
  }
  if (db.kind !== 'postgres' || !(await hasCitus(db))) {
    throw new ConfigurationError(
      '[memory/db] distributeMemorySchema needs a Citus coordinator: the database has no citus extension (create extension citus, register the workers, then run it again)',
    );
  }
  const missing = await db.query<{ t: string }>(
    `select t from unnest($1::text[]) t
      where not exists (select 1 from information_schema.columns c
                         where c.table_schema = current_schema() and c.table_name = t and c.column_name = 'shard_key')`,
    [[...SHARD_KEY_TABLES]],
  );
  if (missing.length > 0) {
    throw new ConfigurationError(
      `[memory/db] distributeMemorySchema: ${missing.map((r) => r.t).join(', ')} has no shard_key column: run the migrations first (db.initDb() or memory migrate)`,
      { details: { tables: missing.map((r) => r.t) } },
    );
  }

  const report: DistributeReport = {
    distributed: [],
    alreadyDistributed: [],
    backfilled: {},
    leftLocal: [],
    droppedTriggers: [],
  };
  const distributed = new Set(
    (await db.query<{ t: string }>(`select logicalrelid::regclass::text as t from pg_dist_partition`)).map((r) => r.t),
  );

  // Foreign keys to sessions must include the distribution column, so every table that has one
  // joins the session group (an application's table only when asked).
  const fks = await db.query<{ t: string; name: string; cascade: boolean; col: string }>(
    `select conrelid::regclass::text as t, conname as name, confdeltype = 'c' as cascade,
            (select a.attname::text from pg_attribute a where a.attrelid = conrelid and a.attnum = conkey[1]) as col
       from pg_constraint where contype = 'f' and confrelid = 'sessions'::regclass and array_length(conkey, 1) = 1
      order by 1, 2`,
  );
  const group: string[] = [...SHARD_KEY_TABLES];
  const strangers = [...new Set(fks.map((f) => f.t))].filter((t) => !group.includes(t) && !distributed.has(t));
  const refused = strangers.filter((t) => !colocated.includes(t));
  if (refused.length > 0) {
    throw new ConfigurationError(
      `[memory/db] distributeMemorySchema: ${refused.join(', ')} has a foreign key to sessions, and a plain table cannot reference a distributed one: pass it in colocatedTables (memory citus distribute --colocate ${refused.join(' ')}) to distribute it with the sessions (your code must then write its shard_key), or drop the foreign key`,
      { details: { tables: refused } },
    );
  }
  for (const t of colocated) {
    if (!(await tableExists(db, t))) continue;
    if (!group.includes(t)) group.push(t);
    await db.query(`alter table ${t} add column if not exists shard_key integer null`);
  }
  const fkColumn = (t: string): string => (t === 'sessions' ? 'id' : (fks.find((f) => f.t === t)?.col ?? 'session_id'));

  // The session group: sessions first (the co-location anchor), then the tables that point at it.
  const pending = group.filter((t) => !distributed.has(t));
  for (const t of group) if (distributed.has(t)) report.alreadyDistributed.push(t);
  if (pending.length > 0) {
    for (const t of pending) {
      const source = fkColumn(t);
      // An application's row without a session (a nullable foreign key) is placed by its own uuid
      // id, as a session without a user is.
      const ownId =
        !(SHARD_KEY_TABLES as readonly string[]).includes(t) &&
        (
          await db.query(
            `select 1 from information_schema.columns where table_schema = current_schema() and table_name = $1 and column_name = 'id' and data_type = 'uuid'`,
            [t],
          )
        ).length > 0;
      const key = ownId ? `coalesce(${shardKeySql(source)}, ${shardKeySql('id')})` : shardKeySql(source);
      const rows = await db.query<{ n: number }>(
        `with u as (update ${t} set shard_key = ${key} where shard_key is null returning 1) select count(*)::int as n from u`,
      );
      report.backfilled[t] = rows[0]?.n ?? 0;
      await db.query(`alter table ${t} alter column shard_key set not null`);
    }
    for (const fk of fks) await db.query(`alter table ${fk.t} drop constraint ${quoteIdent(fk.name)}`);
    for (const t of pending) await widenPrimaryKey(db, t, 'shard_key');
    for (const t of pending) {
      if (t === 'sessions') {
        await db.query(
          shardCount === undefined
            ? `select create_distributed_table('sessions', 'shard_key', colocate_with => 'none')`
            : `select create_distributed_table('sessions', 'shard_key', colocate_with => 'none', shard_count => $1::int)`,
          shardCount === undefined ? [] : [shardCount],
        );
      } else {
        await db.query(`select create_distributed_table($1, 'shard_key', colocate_with => 'sessions')`, [t]);
      }
      report.distributed.push(t);
    }
    for (const fk of fks) {
      const exists = await db.query(`select 1 from pg_constraint where conrelid = $1::regclass and conname = $2`, [
        fk.t,
        fk.name,
      ]);
      if (exists.length > 0) continue;
      await db.query(
        `alter table ${fk.t} add constraint ${quoteIdent(fk.name)} foreign key (${quoteIdent(fk.col)}, shard_key) references sessions (id, shard_key)${fk.cascade ? ' on delete cascade' : ''}`,
      );
    }
  }

  // The audit log: written by every operation, read rarely; hash by its own id.
  if (await tableExists(db, 'audit_logs')) {
    if (distributed.has('audit_logs')) report.alreadyDistributed.push('audit_logs');
    else {
      // The append-only trigger of the audit migration stays: Citus distributes a table with
      // triggers (each shard gets the trigger, the function goes to every worker) when
      // citus.enable_unsafe_triggers is on. "Unsafe" is about triggers that touch other shards;
      // this one only reads a setting and raises. The purge's permission (memory.audit_purge) is
      // made with SET LOCAL on Citus, which reaches the workers (see @memory/conversations).
      await db.scope(async () => {
        await db.query(`set local citus.enable_unsafe_triggers = on`);
        await db.query(`select create_distributed_table('audit_logs', 'id', colocate_with => 'none')`);
      });
      report.distributed.push('audit_logs');
    }
  }
  for (const t of userTables) {
    if (!(await tableExists(db, t))) continue;
    if (distributed.has(t)) report.alreadyDistributed.push(t);
    else {
      await db.query(`select create_distributed_table($1, 'user_id', colocate_with => 'none')`, [t]);
      report.distributed.push(t);
    }
  }
  // SET LOCAL of search settings (hnsw.ef_search, hnsw.iterative_scan) in a transaction reaches
  // the workers only with this; new connections to the database get it.
  await db.query(
    `do $$ begin execute format('alter database %I set citus.propagate_set_commands = %L', current_database(), 'local'); end $$`,
  );
  // Later DDL on a table with triggers (the audit log's) needs it too, e.g. a migration's alter table.
  await db.query(
    `do $$ begin execute format('alter database %I set citus.enable_unsafe_triggers = on', current_database()); end $$`,
  );
  const done = new Set([...report.distributed, ...report.alreadyDistributed]);
  const local = await db.query<{ t: string }>(
    `select c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'p') order by 1`,
  );
  report.leftLocal = local.map((r) => r.t).filter((t) => !done.has(t) && !/_\d+$/.test(t));
  return report;
}

/** True when the connected database has the `citus` extension. */
export async function hasCitus(db: MemoryDb): Promise<boolean> {
  if (db.kind !== 'postgres') return false;
  const rows = await db.query(`select 1 from pg_extension where extname = 'citus'`);
  return rows.length > 0;
}

async function tableExists(db: MemoryDb, table: string): Promise<boolean> {
  const rows = await db.query<{ r: string | null }>(`select to_regclass($1)::text as r`, [table]);
  return rows[0]?.r != null;
}

async function widenPrimaryKey(db: MemoryDb, table: string, column: string): Promise<void> {
  const pk = await db.query<{ name: string; cols: string[] }>(
    `select c.conname as name, array(select a.attname::text from unnest(c.conkey) k join pg_attribute a
             on a.attrelid = c.conrelid and a.attnum = k) as cols
       from pg_constraint c where c.conrelid = $1::regclass and c.contype = 'p'`,
    [table],
  );
  const current = pk[0];
  if (current && current.cols.includes(column)) return;
  const cols = current ? [...current.cols, column] : ['id', column];
  const name = current?.name ?? `${table}_pkey`;
  await db.query(
    `alter table ${table} ${current ? `drop constraint ${quoteIdent(current.name)}, ` : ''}add constraint ${quoteIdent(name)} primary key (${cols.join(', ')})`,
  );
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
