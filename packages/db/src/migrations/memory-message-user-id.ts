import { Migration } from '@mikro-orm/migrations';

/**
 * The user-id migration: a nullable `messages.user_id` (a copy of `sessions.user_id`, which an
 * append writes with the message) and the `(user_id, created_at)` index that finds one user's
 * messages without joining through `sessions`.
 *
 * Why a copy on the row: a user-scoped search used to reach messages through
 * `session_id IN (SELECT id FROM sessions WHERE user_id = $1)`. PostgreSQL estimates that
 * semi-join from the average session, so a database that also holds one huge thread makes the
 * planner expect thousands of rows for a small user and flip to a sequential scan with a hash
 * join over every message. `user_id = $1` on an indexed column is estimated from the column's
 * own statistics and stays an index scan on that user's rows.
 *
 * Additive only: the column is nullable, has no default, and nothing existing is rewritten, so
 * rows the original library wrote keep their original columns byte-identical. Rows written
 * before this migration stay `NULL` until `backfillMessageUserIds` (`@memory/conversations`)
 * fills them; every query treats a `NULL` as "look at the session". On a large live table,
 * create the index first with `create index concurrently ix_messages_user_id_created_at on
 * messages (user_id, created_at)`: this migration then finds it and skips the build.
 */
export class MemoryMessageUserId extends Migration {
  override async up(): Promise<void> {
    for (const sql of [
      `alter table messages add column if not exists user_id text null`,
      `create index if not exists ix_messages_user_id_created_at on messages (user_id, created_at)`,
    ]) {
      await this.execute(sql);
    }
  }

  override async down(): Promise<void> {
    for (const sql of [
      `drop index if exists ix_messages_user_id_created_at`,
      `alter table messages drop column if exists user_id`,
    ]) {
      await this.execute(sql);
    }
  }
}
