import { Migration } from '@mikro-orm/migrations';

/**
 * Drops `ix_messages_session_id (session_id)`, the one index on `messages` that the original
 * library created, because `ix_messages_session_id_created_at_id (session_id, created_at, id)`
 * (the first migration's) starts with the same column and serves every query it served:
 * equality on `session_id` alone (counts, deletes of a session's messages, the foreign key's
 * `ON DELETE CASCADE`, the original library's reads of a session ordered by `created_at`) is a
 * prefix of the wider index (`session-index-plans.int.test.ts` of `@memory/conversations`
 * EXPLAINs our statements and the original's, before and after `ANALYZE`).
 *
 * Why drop it:
 * - every message written paid one more index entry for nothing (one more WAL record, and
 *   100 more index insertions in a batch of 100);
 * - it was a trap for the planner. With both indexes, a statement asking for a session's newest
 *   message could be planned as a walk of every entry of the session in the narrow index plus a
 *   sort (or an aggregate), instead of one probe from the newest end of the wide one. Without
 *   statistics (a table never analysed yet, autovacuum off), PostgreSQL picked the walk, and a
 *   named statement keeps the generic plan it settled on for the life of its connection: each
 *   append then read its whole session, longer and longer.
 *
 * What it costs: a query that reads every entry of one session (`count(*)` of a long thread)
 * reads the wider index, whose entries are larger and not deduplicated; a 100k-message thread
 * reads a few MB instead of a few hundred kB. No query of this library or of the original does
 * that on a hot path.
 *
 * The original library does not recreate it: its `init_db` creates missing tables (with their
 * indexes) and adds missing columns, and `messages` exists. `down()` recreates it. On a large, busy
 * table, drop it first with `drop index concurrently if exists ix_messages_session_id` (a plain
 * `drop index` waits for, and then blocks, every query on `messages` for a moment): this
 * migration then has nothing left to do.
 */
export class MemoryMessagesSessionIndex extends Migration {
  override async up(): Promise<void> {
    await this.execute(`drop index if exists ix_messages_session_id`);
  }

  override async down(): Promise<void> {
    await this.execute(`create index if not exists ix_messages_session_id on messages (session_id)`);
  }
}
