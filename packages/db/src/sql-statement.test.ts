import { InvalidInputError } from '@memory/errors';
import { expect, it } from 'vitest';
import type { SqlStatement } from './memory-db.js';
import { describeEachDatabase } from './testing/index.js';

describeEachDatabase('SqlStatement (a statement with its values)', (ctx) => {
  const sum = (a: number, b: number): SqlStatement => ({ text: 'select $1::int + $2::int as n', values: [a, b] });

  it('runs through db.query, named (prepared on PostgreSQL) or not, and through tx.query', async () => {
    const db = await ctx.sharedDb();
    expect(await db.query<{ n: number }>(sum(1, 2))).toEqual([{ n: 3 }]);
    const named = (a: number, b: number): SqlStatement => ({ ...sum(a, b), name: 'memory_db_test_sum' });
    expect(await db.query<{ n: number }>(named(2, 3))).toEqual([{ n: 5 }]);
    expect(await db.query<{ n: number }>(named(4, 5))).toEqual([{ n: 9 }]);
    expect(await db.transaction((tx) => tx.query<{ n: number }>(sum(5, 6)))).toEqual([{ n: 11 }]);
    expect(await db.scope((em) => db.query<{ n: number }>(sum(7, 8), undefined, em))).toEqual([{ n: 15 }]);
  });

  it('refuses values passed beside a statement that carries its own', async () => {
    const db = await ctx.sharedDb();
    await expect(db.query(sum(1, 2), [3])).rejects.toSatisfy(
      (e) => InvalidInputError.isInstance(e) && /carries its values/.test((e as Error).message),
    );
    await expect(db.transaction((tx) => tx.query(sum(1, 2), [3]))).rejects.toSatisfy(
      (e) => InvalidInputError.isInstance(e) && /carries its values/.test((e as Error).message),
    );
  });
});
