import { randomUUID } from 'node:crypto';
import { ConfigurationError } from '@memory/errors';
import { Message, Session, SessionStatus } from '@memory/models';
import { expect, it } from 'vitest';
import type { MemoryDb } from './memory-db.js';
import { MEMORY_MIGRATIONS_TABLE, memoryMigrations } from './migrations/index.js';
import { ORIGINAL_COLUMNS, createOriginalSchema, describeEachDatabase } from './testing/index.js';

const MIGRATION_COUNT = memoryMigrations(1536).length;

const vec = (dims: number, seed: number) =>
  `[${Array.from({ length: dims }, (_, i) => ((i * seed) % 97) / 97).join(',')}]`;

/** Rows the original library and its application would have written, plus an app table. */
async function seedOriginalRows(db: MemoryDb, options: { embeddings: boolean }) {
  const s1 = randomUUID();
  const s2 = randomUUID();
  await db.execute('insert into sessions (id, updated_at, status, title, metadata) values (?, ?, 1, ?, ?)', [
    s1,
    '2025-03-01T10:00:00.123456Z',
    '旧的会话',
    JSON.stringify({ 来源: 'python', tags: ['a'] }),
  ]);
  await db.execute('insert into sessions (id, updated_at, status, title, metadata) values (?, ?, 2, null, null)', [
    s2,
    '2024-01-01T00:00:00Z',
  ]);
  for (let i = 0; i < 3; i++) {
    await db.execute(
      'insert into messages (id, session_id, role, content, model, embedding, created_at) values (?, ?, ?, ?, ?, ?::vector, ?)',
      [
        randomUUID(),
        s1,
        i % 2 ? 'assistant' : 'user',
        `消息 ${i}`,
        i % 2 ? 'gpt-4o' : null,
        options.embeddings && i < 2 ? vec(1536, i + 1) : null,
        `2025-03-01T10:00:0${i}Z`,
      ],
    );
  }
  await db.execute(
    'insert into session_summaries (id, session_id, strategy, strategy_version, summary_text, summary_json, created_at) values (?, ?, ?, ?, ?, ?, ?)',
    [
      randomUUID(),
      s1,
      'context_compression_v2',
      '2',
      '总结',
      JSON.stringify({
        decision_points: ['x'],
        todos: [],
        entities: { files: [], tools: [] },
        context_state: '',
        code_snippets: [],
      }),
      '2025-03-01T11:00:00Z',
    ],
  );
  await db.execute('insert into messages_archive (id, session_id, role, content, created_at) values (?, ?, ?, ?, ?)', [
    randomUUID(),
    s2,
    'user',
    '归档',
    '2024-01-01T00:00:00Z',
  ]);
  await db.execute(
    'insert into audit_logs (id, created_at, action, resource_type, resource_id, details) values (?, ?, ?, ?, ?, ?)',
    [randomUUID(), '2025-03-02T00:00:00Z', 'delete_session', 'session', randomUUID(), JSON.stringify({ by: 'admin' })],
  );
  await db.execute(
    'create table code_reviews (id uuid primary key, session_id uuid null references sessions (id), repo text not null, verdict jsonb null, created_at timestamptz not null)',
  );
  await db.execute('create index ix_code_reviews_repo on code_reviews (repo)');
  await db.execute('insert into code_reviews values (?, ?, ?, ?, ?), (?, null, ?, null, ?)', [
    randomUUID(),
    s1,
    'org/repo',
    JSON.stringify({ ok: true }),
    '2025-03-03T00:00:00Z',
    randomUUID(),
    'org/other',
    '2025-03-04T00:00:00Z',
  ]);
  return { s1, s2 };
}

