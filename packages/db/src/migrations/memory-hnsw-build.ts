import { Migration } from '@mikro-orm/migrations';
import { MESSAGES_HNSW_SQL } from './memory-initial-schema.js';

/** The build options `ix_messages_embedding_hnsw` has once this migration ran, as PostgreSQL lists them. */
const WANTED = ['ef_construction=128', 'm=16'];

/**
 * The third migration: rebuilds `ix_messages_embedding_hnsw` with `ef_construction` 128 when a
 * database made by an earlier build of the first migration has it with pgvector's defaults.
 * (The first migration now creates it with these options, so on a database migrated from
 * scratch this finds nothing to do.) The rebuild reads every embedding: on a large table it takes
 * as long as the first build did, about half again.
 */
export class MemoryHnswBuild extends Migration {
  override async up(): Promise<void> {
    const rows = await this.execute(
      `select coalesce(array_to_string(c.reloptions, ','), '') as options
         from pg_class c where c.oid = to_regclass('ix_messages_embedding_hnsw')`,
    );
    const options = (rows[0] as { options?: string } | undefined)?.options;
    // No index: a vector column too wide for HNSW, or one an operator dropped on purpose.
    if (options === undefined) return;
    if (WANTED.every((option) => options.split(',').includes(option))) return;
    await this.execute('drop index ix_messages_embedding_hnsw');
    await this.execute(MESSAGES_HNSW_SQL);
  }

  override async down(): Promise<void> {
    const rows = await this.execute(`select to_regclass('ix_messages_embedding_hnsw') is not null as present`);
    if (!(rows[0] as { present?: boolean } | undefined)?.present) return;
    await this.execute('drop index ix_messages_embedding_hnsw');
    await this.execute('create index ix_messages_embedding_hnsw on messages using hnsw (embedding vector_cosine_ops)');
  }
}
