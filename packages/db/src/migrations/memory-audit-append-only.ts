import { Migration } from '@mikro-orm/migrations';

/** The transaction-local setting that lets a user purge delete audit rows (see {@link MemoryAuditAppendOnly}). */
export const AUDIT_PURGE_SETTING = 'memory.audit_purge';

/**
 * The SQL a user purge runs first in each of its transactions so that the append-only trigger
 * lets its `DELETE FROM audit_logs` through. `set_config(..., true)` is transaction-local: it
 * ends with the commit or rollback, so a pooled connection never keeps it.
 */
export const ALLOW_AUDIT_PURGE_SQL = `SELECT set_config('${AUDIT_PURGE_SETTING}', 'on', true)`;

/**
 * A migration after the user lookups: makes `audit_logs` append-only at the database level.
 * A row trigger refuses every UPDATE, and every DELETE unless the transaction set
 * `memory.audit_purge` to `on` (which `@memory/conversations`' `purgeUser` does, and nothing
 * else in the library). The refusal is SQLSTATE `42501` (insufficient privilege) with a message
 * naming the table and the operation. TRUNCATE is not a row operation and stays allowed: it is a
 * table owner's maintenance statement (test fixtures and benchmarks use it), not ordinary use.
 *
 * A role that can run `set_config` can still delete audit rows on purpose; the trigger guards
 * against the library's own code paths and ordinary application SQL, not against the table's
 * owner (who can drop the trigger anyway).
 */
export class MemoryAuditAppendOnly extends Migration {
  override async up(): Promise<void> {
    await this.execute(`create or replace function memory_audit_logs_append_only() returns trigger
language plpgsql as $fn$
begin
  if tg_op = 'DELETE' and coalesce(current_setting('${AUDIT_PURGE_SETTING}', true), '') = 'on' then
    return old;
  end if;
  raise exception 'audit_logs is append-only: % refused', tg_op
    using errcode = '42501',
          hint = 'audit rows are only removed by a user purge (purgeUser of @memory/conversations)';
end
$fn$`);
    await this.execute('drop trigger if exists tr_audit_logs_append_only on audit_logs');
    await this.execute(
      `create trigger tr_audit_logs_append_only before update or delete on audit_logs
         for each row execute function memory_audit_logs_append_only()`,
    );
  }

  override async down(): Promise<void> {
    await this.execute('drop trigger if exists tr_audit_logs_append_only on audit_logs');
    await this.execute('drop function if exists memory_audit_logs_append_only()');
  }
}