/** Everything a user could lose: every row of every original column, the app table, and column definitions. */
async function snapshot(db: MemoryDb) {
  const out: Record<string, unknown> = {};
  for (const [table, columns] of Object.entries(ORIGINAL_COLUMNS)) {
    out[table] = await db.execute(
      `select ${columns.map((c) => `${c}::text as ${c}`).join(', ')} from ${table} order by id`,
    );
  }
  out.code_reviews = await db.execute(
    'select id::text, session_id::text, repo, verdict::text, created_at::text from code_reviews order by id',
  );
  out.columns = await db.execute(
    `select table_name, column_name, data_type, udt_name, is_nullable, character_maximum_length, column_default
       from information_schema.columns where table_schema = current_schema() and table_name in ('sessions','messages','session_summaries','messages_archive','audit_logs','code_reviews')
       and (table_name, column_name) not in (('sessions','user_id'),('sessions','created_at'),('messages_archive','model'),('messages_archive','embedding'),('messages_archive','archived_at'),('audit_logs','actor'),
         ('messages','parts'),('messages','metadata'),('messages_archive','parts'),('messages_archive','metadata'),('messages','user_id'),
         ('sessions','shard_key'),('messages','shard_key'),('session_summaries','shard_key'),('messages_archive','shard_key'))
      order by table_name, ordinal_position`,
  );
  out.appIndexes = await db.execute(
    `select indexname, indexdef from pg_indexes where tablename = 'code_reviews' order by indexname`,
  );
  out.constraints = await db.execute(
    `select conname, pg_get_constraintdef(oid) as def from pg_constraint where conrelid in ('sessions'::regclass, 'messages'::regclass, 'session_summaries'::regclass, 'code_reviews'::regclass) order by conname`,
  );
  return out;
}

async function columnType(db: MemoryDb, table: string, column: string): Promise<string | undefined> {
  const rows = await db.execute<{ type: string }>(
    `select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = to_regclass(?) and attname = ? and not attisdropped`,
    [table, column],
  );
  return rows[0]?.type;
}

