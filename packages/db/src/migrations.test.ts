import { expect, it } from 'vitest';
import { MEMORY_MIGRATIONS_TABLE, memoryMigrations } from './migrations/index.js';
import { describeEachDatabase } from './testing/index.js';

describeEachDatabase('versioned migrations', (ctx) => {
  it('brings a database created by an earlier version up to date, running only what is pending', async () => {
    const db = await ctx.createDb({ embeddingDimensions: 4 });
    const names = memoryMigrations(4).map((m) => m.name);
    expect(
      (await db.query<{ name: string }>(`select name from ${MEMORY_MIGRATIONS_TABLE} order by name`)).map(
        (r) => r.name,
      ),
    ).toEqual(names);

    // Put the database back where the first version of this library left it.
    await db.query('drop index ix_sessions_user_id_updated_at_id');
    await db.query('drop index ix_audit_logs_actor');
    await db.query('drop index ix_audit_logs_details_user_id');
    await db.query('create index ix_sessions_user_id_updated_at on sessions (user_id, updated_at)');
    await db.query(`delete from ${MEMORY_MIGRATIONS_TABLE} where name = $1`, [names[1]]);
    await db.query(
      `insert into sessions (id, updated_at, status, user_id, shard_key) select id, now(), 1, 'u1', ('x' || right(id::text, 4))::bit(16)::int from (select gen_random_uuid() as id) g`,
    );

    await db.initDb();

    const indexes = (
      await db.query<{ indexname: string }>(`select indexname from pg_indexes where schemaname = current_schema()`)
    ).map((r) => r.indexname);
    expect(indexes).toEqual(
      expect.arrayContaining([
        'ix_sessions_user_id_updated_at_id',
        'ix_audit_logs_actor',
        'ix_audit_logs_details_user_id',
      ]),
    );
    expect(indexes).not.toContain('ix_sessions_user_id_updated_at');
    expect(
      (await db.query<{ name: string }>(`select name from ${MEMORY_MIGRATIONS_TABLE} order by name`)).map(
        (r) => r.name,
      ),
    ).toEqual(names);
    expect(await db.query<{ n: number }>(`select count(*)::int as n from sessions where user_id = 'u1'`)).toEqual([
      { n: 1 },
    ]);
  });

  it('rebuilds an HNSW index made with pgvector defaults with ef_construction 128, keeps the embeddings, and leaves a tuned one alone', async () => {
    const db = await ctx.createDb({ embeddingDimensions: 4 });
    const names = memoryMigrations(4).map((m) => m.name);
    const hnswOptions = async () =>
      (
        await db.query<{ options: string | null }>(
          `select array_to_string(reloptions, ',') as options from pg_class where oid = to_regclass('ix_messages_embedding_hnsw')`,
        )
      )[0]?.options;
    expect(await hnswOptions()).toBe('m=16,ef_construction=128');

    // A database migrated by an earlier build: the index with pgvector's defaults, the rebuild pending.
    await db.query('drop index ix_messages_embedding_hnsw');
    await db.query('create index ix_messages_embedding_hnsw on messages using hnsw (embedding vector_cosine_ops)');
    await db.query(`delete from ${MEMORY_MIGRATIONS_TABLE} where name = $1`, [names[2]]);
    const session = (
      await db.query<{ id: string }>(
        `insert into sessions (id, updated_at, status, shard_key) select id, now(), 1, ('x' || right(id::text, 4))::bit(16)::int from (select gen_random_uuid() as id) g returning id`,
      )
    )[0]!.id;
    await db.query(
      `insert into messages (id, session_id, role, content, embedding, created_at, shard_key) values (gen_random_uuid(), $1, 'user', 'a', '[1,0,0,0]', now(), ('x' || right($1::uuid::text, 4))::bit(16)::int), (gen_random_uuid(), $1, 'user', 'b', '[0,1,0,0]', now(), ('x' || right($1::uuid::text, 4))::bit(16)::int)`,
      [session],
    );
    expect(await hnswOptions()).toBeNull();

    await db.initDb();

    expect(await hnswOptions()).toBe('m=16,ef_construction=128');
    expect(
      (await db.query<{ name: string }>(`select name from ${MEMORY_MIGRATIONS_TABLE} order by name`)).map(
        (r) => r.name,
      ),
    ).toEqual(names);
    const nearest = await db.transaction(async (tx) => {
      await tx.query('set local enable_seqscan = off');
      return tx.query<{ content: string }>(`select content from messages order by embedding <=> '[0.1,1,0,0]' limit 1`);
    });
    expect(nearest).toEqual([{ content: 'b' }]);

    // An index an operator built with options of their own is theirs: left as it is.
    await db.query('drop index ix_messages_embedding_hnsw');
    await db.query(
      'create index ix_messages_embedding_hnsw on messages using hnsw (embedding vector_cosine_ops) with (m = 24, ef_construction = 200)',
    );
    await db.query(`delete from ${MEMORY_MIGRATIONS_TABLE} where name = $1`, [names[2]]);
    await db.initDb();
    expect(await hnswOptions()).toBe('m=24,ef_construction=200');
  });
});

