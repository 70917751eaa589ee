/** What the benchmarks read back from the schema the migrations made. */

/**
 * The `CREATE INDEX` statement of the migrations' HNSW index on `messages.embedding`, read back
 * from the database, so the benchmark drops it for the load and rebuilds exactly what users get.
 */
export async function hnswIndexDefinition(db: { query(sql: string): Promise<{ rows: unknown[] }> }): Promise<string> {
  const { rows } = await db.query(
    `SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_messages_embedding_hnsw' AND schemaname = current_schema()`,
  );
  const def = (rows[0] as { indexdef?: string } | undefined)?.indexdef;
  if (!def) throw new Error('the migrations made no ix_messages_embedding_hnsw index: nothing to benchmark');
  return def;
}
