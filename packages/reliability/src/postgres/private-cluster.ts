import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** The PostgreSQL major version whose cluster tools and pgvector the machine has. */
const CLUSTER_VERSION = '15';

/**
 * Why {@link createPrivateCluster} cannot run here, or `undefined` when it can: it needs the
 * Debian cluster tools (`pg_createcluster`, `pg_ctlcluster`, `pg_dropcluster`) and root (the
 * tools then act as the `postgres` user, `--skip-systemctl-redirect` keeps systemd out).
 */
export function privateClusterUnavailable(): string | undefined {
  if (!existsSync('/usr/bin/pg_createcluster')) return 'pg_createcluster is not installed (postgresql-common)';
  if (process.getuid?.() !== 0) return 'the cluster tools must run as root (they switch to the postgres user)';
  return undefined;
}

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A PostgreSQL cluster of its own, on its own port, for tests that restart or stop the server. */
export interface PrivateCluster {
  readonly name: string;
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication, loopback only). */
  readonly url: string;
  start(): Promise<void>;
  /** Stops the server (`fast`: open connections are closed, the shutdown is clean). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  restart(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Runs one statement on a fresh connection (closed afterwards). */
  adminQuery<T extends Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]>;
  /** Client connections to `database` other than the admin one asking. */
  clientConnections(database?: string): Promise<number>;
  /** Terminates every client connection to `database` but the asker's; returns how many. */
  terminateClients(database?: string): Promise<number>;
  /** Stops and removes the cluster with its data. Idempotent. */
  drop(): Promise<void>;
}

async function ctl(action: string, name: string, extra: string[] = []): Promise<void> {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', CLUSTER_VERSION, name, action, ...extra], {
    timeout: 60_000,
  });
}

/**
 * Creates and starts `memfault_<random>` on a free port, listening on localhost only (Debian's default), trust
 * authentication, small memory settings. Never touches another cluster (the shared `main`).
 */
export async function createPrivateCluster(): Promise<PrivateCluster> {
  const unavailable = privateClusterUnavailable();
  if (unavailable) throw new Error(`[memory/reliability] no private cluster: ${unavailable}`);
  const name = `memfault_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  await run(
    'pg_createcluster',
    [
      CLUSTER_VERSION,
      name,
      '--port',
      String(port),
      '-o',
      'shared_buffers=16MB',
      '-o',
      'max_connections=40',
      '-o',
      'fsync=off',
      '--',
      '--auth=trust',
    ],
    { timeout: 120_000 },
  );
  let dropped = false;
  // The test's own admin connections are named, so counts and kills leave them out: several
  // admin queries may run at once (each transaction of a pool check asks for the count).
  const ADMIN_APPLICATION = 'memory-fault-admin';
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const adminQuery = async <T extends Record<string, unknown>>(sql: string, values: unknown[] = []) => {
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      database: 'postgres',
      application_name: ADMIN_APPLICATION,
    });
    await client.connect();
    try {
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const cluster: PrivateCluster = {
    name,
    port,
    url,
    start: () => ctl('start', name),
    stop: (mode = 'fast') => ctl('stop', name, ['-m', mode]),
    restart: (mode = 'fast') => ctl('restart', name, ['-m', mode]),
    adminQuery,
    async clientConnections(database = 'postgres') {
      const rows = await adminQuery<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
          where datname = $1 and backend_type = 'client backend' and pid <> pg_backend_pid()
            and application_name is distinct from $2`,
        [database, ADMIN_APPLICATION],
      );
      return Number(rows[0]!.n);
    },
    async terminateClients(database = 'postgres') {
      const rows = await adminQuery<{ ok: boolean }>(
        `select pg_terminate_backend(pid) as ok from pg_stat_activity
          where datname = $1 and backend_type = 'client backend' and pid <> pg_backend_pid()
            and application_name is distinct from $2`,
        [database, ADMIN_APPLICATION],
      );
      return rows.filter((r) => r.ok).length;
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      await run('pg_dropcluster', ['--stop', CLUSTER_VERSION, name], { timeout: 60_000 });
    },
  };
  try {
    await cluster.start();
  } catch (error) {
    await cluster.drop().catch(() => undefined);
    throw error;
  }
  return cluster;
}
