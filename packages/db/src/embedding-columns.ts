import { ConfigurationError } from '@memory/errors';

/** The vector columns whose dimension follows the deployment's `embeddingDimensions`. */
export const EMBEDDING_COLUMNS = [
  { table: 'messages', column: 'embedding' },
  { table: 'messages_archive', column: 'embedding' },
] as const;

type Execute = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** What {@link reconcileEmbeddingColumns} found or did for one column. */
export interface EmbeddingColumnState {
  table: string;
  column: string;
  /** The column type before, e.g. `vector(1536)`; `undefined` when the table or column does not exist yet. */
  before: string | undefined;
  /** What was done: nothing, or the type of an empty column was changed. */
  action: 'none' | 'altered';
}

/**
 * Makes sure existing vector columns have the configured dimension, before migrations run.
 *
 * A column that does not exist yet is left to the migration (it creates `vector(N)`). A column
 * that already has N dimensions, or no fixed dimension, is fine. A column with another dimension
 * is changed only when it holds no vector at all (changing the type of an all-NULL column loses
 * nothing); when it holds vectors, {@link ConfigurationError} says what to do, and nothing is
 * altered.
 */
export async function reconcileEmbeddingColumns(execute: Execute, dims: number): Promise<EmbeddingColumnState[]> {
  const states: EmbeddingColumnState[] = [];
  for (const { table, column } of EMBEDDING_COLUMNS) {
    const rows = await execute(
      `select format_type(a.atttypid, a.atttypmod) as type, t.typname as base
         from pg_attribute a join pg_type t on t.oid = a.atttypid
        where a.attrelid = to_regclass(?) and a.attname = ? and not a.attisdropped`,
      [table, column],
    );
    const row = rows[0];
    if (!row) {
      states.push({ table, column, before: undefined, action: 'none' });
      continue;
    }
    const type = String(row.type);
    if (row.base !== 'vector') {
      throw new ConfigurationError(
        `[memory/db] ${table}.${column} has type ${type}, not vector: this database was not created for pgvector embeddings; migrate the column to vector(${dims}) yourself`,
        { details: { table, column, type } },
      );
    }
    const match = /^vector\((\d+)\)$/.exec(type);
    const existing = match ? Number(match[1]) : undefined;
    if (existing === undefined || existing === dims) {
      states.push({ table, column, before: type, action: 'none' });
      continue;
    }
    const filled = await execute(`select count(*)::int as n from ${table} where ${column} is not null`);
    const count = Number(filled[0]?.n ?? 0);
    if (count > 0) {
      throw new ConfigurationError(
        `[memory/db] ${table}.${column} is ${type} and holds ${count} embeddings, but embeddingDimensions is ${dims}: ` +
          `set embeddingDimensions: ${existing} to keep them, or re-embed and migrate the column yourself (nothing was changed)`,
        { details: { table, column, existing, configured: dims, rowsWithEmbeddings: count } },
      );
    }
    await execute(`alter table ${table} alter column ${column} type vector(${dims})`);
    states.push({ table, column, before: type, action: 'altered' });
  }
  return states;
}