describeEachDatabase(
  'adopting a database of the original library',
  (ctx) => {
    it('keeps every row and the unknown tables, adds the new columns and indexes, and is a no-op the second time', async () => {
      const db = await ctx.createDb({ init: false });
      await createOriginalSchema(db);
      const { s1 } = await seedOriginalRows(db, { embeddings: true });
      const before = await snapshot(db);

      await db.initDb();
      expect(await snapshot(db)).toEqual(before);

      const added = await db.execute<{ table_name: string; column_name: string; is_nullable: string }>(
        `select table_name, column_name, is_nullable from information_schema.columns where table_schema = current_schema()
         and (table_name, column_name) in (('sessions','user_id'),('sessions','created_at'),('messages_archive','model'),('messages_archive','embedding'),('messages_archive','archived_at'),('audit_logs','actor'),
           ('messages','parts'),('messages','metadata'),('messages_archive','parts'),('messages_archive','metadata'),('messages','user_id'),
         ('sessions','shard_key'),('messages','shard_key'),('session_summaries','shard_key'),('messages_archive','shard_key'))`,
      );
      expect(added).toHaveLength(15);
      expect(added.every((c) => c.is_nullable === 'YES')).toBe(true);
      expect(await columnType(db, 'messages_archive', 'embedding')).toBe('vector(1536)');
      const indexes = (
        await db.execute<{ indexname: string }>(`select indexname from pg_indexes where schemaname = current_schema()`)
      ).map((r) => r.indexname);
      // The original's ix_messages_session_id is dropped: (session_id, created_at, id) serves its queries.
      expect(indexes).not.toContain('ix_messages_session_id');
      expect(indexes).toEqual(
        expect.arrayContaining([
          'ix_session_summaries_session_id',
          'ix_messages_session_id_created_at_id',
          'ix_sessions_user_id_updated_at_id',
          'ix_audit_logs_actor',
          'ix_audit_logs_details_user_id',
          'ix_messages_embedding_hnsw',
          'ix_messages_user_id_created_at',
        ]),
      );
      const migrations = await db.execute(`select name from ${MEMORY_MIGRATIONS_TABLE}`);
      expect(migrations).toHaveLength(MIGRATION_COUNT);

      // Second run on the same instance: nothing changes, no migration recorded again.
      const after = await snapshot(db);
      await db.initDb();
      expect(await snapshot(db)).toEqual(after);
      expect(await db.execute(`select name from ${MEMORY_MIGRATIONS_TABLE}`)).toHaveLength(MIGRATION_COUNT);

      // The old rows read back through the entities, and new rows go in beside them.
      const em = db.fork();
      const session = await em.findOneOrFail(Session, s1);
      expect(session).toMatchObject({ title: '旧的会话', status: SessionStatus.ACTIVE, userId: null, createdAt: null });
      const messages = await em.find(Message, { session: s1 }, { orderBy: { createdAt: 'asc' } });
      expect(messages.map((m) => m.content)).toEqual(['消息 0', '消息 1', '消息 2']);
      expect(messages.map((m) => [m.parts, m.metadata])).toEqual([
        [null, null],
        [null, null],
        [null, null],
      ]);
      expect(messages[0]!.embedding).toHaveLength(1536);
      await db.scope(async (tx) => {
        tx.create(Message, {
          session: s1,
          role: 'user',
          content: '新消息',
          embedding: Array.from({ length: 1536 }, () => 0.25),
        });
      });
      expect(await db.fork().count(Message, { session: s1 })).toBe(4);
    });

    it('initializes again from a second process (a new instance on the same database) without changes', async () => {
      const url = await ctx.createDatabaseUrl();
      const first = await ctx.createDb({ url, init: false });
      await createOriginalSchema(first);
      await seedOriginalRows(first, { embeddings: true });
      await first.initDb();
      const before = await snapshot(first);
      await first.close(); // PGlite on a directory takes one instance at a time

      // initDb by hand: on Citus, createDb would also distribute the tables, which changes keys.
      const second = await ctx.createDb({ url, init: false });
      await second.initDb();
      expect(await snapshot(second)).toEqual(before);
      expect(await second.execute(`select name from ${MEMORY_MIGRATIONS_TABLE}`)).toHaveLength(MIGRATION_COUNT);
    });

    it('refuses another embedding dimension when the existing column holds vectors, changing nothing', async () => {
      const db = await ctx.createDb({ init: false, embeddingDimensions: 1024 });
      await createOriginalSchema(db);
      await seedOriginalRows(db, { embeddings: true });
      const before = await snapshot(db);
      const error = await db.initDb().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(ConfigurationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(
        /messages\.embedding is vector\(1536\) and holds 2 embeddings, but embeddingDimensions is 1024/,
      );
      expect(await snapshot(db)).toEqual(before);
      expect(await columnType(db, 'messages', 'embedding')).toBe('vector(1536)');
      expect(await db.execute(`select to_regclass(?) as t`, [MEMORY_MIGRATIONS_TABLE])).toEqual([{ t: null }]);
    });

    it('uses the configured dimension when the existing vector column holds no vectors', async () => {
      const db = await ctx.createDb({ init: false, embeddingDimensions: 1024 });
      await createOriginalSchema(db);
      const { s1 } = await seedOriginalRows(db, { embeddings: false });
      const rowsBefore = await db.execute('select id::text, content from messages order by id');
      await db.initDb();
      expect(await columnType(db, 'messages', 'embedding')).toBe('vector(1024)');
      expect(await columnType(db, 'messages_archive', 'embedding')).toBe('vector(1024)');
      expect(await db.execute('select id::text, content from messages order by id')).toEqual(rowsBefore);
      await db.scope(async (em) => {
        em.create(Message, {
          session: s1,
          role: 'user',
          content: 'x',
          embedding: Array.from({ length: 1024 }, () => 1),
        });
      });
    });

    it('creates the schema with the configured dimension on an empty database', async () => {
      const db = await ctx.createDb({ init: false, embeddingDimensions: 1024 });
      await db.initDb();
      expect(await columnType(db, 'messages', 'embedding')).toBe('vector(1024)');
      expect(await columnType(db, 'messages_archive', 'embedding')).toBe('vector(1024)');
      const tables = await db.execute<{ table_name: string }>(
        // Not Citus's own views (citus_schemas, citus_tables), which it puts in public.
        `select table_name from information_schema.tables where table_schema = current_schema() and table_name not like 'citus\\_%' order by table_name`,
      );
      expect(tables.map((t) => t.table_name)).toEqual([
        'audit_logs',
        MEMORY_MIGRATIONS_TABLE,
        'messages',
        'messages_archive',
        'session_summaries',
        'sessions',
      ]);
    });
  },
  { pgliteSnapshots: ['empty'] },
);

describeEachDatabase(
  'initDb from several processes at once',
  (ctx) => {
    it('creates the schema once when replicas start together', async () => {
      const url = await ctx.createDatabaseUrl();
      if (ctx.kind === 'pglite') {
        // One process per PGlite directory: concurrency means concurrent calls on one instance.
        const db = await ctx.createDb({ url, init: false });
        await Promise.all([db.initDb(), db.initDb(), db.initDb()]);
        expect(await db.execute(`select name from ${MEMORY_MIGRATIONS_TABLE}`)).toHaveLength(MIGRATION_COUNT);
        return;
      }
      const replicas = await Promise.all([1, 2, 3].map(() => ctx.createDb({ url, init: false })));
      await Promise.all(replicas.map((db) => db.initDb()));
      expect(await replicas[0]!.execute(`select name from ${MEMORY_MIGRATIONS_TABLE}`)).toHaveLength(MIGRATION_COUNT);
    });
  },
  { pgliteSnapshots: [] },
);
