import { Migration } from '@mikro-orm/migrations';

/**
 * The second migration: indexes for the per-user paths (session listing by activity, user
 * export and purge). Session pages walk `(user_id, updated_at desc, id desc)` without a sort,
 * which supersedes the first migration's `(user_id, updated_at)` index (this library's own, never
 * the original's, so dropping it touches nothing an existing deployment made). Audit rows of a
 * user are found by `actor` and by `details ->> 'userId'`.
 */
export class MemoryUserLookups extends Migration {
  override async up(): Promise<void> {
    for (const sql of [
      `create index if not exists ix_sessions_user_id_updated_at_id on sessions (user_id, updated_at desc, id desc)`,
      `drop index if exists ix_sessions_user_id_updated_at`,
      `create index if not exists ix_audit_logs_actor on audit_logs (actor)`,
      `create index if not exists ix_audit_logs_details_user_id on audit_logs ((details ->> 'userId'))`,
    ]) {
      await this.execute(sql);
    }
  }

  override async down(): Promise<void> {
    for (const sql of [
      `create index if not exists ix_sessions_user_id_updated_at on sessions (user_id, updated_at)`,
      `drop index if exists ix_sessions_user_id_updated_at_id`,
      `drop index if exists ix_audit_logs_actor`,
      `drop index if exists ix_audit_logs_details_user_id`,
    ]) {
      await this.execute(sql);
    }
  }
}
