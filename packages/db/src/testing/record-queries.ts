import type { MemoryDb, SqlStatement } from '../memory-types.js';

/** A statement as `db.query` received it: its text and its values. */
export interface RecordedQuery {
  text: string;
  values: readonly unknown[];
}

/**
 * `db` as a store sees it, with every statement sent through `db.query` (in a scope or outside)
 * pushed onto `sent` before it runs: for tests that EXPLAIN what a store sends (e.g. that each
 * statement is routed to one Citus shard, with {@link citusTaskCount}). Everything else passes
 * through to `db`.
 *
 * @example
 * ```ts
 * const sent: RecordedQuery[] = [];
 * const store = createConversationStore(recordQueries(db, sent));
 * await store.countMessages(id);
 * for (const s of sent) expect(await citusTaskCount(db, s.text, s.values)).toBe('1');
 * ```
 */
export function recordQueries(db: MemoryDb, sent: RecordedQuery[]): MemoryDb {
  return new Proxy(db, {
    get(target, key, receiver) {
      if (key === 'query')
        return (statement: string | SqlStatement, values?: readonly unknown[], ...rest: unknown[]) => {
          sent.push(
            typeof statement === 'string'
              ? { text: statement, values: values ?? [] }
              : { text: statement.text, values: statement.values },
          );
          return (target.query as (...a: unknown[]) => unknown)(statement, values, ...rest);
        };
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
