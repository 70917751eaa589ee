import { setImmediate as nextTurn } from 'node:timers/promises';
import type { MemoryDb } from '@memory/db';

/**
 * `db` with every `scope()` starting on a fresh turn of the event loop.
 *
 * Embedded PGlite answers in the same thread without real I/O, so a loop of transactions (an
 * archive run: one per batch) is one long chain of promise callbacks: signal handlers (Ctrl-C),
 * timers and HTTP requests never get a turn until it ends. Yielding before each transaction
 * lets them run between batches. On a PostgreSQL server the network already does this.
 */
export function yieldingDb(db: MemoryDb): MemoryDb {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'scope') {
        return async <T>(fn: Parameters<MemoryDb['scope']>[0]): Promise<T> => {
          await nextTurn();
          return target.scope(fn) as Promise<T>;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
