export {
  createMemoryDb,
  type MemoryDb,
  type MemoryDbOptions,
  type MemoryEntityManager,
  type NamedStatement,
  type AppEntity,
  type PgliteOptions,
  type SqlStatement,
  type SqlTransaction,
} from './memory-db.js';
export { sql, Sql, SqlParam, type SqlTag } from './sql-template.js';
export type { MemoryColumn, MemoryTableName, MemoryTables, TextRow } from './memory-tables.js';
export { logAudit, type AuditEntry } from './audit.js';
export {
  parseDatabaseUrl,
  type DatabaseKind,
  type DatabaseTarget,
  type PostgresTarget,
  type PgliteTarget,
} from './database-url.js';
export { PGLITE_PACKAGES } from './pglite-engine.js';
export { archivePrefix } from './archive-prefix.js';
export { toMemoryError } from './to-memory-error.js';
export { reconcileEmbeddingColumns, EMBEDDING_COLUMNS, type EmbeddingColumnState } from './embedding-columns.js';
export { memoryMigrations, MEMORY_MIGRATIONS_TABLE } from './migrations/index.js';
export { ALLOW_AUDIT_PURGE_SQL, AUDIT_PURGE_SETTING } from './migrations/memory-audit-append-only.js';
export * from './citus/index.js';
