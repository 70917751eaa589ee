export {
  createMemoryDb,
  type MemoryDb,
  type MemoryDbOptions,
  type MemoryEntityManager,
  type AppEntity,
  type SqlTransaction,
} from './memory-db.js';
export { logAudit, type AuditEntry } from './audit.js';
export {
  setDatabaseUrl,
  getDefaultDb,
  getEngine,
  getSessionFactory,
  initDb,
  sessionScope,
  workerScope,
  resetDefaultDb,
  DATABASE_URL_ENV,
  type DefaultDbOptions,
} from './default-db.js';
export {
  parseDatabaseUrl,
  type DatabaseKind,
  type DatabaseTarget,
  type PostgresTarget,
  type PgliteTarget,
} from './database-url.js';
export { toMemoryError } from './to-memory-error.js';
export { reconcileEmbeddingColumns, EMBEDDING_COLUMNS, type EmbeddingColumnState } from './embedding-columns.js';
export { memoryMigrations, MEMORY_MIGRATIONS_TABLE } from './migrations/index.js';
export * from './citus/index.js';
