import { randomUUID } from 'node:crypto';
import { shardKeyOfSession, type SqlStatement } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { ConflictError } from '@memory/errors';
import { expect, it } from 'vitest';
import { countRows, daysBefore, seedSession } from '../test/fixtures.js';
import { moveSessionOnShard } from './move-on-shard.js';
import { inTransaction, type SqlClient } from './sql.js';

/** `sql`, running `between` in the same transaction right after the move's copy statement. */
function afterCopy(sql: SqlClient, between: (sql: SqlClient) => Promise<unknown>): SqlClient {
  return {
    async query<T extends object>(statement: string | SqlStatement, values?: readonly unknown[]): Promise<T[]> {
      const rows = await sql.query<T>(statement, values);
      if (/^\s*INSERT INTO/.test(typeof statement === 'string' ? statement : statement.text)) await between(sql);
      return rows;
    },
  };
}

// The Citus move's statements are plain SQL on the columns every engine has (`shard_key` is set on
// every row here), so its guarantees are checked on each engine; routing-citus.int.test.ts checks
// that each statement is one task on Citus.
describeEachDatabase('moving a session between messages and messages_archive shard by shard', (ctx) => {
  it('moves every row to cold and back; a row slipped in between the copy and the delete stays where it was', async () => {
    const db = await ctx.createDb({ embeddingDimensions: 3 });
    const id = await seedSession(db, { updatedAt: daysBefore(new Date(), 30), messages: 4 });
    const slipIn = (sql: SqlClient) =>
      sql.query(
        `INSERT INTO messages (id, session_id, role, content, created_at, shard_key)
         VALUES ($1::uuid, $2::uuid, 'user', 'late', now(), $3::int)`,
        [randomUUID(), id, shardKeyOfSession(id)],
      );
    const moved = await inTransaction(db, (sql) => moveSessionOnShard(afterCopy(sql, slipIn), id, 'cold'));
    expect(moved).toBe(4);
    expect([await countRows(db, 'messages', id), await countRows(db, 'messages_archive', id)]).toEqual([1, 4]);

    const back = await inTransaction(db, (sql) => moveSessionOnShard(sql, id, 'hot'));
    expect(back).toBe(4);
    expect([await countRows(db, 'messages', id), await countRows(db, 'messages_archive', id)]).toEqual([5, 0]);
  });

  it('throws ConflictError and changes nothing when a source row vanishes between the copy and the delete', async () => {
    const db = await ctx.createDb({ embeddingDimensions: 3 });
    const id = await seedSession(db, { updatedAt: daysBefore(new Date(), 30), messages: 3 });
    const removeOne = (sql: SqlClient) =>
      sql.query(
        `DELETE FROM messages WHERE id = (SELECT id FROM messages WHERE session_id = $1::uuid AND shard_key = $2::int LIMIT 1) AND shard_key = $2::int`,
        [id, shardKeyOfSession(id)],
      );
    const move = inTransaction(db, (sql) => moveSessionOnShard(afterCopy(sql, removeOne), id, 'cold'));
    await expect(move).rejects.toSatisfy(
      (e: unknown) => ConflictError.isInstance(e) && /copied 3 messages from messages but removed 2/.test(String(e)),
    );
    expect([await countRows(db, 'messages', id), await countRows(db, 'messages_archive', id)]).toEqual([3, 0]);
  });
});
