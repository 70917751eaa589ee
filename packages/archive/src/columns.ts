import type { MemoryColumn } from '@memory/db';

/**
 * The columns a message keeps when it moves between `messages` and `messages_archive` (archiving
 * and restoring): every column the two entity definitions share, except `shard_key`, which each
 * statement computes for its own table. `satisfies` ties this list to the derived row types of
 * `@memory/db`: a column added to both entities fails typecheck here until it is listed, so a move
 * never drops it silently.
 */
const MOVED = {
  id: true,
  session_id: true,
  role: true,
  content: true,
  model: true,
  embedding: true,
  created_at: true,
  parts: true,
  metadata: true,
} as const satisfies Record<Exclude<MemoryColumn<'messages'> & MemoryColumn<'messages_archive'>, 'shard_key'>, true>;

/** {@link MOVED}'s columns as a column list (`id, session_id, …`), for `RETURNING`, `INSERT (…)` and `SELECT`. */
export const MOVED_MESSAGE_COLUMNS = Object.keys(MOVED).join(', ');
