import type { EntityMetadata } from '@mikro-orm/core';
import { AuditLog, AuditLogSchema } from './audit-log.js';
import { DEFAULT_EMBEDDING_DIMENSIONS, validateEmbeddingDimensions } from './embedding.js';
import { Message, MessageSchema } from './message.js';
import { MessageArchive, MessageArchiveSchema } from './message-archive.js';
import { Session, SessionSchema } from './session.js';
import { SessionSummary, SessionSummarySchema } from './session-summary.js';
import { VectorType } from './vector-type.js';

/**
 * The memory entities to register with MikroORM (`entities: [...memoryEntities, ...yours]`),
 * with the default embedding dimension (1536). For another dimension use
 * {@link defineMemoryEntities}.
 */
export const memoryEntities = [
  SessionSchema,
  MessageSchema,
  SessionSummarySchema,
  MessageArchiveSchema,
  AuditLogSchema,
] as const;

/** The entity classes, for `em.create(Message, …)` and friends. */
export const memoryEntityClasses = [Session, Message, SessionSummary, MessageArchive, AuditLog] as const;

/** The tables the memory entities map to (the original library's table names). */
export const MEMORY_TABLES = ['sessions', 'messages', 'session_summaries', 'messages_archive', 'audit_logs'] as const;

/** Entity names whose vector columns follow the deployment's embedding dimension. */
const VECTOR_ENTITIES: ReadonlySet<string> = new Set(['Message', 'MessageArchive']);

/**
 * Returns a MikroORM `discovery.onMetadata` callback that gives the memory entities' vector
 * columns (`messages.embedding`, `messages_archive.embedding`) the dimension `dims`.
 *
 * MikroORM copies entity metadata per ORM instance, so two ORMs in one process can use
 * different dimensions with the same entity classes. Other entities are left as they are.
 */
export function applyEmbeddingDimensions(dims: number): (meta: EntityMetadata) => void {
  const dimensions = validateEmbeddingDimensions(dims);
  return (meta) => {
    if (!VECTOR_ENTITIES.has(meta.className)) return;
    for (const prop of Object.values(meta.properties)) {
      const type: unknown = prop.type;
      if (type instanceof VectorType || prop.customType instanceof VectorType) {
        const vector = new VectorType(dimensions);
        prop.customType = vector as never;
        prop.type = 'VectorType';
        prop.columnTypes = [vector.getColumnType()];
      }
    }
  };
}

/** Options of {@link defineMemoryEntities}. */
export interface MemoryEntitiesOptions {
  /** The dimension of the deployment's embeddings. Default 1536 (the original's). */
  embeddingDimensions?: number;
}

/** What {@link defineMemoryEntities} returns: spread it into your MikroORM options. */
export interface MemoryEntitySet {
  /** The entity schemas to register. */
  entities: (typeof memoryEntities)[number][];
  /** Discovery options that set the vector dimension. */
  discovery: { onMetadata: (meta: EntityMetadata) => void };
  /** The dimension the vector columns use. */
  embeddingDimensions: number;
}

/**
 * The memory entities for a deployment whose embeddings have `embeddingDimensions`
 * dimensions. The entity classes stay the same (`Message` is `Message`); only the column type
 * and the validation of the vector columns change, per ORM instance.
 *
 * `@memory/db`'s `createMemoryDb({ embeddingDimensions })` does this for you; use it directly
 * only when you configure MikroORM yourself.
 *
 * @example
 * ```ts
 * const set = defineMemoryEntities({ embeddingDimensions: 1024 });
 * const orm = new MikroORM({ entities: [...set.entities, CodeReview], discovery: set.discovery, ... });
 * ```
 */
export function defineMemoryEntities(options: MemoryEntitiesOptions = {}): MemoryEntitySet {
  const embeddingDimensions = validateEmbeddingDimensions(options.embeddingDimensions ?? DEFAULT_EMBEDDING_DIMENSIONS);
  return {
    entities: [...memoryEntities],
    discovery: { onMetadata: applyEmbeddingDimensions(embeddingDimensions) },
    embeddingDimensions,
  };
}
