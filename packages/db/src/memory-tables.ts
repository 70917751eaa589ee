import type { memoryEntities } from '@memory/models';
import type { InferKyselyDB } from '@mikro-orm/sql';

/**
 * The memory tables as rows, derived from the entity definitions of `@memory/models` (MikroORM's
 * `InferKyselyDB` over `defineEntity`, the same inference `em.getKysely()` uses): table name →
 * column name → the column's value type (`null` in it when the column is nullable). It is the one
 * schema source of the stores' row types: a column added to or renamed in an entity changes these
 * types, and the schema test compares them with the migrated database's `information_schema`.
 *
 * Values are as the entity declares them (`Date` for timestamps, parsed JSON for `jsonb`); a
 * statement that renders a column as text types its row with {@link TextRow}.
 *
 * @example
 * ```ts
 * type MessageRow = Pick<MemoryTables['messages'], 'id' | 'role' | 'content'>;
 * const rows = await db.query<MessageRow>('select id, role, content from messages where session_id = $1', [id]);
 * ```
 */
export type MemoryTables = InferKyselyDB<(typeof memoryEntities)[number]>;

/** The name of a memory table (`'sessions'`, `'messages'`, …). */
export type MemoryTableName = keyof MemoryTables & string;

/** The column names of memory table `T`, as the entity definitions derive them. */
export type MemoryColumn<T extends MemoryTableName> = keyof MemoryTables[T] & string;

/**
 * Columns `C` of memory table `T` as a statement returns them rendered as text (`col::text`, a
 * `to_char` timestamp): `string`, or `string | null` for a nullable column.
 *
 * @example
 * ```ts
 * type ExportRow = TextRow<'messages_archive', 'id' | 'model'>; // { id: string; model: string | null }
 * ```
 */
export type TextRow<T extends MemoryTableName, C extends MemoryColumn<T> = MemoryColumn<T>> = {
  -readonly [K in C]: null extends MemoryTables[T][K] ? string | null : string;
};
