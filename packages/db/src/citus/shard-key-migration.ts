import { Migration } from '@mikro-orm/migrations';

/** The tables that carry a `shard_key` (the distribution column on Citus). */
export const SHARD_KEY_TABLES = ['sessions', 'messages', 'session_summaries', 'messages_archive'] as const;

/**
 * The shard-key migration: a nullable `shard_key integer` on sessions, messages, session summaries
 * and archived messages. It is the distribution column on Citus (see `docs/citus.md`) and an unused
 * column on a single server. Additive only: nullable, no default, no index, no row rewritten, so the
 * original library keeps reading and writing every table. Values are filled by writers that know
 * the layout and by `backfillShardKeys` (run by `distributeMemorySchema`).
 */
export class MemoryShardKey extends Migration {
  override async up(): Promise<void> {
    for (const table of SHARD_KEY_TABLES) {
      await this.execute(`alter table ${table} add column if not exists shard_key integer null`);
    }
  }

  override async down(): Promise<void> {
    for (const table of SHARD_KEY_TABLES) {
      await this.execute(`alter table ${table} drop column if exists shard_key`);
    }
  }
}
