import { describeEachDatabase } from '@memory/db/testing';
import { expect, it } from 'vitest';
import { createSqlRunner, type QueryEvent } from './sql-client.js';
import type { SqlStatement } from '@memory/db';

describeEachDatabase('store SQL runner (one statement shape)', (ctx) => {
  it('sends a SqlStatement on the pool, in a plain transaction and in a scope, reporting its values count', async () => {
    const db = await ctx.sharedDb();
    const events: QueryEvent[] = [];
    const sql = createSqlRunner(db, (event) => events.push(event));
    const sum = (a: number, b: number): SqlStatement => ({ text: 'SELECT $1::int + $2::int AS n', values: [a, b] });
    expect(await sql.query<{ n: number }>(sum(1, 2))).toEqual([{ n: 3 }]);
    expect(await sql.query<{ n: number }>({ ...sum(2, 2), name: 'memory_conversations_test_sum' })).toEqual([{ n: 4 }]);
    expect(await sql.sqlTransaction((tx) => tx.query<{ n: number }>(sum(3, 4)))).toEqual([{ n: 7 }]);
    expect(await sql.transaction((tx) => tx.query<{ n: number }>(sum(5, 6)))).toEqual([{ n: 11 }]);
    // The text-and-values form still works beside it.
    expect(await sql.query<{ n: number }>('SELECT $1::int AS n', [9])).toEqual([{ n: 9 }]);
    expect(events.map((e) => [e.sql, e.paramCount, e.ok])).toEqual([
      ['SELECT $1::int + $2::int AS n', 2, true],
      ['SELECT $1::int + $2::int AS n', 2, true],
      ['SELECT $1::int + $2::int AS n', 2, true],
      ['SELECT $1::int + $2::int AS n', 2, true],
      ['SELECT $1::int AS n', 1, true],
    ]);
  });
});
