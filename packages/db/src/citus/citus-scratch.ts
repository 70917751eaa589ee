import pg from 'pg';
import { parseDatabaseUrl } from '../database-url.js';
import {
  dropScratchDatabase,
  scratchDatabaseName,
  sweepStaleScratchDatabases,
  type ScratchDatabase,
} from '../testing/test-databases.js';

/** The environment variable naming the Citus coordinator to test against (an admin URL, e.g. `postgres://postgres@127.0.0.1:5441/postgres`). */
export const CITUS_TEST_URL_ENV = 'MEMORY_TEST_CITUS_URL';

let swept = false;

/** The advisory lock key under which scratch databases register their workers, one at a time. */
const REGISTER_LOCK = 0x6d656d63;

interface Node {
  host: string;
  port: number;
}

async function withClient<T>(
  base: ReturnType<typeof parseDatabaseUrl>,
  node: Node,
  database: string,
  fn: (c: pg.Client) => Promise<T>,
): Promise<T> {
  if (base.kind !== 'postgres') throw new Error('[memory/db/testing] the Citus admin URL must be a postgres:// URL');
  const client = new pg.Client({
    host: node.host,
    port: node.port,
    user: base.user,
    password: base.password,
    database,
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates a fresh database on a Citus cluster, the way `provision-citus.sh fresh` does: on the
 * coordinator named by `adminUrl` and on every worker registered in the admin database's
 * `pg_dist_node`, each with the `citus` and `vector` extensions, and the workers registered in the
 * new database. `drop()` removes it from every node. (Database creation is not propagated by Citus
 * here: the provisioned nodes run with `citus.enable_create_database_propagation = off`.)
 */
export async function createCitusScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const base = parseDatabaseUrl(adminUrl);
  if (base.kind !== 'postgres') throw new Error(`[memory/db/testing] ${CITUS_TEST_URL_ENV} must be a postgres:// URL`);
  const coordinator: Node = { host: base.host, port: base.port };
  const workers = await withClient(base, coordinator, base.database, async (c) => {
    const { rows } = await c.query<{ host: string; port: number }>(
      `select nodename as host, nodeport as port from pg_dist_node where groupid <> 0 and noderole = 'primary' and isactive order by nodeport`,
    );
    return rows.map((r) => ({ host: r.host, port: Number(r.port) }));
  });
  if (workers.length === 0) {
    throw new Error(
      `[memory/db/testing] the Citus coordinator at ${base.display} has no registered workers in its admin database: run provision-citus.sh`,
    );
  }
  const name = scratchDatabaseName();
  const nodes = [coordinator, ...workers];
  // Once per process: drop what killed runs left on every node (older than six hours, unused).
  if (!swept) {
    swept = true;
    await Promise.all(
      nodes.map((n) => {
        const url = new URL(adminUrl.replace(/^[a-z0-9+]+:\/\//i, 'postgresql://'));
        url.hostname = n.host;
        url.port = String(n.port);
        return sweepStaleScratchDatabases(url.toString()).catch(() => undefined);
      }),
    );
  }
  const drop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => withClient(base, n, base.database, (c) => dropScratchDatabase(c, name))));
  };
  try {
    await Promise.all(
      nodes.map(async (n) => {
        await withClient(base, n, base.database, (c) => c.query(`create database ${name}`));
        await withClient(base, n, name, async (c) => {
          await c.query('set client_min_messages = warning');
          await c.query('create extension if not exists citus');
          await c.query('create extension if not exists vector');
        });
      }),
    );
    // Registering the workers makes each of them run `worker_create_or_alter_role` for the
    // user, which updates a row of the cluster-wide `pg_authid`: two registrations at the same
    // moment (two test files creating databases at once) fail one of them with "tuple
    // concurrently updated" (CI, 2026-12-07). So registrations take turns, under an advisory
    // lock held in the coordinator's admin database, which every process shares; the lock ends
    // with its session.
    await withClient(base, coordinator, base.database, async (lock) => {
      await lock.query('select pg_advisory_lock($1)', [REGISTER_LOCK]);
      await withClient(base, coordinator, name, async (c) => {
        await c.query('set client_min_messages = warning');
        await c.query('select citus_set_coordinator_host($1, $2)', [coordinator.host, coordinator.port]);
        for (const w of workers) await c.query('select citus_add_node($1, $2)', [w.host, w.port]);
      });
    });
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
  const url = new URL(adminUrl.replace(/^[a-z0-9+]+:\/\//i, 'postgresql://'));
  url.pathname = `/${name}`;
  return { url: url.toString(), drop };
}
