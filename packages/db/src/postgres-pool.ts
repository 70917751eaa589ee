import type { MikroORM as PostgresMikroORM } from '@mikro-orm/postgresql';
import type { Pool, PoolClient } from 'pg';

/**
 * MikroORM's `pg` pool (with its type parsers), reached through `Connection.getNativeClient()`,
 * the method MikroORM documents for vendor APIs it does not wrap, and watched so that
 * {@link MemoryDb.close} can hand back connections that broke while checked out.
 */
export class PostgresPool {
  /** Pooled clients checked out now, and those whose connection has closed (see {@link releaseEnded}). */
  readonly #checkedOut = new Set<PoolClient>();
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
   * Hands back to the pool (destroyed) every checked-out client whose connection has closed.
   * When a connection breaks inside a `scope`, MikroORM's rollback fails and Kysely never
   * releases the client (kysely 0.29: `ControlledTransaction.rollback` releases only after a
   * successful ROLLBACK), and the pool's `end()` would wait for it for ever.
   */
  async releaseEnded(): Promise<void> {
    if (!this.#pool) return;
    await this.#pool.catch(() => undefined);
    for (const client of [...this.#checkedOut]) {
      if (!this.#ended.has(client)) continue;
      this.#checkedOut.delete(client);
      client.release(new Error('[memory/db] the connection closed while checked out'));
    }
  }

  /** Tracks which clients are checked out and which connections have closed. */
  #watch(pool: Pool): void {
    pool.on('acquire', (client) => {
      this.#checkedOut.add(client);
      if (this.#watched.has(client)) return;
      this.#watched.add(client);
      client.once('end', () => this.#ended.add(client));
    });
    pool.on('release', (_error, client) => this.#checkedOut.delete(client));
  }
}
