import { InvalidInputError } from '@memory/errors';
import { expect, it } from 'vitest';
import type { SqlStatement } from './memory-db.js';
import { sql } from './sql-template.js';
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

  it('runs statements of the sql template: arrays as one parameter, a param bound once, named or not', async () => {
    const db = await ctx.sharedDb();
    const n = sql.param(4);
    const evil = "'); drop table sessions; --";
    const statement = (values: number[]) =>
      sql`select ${n}::int * 2 + (select count(*)::int from unnest(${values}::int[]) v where v > ${n}) as n, ${evil}::text as t`;
    expect(statement([1, 5, 9]).values).toEqual([4, [1, 5, 9], evil]);
    expect(await db.query<{ n: number; t: string }>(statement([1, 5, 9]))).toEqual([{ n: 10, t: evil }]);
    const named = (values: number[]) => statement(values).named('memory_db_test_template_v1');
    expect(await db.query<{ n: number }>(named([5]))).toEqual([{ n: 9, t: evil }]);
    expect(await db.query<{ n: number }>(named([]))).toEqual([{ n: 8, t: evil }]);
    expect(await db.transaction((tx) => tx.query<{ n: number }>(statement([6, 7])))).toEqual([{ n: 10, t: evil }]);
    expect(await db.scope((em) => db.query<{ n: number }>(statement([]), undefined, em))).toEqual([{ n: 8, t: evil }]);
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
