import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import type { MessagePart } from './message-part.js';
import type { MessageRole } from './message-role.js';
import { validateBeforeWrite } from './storable.js';
import { shardKeyOnCreate } from './shard-key.js';
import { VectorType } from './vector-type.js';

/** The MikroORM schema behind {@link MessageArchive}: register it (or use `memoryEntities`), or read its metadata. */
export const MessageArchiveSchema = defineEntity({
  name: 'MessageArchive',
  tableName: 'messages_archive',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    /** No foreign key: archived rows outlive their session's hot rows. */
    sessionId: p.uuid(),
    role: p.text().$type<MessageRole>(),
    content: p.text(),
    createdAt: p.datetime().columnType('timestamptz'),
    /** New: kept from the hot row (the original archive lost it). */
    model: p.string().length(128).nullable(),
    /** New: kept from the hot row so a restore loses nothing. */
    embedding: p.type(new VectorType()).nullable(),
    /** New: kept from the hot row (its AI SDK parts). */
    parts: p.json<MessagePart[]>().columnType('jsonb').nullable(),
    /** New: kept from the hot row. */
    metadata: p.json<Record<string, unknown>>().columnType('jsonb').nullable(),
    /** New: when the row was archived. */
    archivedAt: p
      .datetime()
      .columnType('timestamptz')
      .nullable()
      .onCreate(() => new Date()),
    /** New: the distribution column on Citus, from the session id (docs/citus.md); unused on one server. */
    shardKey: p
      .integer()
      .fieldName('shard_key')
      .nullable()
      .onCreate((m: { sessionId?: string }) => shardKeyOnCreate(m.sessionId) as number),
  },
  indexes: [{ name: 'ix_messages_archive_session_id_created_at_id', properties: ['sessionId', 'createdAt', 'id'] }],
  hooks: { beforeCreate: [validateBeforeWrite], beforeUpdate: [validateBeforeWrite] },
});

/**
 * A message moved out of the hot table by cold archival: table `messages_archive`.
 * `createdAt` is the original message's time (copied, not set on insert).
 */
export class MessageArchive extends MessageArchiveSchema.class {}
MessageArchiveSchema.setClass(MessageArchive);
