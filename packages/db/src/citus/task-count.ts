import type { MemoryDb } from '../memory-types.js';

/** `text` with `$n` replaced by `values[n-1]` as SQL literals (strings, numbers and null only). */
function inline(text: string, values: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const v = values[Number(n) - 1];
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number') return String(v);
    if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`;
    throw new Error(`citusTaskCount: cannot write ${typeof v} as a literal`);
  });
}

/**
 * The `Task Count` of a statement's distributed plan on Citus (`'1'`: routed to one worker), from
 * `EXPLAIN` with the statement's own values; `undefined` when the plan has none (not distributed).
 * Citus cannot EXPLAIN some parameterized statements it runs fine (an `INSERT ... SELECT`, say):
 * those are EXPLAINed with the same values written in as literals.
 *
 * @example
 * ```ts
 * expect(await citusTaskCount(db, 'select * from messages where session_id = $1 and shard_key = $2', [id, key])).toBe('1');
 * ```
 */
export async function citusTaskCount(
  db: MemoryDb,
  text: string,
  values: readonly unknown[] = [],
): Promise<string | undefined> {
  const plan = (
    await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, [...values]).catch((e: unknown) => {
      if (!/no value found for parameter/.test(String(e))) throw e;
      return db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${inline(text, values)}`);
    })
  )
    .map((r) => r['QUERY PLAN'])
    .join('\n');
  return /Task Count: (\d+)/.exec(plan)?.[1];
}