/**
 * Not on Citus: down() here rolls back past the shard-key migration, i.e. drops the distribution
 * column, which Citus refuses by design. Rolling migrations back is a single-server operation;
 * the up() path runs on Citus in every suite (each Citus test database is migrated, then distributed).
 */
const SINGLE_SERVER = { engines: ['pglite', 'postgres'] } as const;

describeEachDatabase(
  'the message parts migration',
  (ctx) => {
    it('adds nullable jsonb parts and metadata to messages and messages_archive, and down() removes them', async () => {
      const db = await ctx.createDb({ embeddingDimensions: 4 });
      const names = memoryMigrations(4).map((m) => m.name);
      // Later migrations follow it: one down() each reverts them and it.
      const at = names.indexOf('Migration20261207000000_memory_message_parts');
      expect(at).toBeGreaterThan(0);
      const columns = () =>
        db.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
          `select table_name, column_name, data_type, is_nullable from information_schema.columns
          where table_schema = current_schema() and table_name in ('messages', 'messages_archive')
            and column_name in ('parts', 'metadata') order by table_name, column_name`,
        );
      const added = [
        { table_name: 'messages', column_name: 'metadata', data_type: 'jsonb', is_nullable: 'YES' },
        { table_name: 'messages', column_name: 'parts', data_type: 'jsonb', is_nullable: 'YES' },
        { table_name: 'messages_archive', column_name: 'metadata', data_type: 'jsonb', is_nullable: 'YES' },
        { table_name: 'messages_archive', column_name: 'parts', data_type: 'jsonb', is_nullable: 'YES' },
      ];
      expect(await columns()).toEqual(added);

      for (let i = at; i < names.length; i++) await db.orm.migrator.down();
      expect(await columns()).toEqual([]);
      expect(
        (await db.query<{ name: string }>(`select name from ${MEMORY_MIGRATIONS_TABLE} order by name`)).map(
          (r) => r.name,
        ),
      ).toEqual(names.slice(0, at));

      await db.initDb();
      expect(await columns()).toEqual(added);
    });
  },
  SINGLE_SERVER,
);

describeEachDatabase(
  'the message user-id migration',
  (ctx) => {
    it('adds a nullable messages.user_id with its (user_id, created_at) index, and down() removes both', async () => {
      const db = await ctx.createDb({ embeddingDimensions: 4 });
      const names = memoryMigrations(4).map((m) => m.name);
      const at = names.indexOf('Migration20261207010000_memory_message_user_id');
      expect(at).toBeGreaterThan(0);
      const state = async () => ({
        columns: await db.query(
          `select data_type, is_nullable, column_default from information_schema.columns
          where table_schema = current_schema() and table_name = 'messages' and column_name = 'user_id'`,
        ),
        indexes: (
          await db.query<{ indexdef: string }>(
            `select indexdef from pg_indexes where schemaname = current_schema() and indexname = 'ix_messages_user_id_created_at'`,
          )
        ).map((r) => r.indexdef.replace(/ ON \S+\./, ' ON ')),
      });
      const added = {
        columns: [{ data_type: 'text', is_nullable: 'YES', column_default: null }],
        indexes: ['CREATE INDEX ix_messages_user_id_created_at ON messages USING btree (user_id, created_at)'],
      };
      expect(await state()).toEqual(added);

      for (let i = at; i < names.length; i++) await db.orm.migrator.down();
      expect(await state()).toEqual({ columns: [], indexes: [] });
      await db.initDb();
      expect(await state()).toEqual(added);
    });

    it('adds the partial index of the messages whose user_id is not filled yet, and down() removes it', async () => {
      const db = await ctx.createDb({ embeddingDimensions: 4 });
      const names = memoryMigrations(4).map((m) => m.name);
      const at = names.indexOf('Migration20261207015000_memory_message_user_id_unfilled');
      expect(at).toBe(names.indexOf('Migration20261207010000_memory_message_user_id') + 1);
      const indexes = async () =>
        (
          await db.query<{ indexdef: string }>(
            `select indexdef from pg_indexes where schemaname = current_schema() and indexname = 'ix_messages_user_id_unfilled'`,
          )
        ).map((r) => r.indexdef.replace(/ ON \S+\./, ' ON '));
      const added = [
        'CREATE INDEX ix_messages_user_id_unfilled ON messages USING btree (session_id, created_at) WHERE (user_id IS NULL)',
      ];
      expect(await indexes()).toEqual(added);
      for (let i = at; i < names.length; i++) await db.orm.migrator.down();
      expect(await indexes()).toEqual([]);
      await db.initDb();
      expect(await indexes()).toEqual(added);
    });
  },
  SINGLE_SERVER,
);
