import { expect, it } from 'vitest';
import { MEMORY_TABLES, memoryEntities } from '@memory/models';
import type { MemoryColumn, MemoryTableName, MemoryTables } from './memory-tables.js';
import { describeEachDatabase } from './testing/index.js';

/**
 * The derived row types, written out as values so a test can compare them with the database:
 * column → nullable. `satisfies` makes this literal exactly the columns of {@link MemoryTables}
 * with their nullability (a missing, extra or differently nullable column fails typecheck), so a
 * change to an entity shows up here first, and the test below compares it with the migrations.
 */
type Nullability = {
  [T in MemoryTableName]: { [C in MemoryColumn<T>]: null extends MemoryTables[T][C] ? true : false };
};
const derived = {
  sessions: {
    id: false,
    updated_at: false,
    status: false,
    title: true,
    metadata: true,
    user_id: true,
    created_at: true,
    shard_key: true,
  },
  messages: {
    id: false,
    session_id: false,
    role: false,
    content: false,
    model: true,
    embedding: true,
    user_id: true,
    created_at: false,
    parts: true,
    metadata: true,
    shard_key: true,
  },
  session_summaries: {
    id: false,
    session_id: false,
    strategy: false,
    strategy_version: true,
    summary_text: true,
    summary_json: false,
    created_at: false,
    shard_key: true,
  },
  messages_archive: {
    id: false,
    session_id: false,
    role: false,
    content: false,
    created_at: false,
    model: true,
    embedding: true,
    parts: true,
    metadata: true,
    archived_at: true,
    shard_key: true,
  },
  audit_logs: {
    id: false,
    created_at: true,
    action: false,
    resource_type: false,
    resource_id: true,
    details: true,
    actor: true,
  },
} as const satisfies Nullability;

const sorted = (o: object) => Object.entries(o).sort(([a], [b]) => a.localeCompare(b));

it('derives a row type for every memory table', () => {
  expect(Object.keys(derived).sort()).toEqual([...MEMORY_TABLES].sort());
  expect(memoryEntities.map((e) => e.meta.tableName).sort()).toEqual([...MEMORY_TABLES].sort());
});

describeEachDatabase(
  'memory tables (derived row types)',
  (ctx) => {
    it('match the migrated database column for column, nullability included, and the ORM metadata', async () => {
      const db = await ctx.createDb({ embeddingDimensions: 4 });
      const rows = await db.query<{ table_name: string; column_name: string; is_nullable: string }>(
        `select table_name, column_name, is_nullable from information_schema.columns
        where table_schema = current_schema() and table_name = any($1::text[])`,
        [[...MEMORY_TABLES]],
      );
      const metadata = db.orm.getMetadata();
      for (const table of MEMORY_TABLES) {
        const inDatabase = Object.fromEntries(
          rows.filter((r) => r.table_name === table).map((r) => [r.column_name, r.is_nullable === 'YES']),
        );
        // On Citus, shard_key is the distribution column of the tables that have it: NOT NULL there.
        const expected: Record<string, boolean> = { ...derived[table] };
        if (ctx.label === '[citus]' && 'shard_key' in expected && inDatabase.shard_key === false)
          expected.shard_key = false;
        expect({ table, columns: sorted(inDatabase) }).toEqual({ table, columns: sorted(expected) });
        const meta = [...metadata.getAll().values()].find((m) => m.tableName === table);
        const fields = (meta?.props ?? []).filter((p) => p.persist !== false).flatMap((p) => p.fieldNames ?? []);
        expect({ table, fields: fields.sort() }).toEqual({ table, fields: Object.keys(derived[table]).sort() });
      }
    });
  },
  { pgliteSnapshots: [4] },
);
