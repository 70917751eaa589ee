import { MemoryError } from '@memory/errors';
import type { LongTermStorage } from '@memory/longterm-core';
import type { MemoryDb } from '@memory/db';

/** The result of one check. */
export interface CheckResult {
  ok: boolean;
  /** What was found (version, backend, counts). */
  detail: string;
  /** What to do when `ok` is false. */
  fix?: string;
  ms: number;
}

async function timed(fn: () => Promise<Omit<CheckResult, 'ms'>>): Promise<CheckResult> {
  const started = performance.now();
  let result: Omit<CheckResult, 'ms'>;
  try {
    result = await fn();
  } catch (error) {
    result = {
      ok: false,
      detail: MemoryError.isInstance(error) || error instanceof Error ? error.message : String(error),
    };
  }
  return { ...result, ms: Math.round(performance.now() - started) };
}

/** The database answers a query. */
export function checkDatabase(db: MemoryDb): Promise<CheckResult> {
  return timed(async () => {
    const [row] = await db.query<{ version: string }>('select version() as version');
    return {
      ok: true,
      detail: `${db.kind} ${db.url}: ${String(row?.version ?? '')
        .split(' ')
        .slice(0, 2)
        .join(' ')}`,
    };
  }).then((r) =>
    r.ok ? r : { ...r, fix: 'check DATABASE_URL (host, port, user, database) and that the server is running' },
  );
}

/** The `vector` extension is installed in the database. */
export function checkPgvector(db: MemoryDb): Promise<CheckResult> {
  return timed(async () => {
    const rows = await db.query<{ extversion: string }>("select extversion from pg_extension where extname = 'vector'");
    if (rows.length === 0) {
      // Not installed on the server (nobody can create it) or only not created here (a right).
      const available = await db.query("select 1 from pg_available_extensions where name = 'vector'");
      if (available.length === 0) {
        return {
          ok: false,
          detail: 'pgvector is not installed on the database server',
          fix: 'install pgvector on the machine PostgreSQL runs on (https://github.com/pgvector/pgvector#installation), then run `memory init-db`',
        };
      }
      return {
        ok: false,
        detail: 'pgvector is installed on the server but the vector extension is not created in this database',
        fix: 'run `memory init-db` as a role that may create extensions, or have a superuser run CREATE EXTENSION vector in this database',
      };
    }
    return { ok: true, detail: `pgvector ${rows[0]!.extversion}` };
  });
}

/** Every memory migration has run. */
export function checkMigrations(db: MemoryDb): Promise<CheckResult> {
  return timed(async () => {
    const pending = await db.orm.migrator.getPending();
    if (pending.length > 0) {
      return {
        ok: false,
        detail: `${pending.length} pending: ${pending.map((m) => m.name).join(', ')}`,
        fix: 'run `memory migrate`',
      };
    }
    const executed = await db.orm.migrator.getExecuted();
    return { ok: true, detail: `${executed.length} applied, none pending` };
  });
}

/** The long-term storage can be listed (and so reached, with working credentials). */
export function checkStorage(storage: LongTermStorage, description: string): Promise<CheckResult> {
  return timed(async () => {
    await storage.listPrefix('profiles/.memory-health-check');
    return {
      ok: true,
      detail: `${description} (conditional writes: ${storage.capabilities.conditionalWrites ? 'yes' : 'no'})`,
    };
  }).then((r) =>
    r.ok
      ? r
      : {
          ...r,
          fix: 'check MEMORY_STORAGE_URL, the bucket and the credentials (AWS_* for S3, BOS_ACCESS_KEY/BOS_SECRET_KEY for BOS)',
        },
  );
}
