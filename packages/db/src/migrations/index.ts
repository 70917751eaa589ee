import type { MigrationObject } from '@mikro-orm/core';
import { memoryInitialSchema } from './memory-initial-schema.js';
import { MemoryHnswBuild } from './memory-hnsw-build.js';
import { MemoryMessageUserId } from './memory-message-user-id.js';
import { MemoryMessageUserIdUnfilled } from './memory-message-user-id-unfilled.js';
import { MemoryUserLookups } from './memory-user-lookups.js';
import { MemoryShardKey } from '../citus/shard-key-migration.js';
import { MemoryMessageParts } from './memory-message-parts.js';
import { MemoryAuditAppendOnly } from './memory-audit-append-only.js';
import { MemoryMessagesSessionIndex } from './memory-messages-session-index.js';

/** The table that records which memory migrations ran (separate from an app's own migrations). */
export const MEMORY_MIGRATIONS_TABLE = 'memory_migrations';

/**
 * The versioned migrations of the memory schema, oldest first, for a deployment whose vector
 * columns have `embeddingDimensions` dimensions. Names are stable: they are what the migrations
 * table records.
 */
export function memoryMigrations(embeddingDimensions: number): MigrationObject[] {
  return [
    { name: 'Migration20261125000000_memory_initial', class: memoryInitialSchema(embeddingDimensions) as never },
    { name: 'Migration20261125160000_memory_user_lookups', class: MemoryUserLookups as never },
    { name: 'Migration20261125200000_memory_hnsw_build', class: MemoryHnswBuild as never },
    { name: 'Migration20261207000000_memory_message_parts', class: MemoryMessageParts as never },
    { name: 'Migration20261207010000_memory_message_user_id', class: MemoryMessageUserId as never },
    {
      name: 'Migration20261207015000_memory_message_user_id_unfilled',
      class: MemoryMessageUserIdUnfilled as never,
    },
    { name: 'Migration20261207020000_memory_audit_append_only', class: MemoryAuditAppendOnly as never },
    { name: 'Migration20261207030000_memory_shard_key', class: MemoryShardKey as never },
    {
      name: 'Migration20261207040000_memory_messages_session_index',
      class: MemoryMessagesSessionIndex as never,
    },
  ];
}
