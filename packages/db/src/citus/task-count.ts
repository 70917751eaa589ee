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
 * The whole plan is read: a plan with a distributed subplan (Citus runs each one as a statement of
 * its own first, often on other workers, and then commits over all of them in two phases) or
 * with more than one `Task Count` gives a description such as `'2 subplans; Task Counts 1, 1, 1'`
 * instead, which no expected count equals.
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
  const counts = [...plan.matchAll(/Task Count: (\d+)/g)].map((m) => m[1]!);
  const subplans = [...plan.matchAll(/Distributed Subplan \d+_\d+/g)].length;
  if (counts.length === 0 && subplans === 0) return undefined;
  if (counts.length === 1 && subplans === 0) return counts[0];
  return `${subplans} subplan${subplans === 1 ? '' : 's'}; Task Counts ${counts.join(', ')}`;
}
