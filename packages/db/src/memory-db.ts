import { DEFAULT_EMBEDDING_DIMENSIONS, defineMemoryEntities, validateEmbeddingDimensions } from '@memory/models';
import { buildPgliteOrm, buildPostgresOrm, commonOrmOptions } from './build-orm.js';
import { parseDatabaseUrl } from './database-url.js';
import type { MemoryDb, MemoryDbOptions } from './memory-types.js';
import { MikroMemoryDb } from './mikro-memory-db.js';
import { toMemoryError } from './to-memory-error.js';

export type {
  AppEntity,
  MemoryDb,
  MemoryDbOptions,
  MemoryEntityManager,
  NamedStatement,
  PgliteOptions,
  SqlStatement,
  SqlTransaction,
} from './memory-types.js';

/**
 * Connects to the memory database at `options.url`. Nothing is sent to the server until the
 * first query (or {@link MemoryDb.initDb}); a bad URL fails here with `ConfigurationError`.
 * A `pglite://` URL loads the optional embedded engine (`@electric-sql/pglite`,
 * `@electric-sql/pglite-pgvector`, `@mikro-orm/pglite`) in the background; when it is not
 * installed, the first call on the database rejects with `ConfigurationError` naming the packages.
 *
 * @example
 * ```ts
 * const db = createMemoryDb({ url: process.env.DATABASE_URL ?? 'pglite://memory', embeddingDimensions: 1024 });
 * await db.initDb();
 * await db.scope(async (em) => {
 *   const session = em.create(Session, { title: 'Chat', userId: 'u1' });
 *   em.create(Message, { session, role: MessageRole.USER, content: '你好' });
 * });
 * await db.close();
 * ```
 */
export function createMemoryDb(options: MemoryDbOptions): MemoryDb {
  const target = parseDatabaseUrl(options.url);
  const embeddingDimensions = validateEmbeddingDimensions(options.embeddingDimensions ?? DEFAULT_EMBEDDING_DIMENSIONS);
  const memory = defineMemoryEntities({ embeddingDimensions });
  const appEntities = [...(options.entities ?? [])];
  const common = commonOrmOptions(options, memory, appEntities, embeddingDimensions);
  try {
    const engine =
      target.kind === 'postgres'
        ? { postgres: buildPostgresOrm(target, options, common) }
        : { pglite: buildPgliteOrm(target, options, common) };
    return new MikroMemoryDb(
      target,
      embeddingDimensions,
      engine,
      appEntities.length > 0,
      options.preparedStatements ?? true,
    );
  } catch (error) {
    throw toMemoryError(error, target, 'configure the ORM');
  }
}
