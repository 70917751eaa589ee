import { Migration } from '@mikro-orm/migrations';

/**
 * The index of the messages whose `user_id` is not filled yet: `(session_id, created_at)` of the
 * rows where `messages.user_id IS NULL` (rows written before the user-id migration, until
 * `backfillMessageUserIds` reaches them, and the messages of sessions without a user).
 *
 * Why: a user-scoped search must also find a user's messages that are still `NULL`, through their
 * sessions. Asking "has this user any such row?" on this index is one descent per session of the
 * user into an index that the backfill empties (only sessions without a user keep rows in it),
 * so every search can ask it and leave the fallback out of its plan when the answer is no, which
 * is what keeps a filled database's search on the `(user_id, created_at)` index and the HNSW
 * index alone. Writes that fill `user_id` (every append and import of a session with a user) add
 * nothing to it.
 *
 * Additive only: an index, nothing rewritten. On a large live table, create it first with
 * `create index concurrently ix_messages_user_id_unfilled on messages (session_id, created_at)
 * where user_id is null`: this migration then finds it and skips the build.
 */
export class MemoryMessageUserIdUnfilled extends Migration {
  override async up(): Promise<void> {
    await this.execute(
      `create index if not exists ix_messages_user_id_unfilled on messages (session_id, created_at) where user_id is null`,
    );
  }

  override async down(): Promise<void> {
    await this.execute(`drop index if exists ix_messages_user_id_unfilled`);
  }
}
