import { Migration } from '@mikro-orm/migrations';
import { MESSAGES_HNSW_SQL } from './memory-initial-schema.js';

/**
 * The third migration: rebuilds `ix_messages_embedding_hnsw` with `ef_construction` 128 when a
 * database made by an earlier build of the first migration has it with pgvector's defaults (no
 * build options at all). An index built with options of its own (an operator's tuning) is left
 * as it is, and so is one this build's first migration made. The rebuild reads every embedding:
 * on a large table it takes as long as the first build did, about half again.
 */
export class MemoryHnswBuild extends Migration {
  override async up(): Promise<void> {
    // Undefined when there is no index (a vector column too wide for HNSW, or dropped on purpose).
    if ((await this.#options()) !== '') return;
    await this.execute('drop index ix_messages_embedding_hnsw');
    await this.execute(MESSAGES_HNSW_SQL);
  }

  override async down(): Promise<void> {
    // Only the index this migration builds goes back to pgvector's defaults.
    if ((await this.#options()) !== 'm=16,ef_construction=128') return;
    await this.execute('drop index ix_messages_embedding_hnsw');
    await this.execute('create index ix_messages_embedding_hnsw on messages using hnsw (embedding vector_cosine_ops)');
  }

  /** The index's build options as PostgreSQL lists them (`m=16,ef_construction=128`), `''` for none, undefined without the index. */
  async #options(): Promise<string | undefined> {
    const rows = await this.execute(
      `select coalesce(array_to_string(c.reloptions, ','), '') as options
         from pg_class c where c.oid = to_regclass('ix_messages_embedding_hnsw')`,
    );
    return (rows[0] as { options?: string } | undefined)?.options;
  }
}
