import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import type { MessagePart } from './message-part.js';
import type { MessageRole } from './message-role.js';
import { Session } from './session.js';
import { shardKeyOnCreate } from './shard-key.js';
import { validateBeforeWrite } from './storable.js';
import { VectorType } from './vector-type.js';

/** The MikroORM schema behind {@link Message}: register it (or use `memoryEntities`), or read its metadata. */
export const MessageSchema = defineEntity({
  name: 'Message',
  tableName: 'messages',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    session: () => p.manyToOne(Session).ref().fieldName('session_id').deleteRule('cascade'),
    role: p.string().length(32).$type<MessageRole>(),
    content: p.text(),
    model: p.string().length(128).nullable(),
    embedding: p.type(new VectorType()).nullable(),
    /** A copy of the session's `userId`, written with the message; `null` on rows from before it existed (see `backfillMessageUserIds`). */
    userId: p.text().nullable(),
    createdAt: p
      .datetime()
      .columnType('timestamptz')
      .onCreate(() => new Date()),
    /** New (not in the original): the AI SDK `UIMessage` parts; `content` is their text projection (`partsText`). */
    parts: p.json<MessagePart[]>().columnType('jsonb').nullable(),
    /** New (not in the original): any JSON object about the message. */
    metadata: p.json<Record<string, unknown>>().columnType('jsonb').nullable(),
    /** New: the distribution column on Citus, from the session id (docs/citus.md); unused on one server. */
    shardKey: p
      .integer()
      .fieldName('shard_key')
      .nullable()
      .onCreate((m: { session?: { id?: string } }) => shardKeyOnCreate(m.session?.id) as number),
  },
  indexes: [
    // Not the original's `ix_messages_session_id (session_id)`: this one starts with the same
    // column and serves its queries, so a migration drops it (memory-messages-session-index.ts of @memory/db).
    { name: 'ix_messages_session_id_created_at_id', properties: ['session', 'createdAt', 'id'] },
    { name: 'ix_messages_user_id_created_at', properties: ['userId', 'createdAt'] },
  ],
  hooks: { beforeCreate: [validateBeforeWrite], beforeUpdate: [validateBeforeWrite] },
});

/**
 * One message of a session: table `messages`. Deleting the session deletes its messages
 * (`on delete cascade` in the database).
 *
 * `embedding` is a `vector(N)` column; N is the deployment's dimension (1536 unless
 * configured, see {@link defineMemoryEntities}). `model` is the model id of an assistant reply.
 *
 * `parts` (the AI SDK's message parts: text, reasoning, tool calls and results, files, sources,
 * data) and `metadata` are this library's additions, `null` on rows the original wrote. When a
 * message has parts, `content` holds their text ({@link partsText}), so the original library
 * still reads it; a message of tool parts only has empty `content`.
 *
 * @example
 * ```ts
 * em.create(Message, { session: session.id, role: MessageRole.USER, content: '你好' });
 * ```
 */
export class Message extends MessageSchema.class {}
MessageSchema.setClass(Message);
