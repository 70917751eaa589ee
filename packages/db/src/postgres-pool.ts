import type { MikroORM as PostgresMikroORM } from '@mikro-orm/postgresql';
import type { Pool, PoolClient } from 'pg';

/**
 * How long a checked-out client whose connection has ended is left to its holder before the pool
 * watcher takes it back. Holders that release on an error (pg's `pool.query`, Kysely's plain
 * queries, `runPgTransaction`) do so within the ticks that follow the end; those that never
 * will (see {@link PostgresPool}) are found after this.
 */
const ENDED_CLIENT_GRACE_MS = 100;

/**
 * MikroORM's `pg` pool (with its type parsers), reached through `Connection.getNativeClient()`,
 * the method MikroORM documents for vendor APIs it does not wrap, and watched so that a
 * connection that ends while checked out never keeps its pool slot.
 *
 * Kysely 0.29 (under MikroORM's transactions) never hands back a client whose BEGIN failed, nor
 * one whose ROLLBACK failed (kysely-org/kysely#1990): after a connection kill or a server restart
 * that client would hold a slot until `close()`. So every checked-out client whose connection
 * ends is released (destroyed) by the watcher once its holder has had
 * {@link ENDED_CLIENT_GRACE_MS} to do it itself. Holders in this package release through
 * {@link PostgresPool.release}, which does nothing for a client the watcher took back.
 */
export class PostgresPool {
  /** Pooled clients checked out now. */
  readonly #checkedOut = new Set<PoolClient>();
  /** Clients whose connection has closed. */
  readonly #ended = new WeakSet<PoolClient>();
  readonly #watched = new WeakSet<PoolClient>();
  #pool: Promise<Pool> | undefined;
  /** The pool once it has been reached, for the fast paths that must not await. */
  current: Pool | undefined;

  constructor(private readonly orm: PostgresMikroORM) {}

  /** The pool, connecting first if needed. A failed connect is not remembered: the next call tries again. */
  get(): Promise<Pool> {
    if (!this.#pool) {
      const pending = this.orm.driver
        .getConnection()
        .getNativeClient()
        .then((pool) => {
          this.#watch(pool);
          this.current = pool;
          return pool;
        });
      this.#pool = pending;
      pending.catch(() => {
        if (this.#pool === pending) this.#pool = undefined;
      });
    }
    return this.#pool;
  }

  /** Whether {@link get} has been called (the pool may still be connecting). */
  get requested(): boolean {
    return this.#pool !== undefined;
  }

  /**
   * Hands `client` back to the pool (destroyed when `error` is given), unless the watcher already
   * took it back after its connection ended: pg's own `release` throws on a second call.
   */
  release(client: PoolClient, error?: Error): void {
    if (!this.#checkedOut.has(client)) return;
    client.release(error);
  }

  /** Hands back to the pool (destroyed) every checked-out client whose connection has closed, now. */
  async releaseEnded(): Promise<void> {
    if (!this.#pool) return;
    await this.#pool.catch(() => undefined);
    for (const client of [...this.#checkedOut]) if (this.#ended.has(client)) this.#reclaim(client);
  }

  #reclaim(client: PoolClient): void {
    if (!this.#checkedOut.delete(client)) return;
    client.release(new Error('[memory/db] the connection closed while checked out'));
  }

  /** Tracks which clients are checked out, and takes back those whose connection ends meanwhile. */
  #watch(pool: Pool): void {
    pool.on('acquire', (client) => {
      this.#checkedOut.add(client);
      if (this.#watched.has(client)) return;
      this.#watched.add(client);
      client.once('end', () => {
        this.#ended.add(client);
        if (this.#checkedOut.has(client)) setTimeout(() => this.#reclaim(client), ENDED_CLIENT_GRACE_MS).unref();
      });
    });
    pool.on('release', (_error, client) => this.#checkedOut.delete(client));
  }
}
