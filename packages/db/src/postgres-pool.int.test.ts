import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseError } from '@memory/errors';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { createMemoryDb, type MemoryDb } from './memory-db.js';
import { describeEachDatabase } from './testing/describe-each-database.js';

/**
 * A TCP hop between the pool and PostgreSQL that makes a connection die the way
 * `pg_terminate_backend` makes it die under load: the server's FATAL error reaches the client at
 * once, the end of the stream (FIN) only `finDelayMs` later. That gap is where, on the fault
 * suite's loaded machine, a scope whose BEGIN met the FATAL had already given up before the
 * client saw its connection end; here it is wide and certain instead of a matter of scheduling.
 */
interface KillProxy {
  /** The database URL with host and port pointing at the proxy. */
  readonly url: string;
  /** Holds back the next bytes any client sends (a statement), and terminates that connection's backend instead. */
  killOnNextStatement(): Promise<void>;
  /** Terminates the backend of every proxied connection now (they may be idle or in a transaction). */
  killAll(): Promise<void>;
  close(): Promise<void>;
}

async function startKillProxy(databaseUrl: string, finDelayMs: number): Promise<KillProxy> {
  const target = new URL(databaseUrl);
  const targetPort = Number(target.port || 5432);
  const upstreams = new Set<Socket>();
  const sockets = new Set<Socket>();
  let armed: ((killed: Promise<void>) => void) | undefined;

  /** pg_terminate_backend of the backends behind these upstream sockets (matched by their local port). */
  const terminate = async (ports: number[]): Promise<void> => {
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ ok: boolean }>(
        'select pg_terminate_backend(pid) as ok from pg_stat_activity where client_port = any($1::int[]) and pid <> pg_backend_pid()',
        [ports],
      );
      if (rows.length !== ports.length) throw new Error(`kill proxy: found ${rows.length} of ${ports.length} backends`);
    } finally {
      await admin.end();
    }
  };

  const server: Server = createServer((downstream) => {
    const upstream = connect(targetPort, target.hostname);
    sockets.add(downstream).add(upstream);
    upstreams.add(upstream);
    downstream.on('error', () => undefined);
    upstream.on('error', () => undefined);
    upstream.on('data', (chunk) => downstream.write(chunk));
    upstream.on('close', () => {
      upstreams.delete(upstream);
      setTimeout(() => downstream.end(), finDelayMs);
    });
    downstream.on('close', () => upstream.destroy());
    downstream.on('data', (chunk) => {
      if (armed && upstream.localPort !== undefined) {
        const fire = armed;
        armed = undefined;
        fire(terminate([upstream.localPort]));
        return;
      }
      upstream.write(chunk);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const proxied = new URL(databaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as { port: number }).port);
  return {
    url: proxied.toString(),
    killOnNextStatement: () => new Promise<Promise<void>>((resolve) => (armed = resolve)).then((killed) => killed),
    killAll: () => terminate([...upstreams].map((s) => s.localPort!)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describeEachDatabase(
  'pool slots after a connection is killed',
  (ctx) => {
    const FIN_DELAY_MS = 300;
    let proxy: KillProxy | undefined;
    let db: MemoryDb | undefined;

    afterEach(async () => {
      await db?.close();
      await proxy?.close();
      db = proxy = undefined;
    });

    /** A db with one pool slot, behind a kill proxy; one connection made and idle in the pool. */
    const oneSlotDb = async (): Promise<MemoryDb> => {
      proxy = await startKillProxy(await ctx.createDatabaseUrl(), FIN_DELAY_MS);
      db = createMemoryDb({ url: proxy.url, pool: { max: 1 }, connectTimeoutMs: 3000 });
      expect(await db.query('select 1 as n')).toEqual([{ n: 1 }]);
      return db;
    };

    it('a scope whose BEGIN meets a killed connection gives its pool slot back', async () => {
      const db = await oneSlotDb();
      const killed = proxy!.killOnNextStatement();
      // The scope's BEGIN is the statement the proxy holds: the FATAL answers it.
      const failed = await db
        .scope(async () => 'never runs')
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      await killed;
      expect(DatabaseError.isInstance(failed)).toBe(true);
      expect((failed as DatabaseError).details).toMatchObject({ code: '57P01' });
      // Before the fix, MikroORM's Kysely never released a client whose BEGIN failed, and the scope
      // looked for ended connections before this one had ended: the only slot stayed taken, and
      // this waited out the 3 s connect timeout ("timeout exceeded when trying to connect").
      expect(await db.query('select 2 as n')).toEqual([{ n: 2 }]);
      expect(await db.scope(async (em) => db.query('select 3 as n', [], em))).toEqual([{ n: 3 }]);
    });

    it('a scope whose ROLLBACK meets a killed connection gives its pool slot back', async () => {
      const db = await oneSlotDb();
      let killed: Promise<void> | undefined;
      const failed = await db
        .scope(async (em) => {
          await db.query('select 1', [], em);
          // The ROLLBACK that follows this throw is the statement the proxy holds.
          killed = proxy!.killOnNextStatement();
          throw new Error('the caller gives up');
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      await killed;
      expect((failed as Error).message).toContain('the caller gives up');
      // Kysely releases a transaction's client only after a successful ROLLBACK.
      expect(await db.query('select 2 as n')).toEqual([{ n: 2 }]);
    });

    it('a transaction whose connection dies while it waits fails typed and gives its slot back', async () => {
      const db = await oneSlotDb();
      const failed = await db
        .transaction(async (tx) => {
          await tx.query('select 1');
          await proxy!.killAll();
          // Long enough for the pool watcher to take the dead client back before this function
          // sends its next statement: the transaction's own release must then not throw
          // "Release called on client which has already been released to the pool".
          await sleep(FIN_DELAY_MS + 500);
          await tx.query('select 2');
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(DatabaseError.isInstance(failed)).toBe(true);
      expect((failed as DatabaseError).details).toMatchObject({ code: '08006' });
      expect(await db.query('select 4 as n')).toEqual([{ n: 4 }]);
    });
  },
  { engines: ['postgres'] },
);

describeEachDatabase(
  'named statements and preparedStatements',
  (ctx) => {
    let db: MemoryDb | undefined;
    afterEach(async () => {
      await db?.close();
      db = undefined;
    });

    /** The names prepared on the pool's one connection after running `stmt` twice. */
    const preparedAfter = async (preparedStatements: boolean | undefined): Promise<string[]> => {
      db = createMemoryDb({
        url: await ctx.createDatabaseUrl(),
        pool: { max: 1 },
        ...(preparedStatements === undefined ? {} : { preparedStatements }),
      });
      const stmt = { name: 'memory_test_named_echo', text: 'select $1::int + 1 as n' };
      expect(await db.query(stmt, [1])).toEqual([{ n: 2 }]);
      expect(await db.query(stmt, [41])).toEqual([{ n: 42 }]);
      const rows = await db.query<{ name: string }>('select name from pg_prepared_statements order by name');
      return rows.map((r) => r.name);
    };

    it('prepares a NamedStatement once under its name by default', async () => {
      expect(await preparedAfter(undefined)).toEqual(['memory_test_named_echo']);
    });

    it('sends it unnamed with preparedStatements: false (for poolers in transaction mode), same results', async () => {
      expect(await preparedAfter(false)).toEqual([]);
    });
  },
  { engines: ['postgres'] },
);
