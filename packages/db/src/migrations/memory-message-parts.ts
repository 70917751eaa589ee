import { Migration } from '@mikro-orm/migrations';

/**
 * The fourth migration: structured message parts and per-message metadata.
 *
 * `messages.parts` holds the AI SDK `UIMessage` parts of a message (text, reasoning, tool calls
 * and results, files, sources, data parts) as a jsonb array; `messages.metadata` a jsonb object.
 * Both are nullable and have no default, so adding them rewrites no row and rows the original
 * library wrote keep every original column byte-identical (they read back with `null` parts and
 * metadata). `content` stays the text projection of the parts, so the original library still
 * reads every row. `messages_archive` gets the same two columns, so that an archived message can
 * keep them.
 *
 * No index is created on `metadata`: metadata filters run within a session or a user's sessions,
 * which the session indexes already narrow.
 */
export class MemoryMessageParts extends Migration {
  override async up(): Promise<void> {
    for (const sql of [
      `alter table messages add column if not exists parts jsonb null`,
      `alter table messages add column if not exists metadata jsonb null`,
      `alter table messages_archive add column if not exists parts jsonb null`,
      `alter table messages_archive add column if not exists metadata jsonb null`,
    ]) {
      await this.execute(sql);
    }
  }

  override async down(): Promise<void> {
    for (const sql of [
      `alter table messages drop column if exists parts`,
      `alter table messages drop column if exists metadata`,
      `alter table messages_archive drop column if exists parts`,
      `alter table messages_archive drop column if exists metadata`,
    ]) {
      await this.execute(sql);
    }
  }
}
