import { describe, expect, it } from 'vitest';
import { memoryMigrations } from '../migrations/index.js';
import { describeEachDatabase } from '../testing/describe-each-database.js';
import { newSessionIdForUser, shardKeyOfSession, shardKeyOfUser, SHARD_KEY_SPACE } from './shard-key.js';

describe('shard keys', () => {
  it('a session minted for a user carries the user key, and stays a random v4 UUID', () => {
    for (const user of ['u123', '中文用户', 'a'.repeat(300)]) {
      const id = newSessionIdForUser(user);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(shardKeyOfSession(id)).toBe(shardKeyOfUser(user));
    }
    expect(newSessionIdForUser('u1')).not.toBe(newSessionIdForUser('u1'));
  });

  it('a session of the original library (random id, no user) gets a key from its own id', () => {
    expect(shardKeyOfSession('0b1e2f3a-1111-4222-8333-44445555abcd')).toBe(0xabcd);
    expect(shardKeyOfSession('0B1E2F3A-1111-4222-8333-44445555ABCD')).toBe(0xabcd);
    const id = newSessionIdForUser(undefined);
    expect(shardKeyOfSession(id)).toBe(Number.parseInt(id.slice(-4), 16));
  });

  it('user keys spread over the whole key space', () => {
    const keys = new Set<number>();
    for (let i = 0; i < 2000; i++) keys.add(shardKeyOfUser(`user-${i}`));
    expect(Math.max(...keys)).toBeLessThan(SHARD_KEY_SPACE);
    expect(keys.size).toBeGreaterThan(1900);
    // 32 Citus-like buckets all get users
    expect(new Set([...keys].map((k) => k % 32)).size).toBe(32);
  });

  it('rejects a session id that is not a UUID', () => {
    expect(() => shardKeyOfSession('not-a-uuid')).toThrow(/not a UUID/);
  });
});

describeEachDatabase(
  'the shard-key migration',
  (ctx) => {
    it('adds a nullable integer shard_key (no default) to the four session tables, and down() removes it', async () => {
      const db = await ctx.createDb({ embeddingDimensions: 4 });
      const names = memoryMigrations(4).map((m) => m.name);
      const at = names.indexOf('Migration20261207030000_memory_shard_key');
      expect(at).toBeGreaterThan(-1);
      const columns = () =>
        db.query<{ table_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
          `select table_name, data_type, is_nullable, column_default from information_schema.columns
            where table_schema = current_schema() and column_name = 'shard_key' order by table_name`,
        );
      const added = ['messages', 'messages_archive', 'session_summaries', 'sessions'].map((table_name) => ({
        table_name,
        data_type: 'integer',
        is_nullable: 'YES',
        column_default: null,
      }));
      expect(await columns()).toEqual(added);
      // Writers that do not know the layout (the original library) still insert.
      const id = newSessionIdForUser(undefined);
      await db.query(`insert into sessions (id, updated_at, status) values ($1, now(), 1)`, [id]);
      // Down through the later migrations, then the shard-key one.
      for (let i = names.length - 1; i >= at; i--) await db.orm.migrator.down();
      expect(await columns()).toEqual([]);
      await db.initDb();
      expect(await columns()).toEqual(added);
    });
  },
  { engines: ['pglite', 'postgres'], pgliteSnapshots: [4] },
);
