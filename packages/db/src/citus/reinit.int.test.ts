import { randomUUID } from 'node:crypto';
import { Session } from '@memory/models';
import { defineEntity, p } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryDb, type MemoryDb } from '../memory-db.js';
import type { ScratchDatabase } from '../testing/test-databases.js';
import { CITUS_TEST_URL_ENV, createCitusScratchDatabase } from './citus-scratch.js';
import { distributeMemorySchema } from './distribute.js';
import { shardKeyOfSession } from './shard-key.js';

// An application's table with a foreign key to sessions, like the original's `code_reviews`.
const ReviewSchema = defineEntity({
  name: 'Review',
  tableName: 'code_reviews',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    session: () => p.manyToOne(Session).ref().nullable().deleteRule('cascade'),
    repo: p.text(),
    shardKey: p.integer().fieldName('shard_key').nullable(),
  },
});
class Review extends ReviewSchema.class {}
ReviewSchema.setClass(Review);

const citusUrl = process.env[CITUS_TEST_URL_ENV];
const d = citusUrl ? describe : describe.skip;

d(`initDb after distributeMemorySchema${citusUrl ? '' : ` (set ${CITUS_TEST_URL_ENV} to run)`}`, () => {
  let scratch: ScratchDatabase;
  let db: MemoryDb;

  beforeAll(async () => {
    scratch = await createCitusScratchDatabase(citusUrl!);
    db = createMemoryDb({ url: scratch.url, embeddingDimensions: 3, entities: [ReviewSchema] });
    await db.initDb();
    await distributeMemorySchema(db, { shardCount: 4, colocatedTables: ['code_reviews'] });
  }, 300_000);
  afterAll(async () => {
    await db?.close();
    await scratch?.drop();
  }, 120_000);

  it('is a no-op on the distributed layout: keys and foreign keys stay (session_id, shard_key), rows stay', async () => {
    const session = randomUUID();
    await db.query(`insert into sessions (id, updated_at, status, shard_key) values ($1, now(), 1, $2)`, [
      session,
      shardKeyOfSession(session),
    ]);
    await db.query(`insert into code_reviews (id, session_id, repo, shard_key) values ($1, $2, 'org/repo', $3)`, [
      randomUUID(),
      session,
      shardKeyOfSession(session),
    ]);
    const constraints = () =>
      db.query<{ t: string; name: string; def: string }>(
        `select conrelid::regclass::text as t, conname as name, pg_get_constraintdef(oid) as def from pg_constraint
          where conrelid in ('sessions'::regclass, 'messages'::regclass, 'code_reviews'::regclass) and contype in ('p', 'f', 'u')
          order by 1, 2`,
      );
    const before = await constraints();
    expect(before).toContainEqual(
      expect.objectContaining({
        t: 'code_reviews',
        def: expect.stringMatching(/FOREIGN KEY \(session_id, shard_key\)/),
      }),
    );
    await db.initDb();
    await db.initDb();
    expect(await constraints()).toEqual(before);
    expect(await db.query(`select count(*)::int as n from code_reviews`)).toEqual([{ n: 1 }]);
    // The cascade still works on the shard.
    await db.query(`delete from sessions where id = $1 and shard_key = $2`, [session, shardKeyOfSession(session)]);
    expect(await db.query(`select count(*)::int as n from code_reviews`)).toEqual([{ n: 0 }]);
  });
});
