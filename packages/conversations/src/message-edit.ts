import { ConfigurationError, InvalidInputError, NotFoundError } from '@memory/errors';
import { partsText, SessionStatus, validateEmbedding, type MessagePart } from '@memory/models';
import { shardKeyOfSession, sql, type Sql } from '@memory/db';
import { normalizeUuid } from './ids.js';
import { isPlainObject } from './json-value.js';
import { checkMessageMetadata, checkParts } from './parts.js';
import { messageColumns, toMessage, type MessageRow } from './rows.js';
import { sessionArchivedError } from './session-archived-error.js';
import { returningSql, sessionRoute, shardOn } from './shard-route.js';
import type { SqlClient } from './sql-client.js';
import type { StoreContext } from './store-context.js';
import type {
  DeleteMessageResult,
  EmbeddingOutcome,
  MessageEditOptions,
  MessagePatch,
  UpdateMessageResult,
} from './types.js';
import { checkOptionalText, checkText, embeddingLiteral } from './validate.js';

/** The audit action of {@link updateMessage}. */
const UPDATE_MESSAGE_ACTION = 'update_message';
/** The audit action of {@link deleteMessage}. */
const DELETE_MESSAGE_ACTION = 'delete_message';

const PREFIX = '[memory/conversations]';
const PATCH_FIELDS = ['content', 'parts', 'metadata', 'model', 'embedding'] as const;

/** A patch after its checks: `undefined` = leave the field alone. */
interface CheckedPatch {
  content: string | undefined;
  /** JSON text, `null` (remove) or `undefined`. */
  parts: string | null | undefined;
  partsValue: MessagePart[] | null | undefined;
  metadata: string | null | undefined;
  model: string | null | undefined;
  /** pgvector literal, `null` (clear) or `undefined`. */
  embedding: string | null | undefined;
  changed: string[];
}

function checkPatch(patch: unknown, dimensions: number): CheckedPatch {
  if (!isPlainObject(patch)) {
    throw new InvalidInputError(`${PREFIX} updateMessage takes a patch object { content?, parts?, metadata?, ... }`);
  }
  const unknown = Object.keys(patch).filter((key) => !(PATCH_FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `${PREFIX} updateMessage cannot change ${unknown.join(', ')}: a patch has only ${PATCH_FIELDS.join(', ')}`,
      { details: { field: unknown[0] } },
    );
  }
  const changed = PATCH_FIELDS.filter((key) => patch[key] !== undefined);
  if (changed.length === 0) {
    throw new InvalidInputError(`${PREFIX} updateMessage needs at least one of ${PATCH_FIELDS.join(', ')}`);
  }
  const partsValue =
    patch.parts === undefined ? undefined : patch.parts === null ? null : checkParts(patch.parts, 'patch.parts');
  let content =
    patch.content === undefined || patch.content === null
      ? undefined
      : checkText(patch.content, 'patch.content', { allowEmpty: true });
  if (patch.content === null) {
    throw new InvalidInputError(`${PREFIX} patch.content cannot be null: messages.content is required`, {
      details: { field: 'patch.content' },
    });
  }
  if (content === undefined && partsValue) content = partsText(partsValue);
  return {
    content,
    parts: partsValue === undefined ? undefined : partsValue === null ? null : JSON.stringify(partsValue),
    partsValue,
    metadata:
      patch.metadata === undefined
        ? undefined
        : patch.metadata === null
          ? null
          : JSON.stringify(checkMessageMetadata(patch.metadata, 'patch.metadata')),
    model: patch.model === undefined ? undefined : checkOptionalText(patch.model, 'patch.model', { max: 128 }),
    embedding:
      patch.embedding === undefined ? undefined : embeddingLiteral(patch.embedding, dimensions, 'patch.embedding'),
    changed: content !== undefined && patch.content === undefined ? [...changed, 'content'] : changed,
  };
}

interface LockedMessage {
  session_id: string;
  status: number | string;
  user_id: string | null;
  role: string | null;
  content: string | null;
  has_parts: boolean | null;
  hot: boolean;
}

/**
 * Locks the session of a message (found in `messages`, or in `messages_archive` when its session
 * was archived) the way an append does (`FOR NO KEY UPDATE`), and reads the message's current
 * text. No row: no such message anywhere.
 */
async function lockMessageSession(tx: SqlClient, messageId: string, distributed: boolean): Promise<LockedMessage[]> {
  const id = sql.param(messageId);
  if (distributed) {
    // On Citus (docs/citus.md) the message's session is found first (a lookup on every shard),
    // then locked and read on its one shard: a join across shards cannot lock.
    const [found] = await tx.query<{ session_id: string | null }>(
      sql`SELECT COALESCE((SELECT session_id FROM messages WHERE id = ${id}::uuid),
                (SELECT session_id FROM messages_archive WHERE id = ${id}::uuid)) AS session_id`,
    );
    if (!found?.session_id) return [];
    const key = sql.param(shardKeyOfSession(found.session_id));
    return tx.query<LockedMessage>(
      sql`SELECT s.id AS session_id, s.status, s.user_id, m.role, m.content,
       (jsonb_typeof(m.parts) = 'array' AND m.parts <> '[]'::jsonb) AS has_parts, (m.id IS NOT NULL) AS hot
FROM sessions s
LEFT JOIN messages m ON m.id = ${id}::uuid AND m.session_id = s.id AND m.shard_key = ${key}
WHERE s.id = ${found.session_id}::uuid AND s.shard_key = ${key}
FOR NO KEY UPDATE OF s`,
    );
  }
  return tx.query<LockedMessage>(
    sql`SELECT s.id AS session_id, s.status, s.user_id, m.role, m.content,
       (jsonb_typeof(m.parts) = 'array' AND m.parts <> '[]'::jsonb) AS has_parts, (m.id IS NOT NULL) AS hot
FROM sessions s
LEFT JOIN messages m ON m.id = ${id}::uuid AND m.session_id = s.id
WHERE s.id = COALESCE((SELECT session_id FROM messages WHERE id = ${id}::uuid),
                      (SELECT session_id FROM messages_archive WHERE id = ${id}::uuid))
FOR NO KEY UPDATE OF s`,
  );
}

type Attempt<T> = { kind: 'done'; value: T } | { kind: 'archived'; sessionId: string; status: number };

/** Runs `attempt`; when the session is archived, restores it through the hook (if asked) and runs it once more. */
async function withRestore<T>(
  ctx: StoreContext,
  operation: string,
  restore: boolean | undefined,
  attempt: () => Promise<Attempt<T>>,
): Promise<{ value: T; restored: boolean }> {
  let outcome = await attempt();
  if (outcome.kind === 'done') return { value: outcome.value, restored: false };
  if (!restore) throw sessionArchivedError(outcome.sessionId, outcome.status, false, operation);
  if (!ctx.restore) {
    throw new ConfigurationError(
      `${PREFIX} ${operation}(..., { restore: true }) needs a restore hook: create the store with createConversationStore(db, { restore }) (e.g. from @memory/archive)`,
    );
  }
  await ctx.restore(outcome.sessionId);
  outcome = await attempt();
  if (outcome.kind === 'archived') throw sessionArchivedError(outcome.sessionId, outcome.status, true, operation);
  return { value: outcome.value, restored: true };
}

function messageNotFound(id: string): NotFoundError {
  return new NotFoundError(`${PREFIX} message ${id} not found`, { details: { messageId: id } });
}

/**
 * `ConversationStore.updateMessage`: one transaction that locks the message's session (as an
 * append does), checks it is active, updates the given fields in one `UPDATE ... RETURNING` and
 * adds an `update_message` audit row (field names and the embedding outcome, never the text).
 * With a store `embeddingProvider` and a content change, the new text is embedded before the
 * transaction opens (no network call while the session row is locked).
 */
export async function updateMessage(
  ctx: StoreContext,
  messageId: string,
  patch: MessagePatch,
  options: MessageEditOptions = {},
): Promise<UpdateMessageResult> {
  const id = normalizeUuid(messageId, 'messageId');
  const checked = checkPatch(patch, ctx.dimensions);
  const actor = options.actor === undefined ? ctx.actor : checkOptionalText(options.actor, 'actor', { max: 512 });
  let vector: string | null = null;
  if (ctx.embeddingProvider && checked.embedding === undefined && checked.content) {
    const current = await ctx.sql.query<{ content: string }>(sql`SELECT content FROM messages WHERE id = ${id}::uuid`);
    if (current.length > 0 && current[0]!.content !== checked.content) {
      vector = await embedText(ctx, checked.content);
    }
  }
  const distributed = await ctx.distributed();
  const { value, restored } = await withRestore(ctx, 'updateMessage', options.restore, () =>
    ctx.sql.transaction(async (tx, em): Promise<Attempt<Omit<UpdateMessageResult, 'restored'>>> => {
      const [locked] = await lockMessageSession(tx, id, distributed);
      if (!locked) throw messageNotFound(id);
      const status = Number(locked.status);
      if (status !== SessionStatus.ACTIVE) return { kind: 'archived', sessionId: locked.session_id, status };
      if (!locked.hot) throw messageNotFound(id);
      const content = checked.content ?? locked.content ?? '';
      const hasParts =
        checked.partsValue === undefined ? Boolean(locked.has_parts) : (checked.partsValue?.length ?? 0) > 0;
      if (content === '' && !hasParts) {
        throw new InvalidInputError(
          `${PREFIX} updateMessage would leave message ${id} with neither text nor parts: give content or parts`,
          { details: { field: 'patch.content' } },
        );
      }
      const contentChanged = checked.content !== undefined && checked.content !== locked.content;
      let outcome: EmbeddingOutcome = 'kept';
      let embedding: string | null | undefined = undefined;
      if (checked.embedding !== undefined) {
        embedding = checked.embedding;
        outcome = embedding === null ? 'cleared' : 'set';
      } else if (contentChanged) {
        // A vector made for exactly this text before the lock; otherwise the old one is stale.
        embedding = vector;
        outcome = vector === null ? 'dropped' : 'embedded';
      }
      const sets: Sql[] = [];
      if (checked.content !== undefined) sets.push(sql`content = ${checked.content}`);
      if (checked.parts !== undefined) sets.push(sql`parts = ${checked.parts}::jsonb`);
      if (checked.metadata !== undefined) sets.push(sql`metadata = ${checked.metadata}::jsonb`);
      if (checked.model !== undefined) sets.push(sql`model = ${checked.model}`);
      if (embedding !== undefined) sets.push(sql`embedding = ${embedding}::vector`);
      const route = sessionRoute(locked.session_id, distributed);
      const rows = await tx.query<MessageRow>(
        returningSql(
          distributed,
          sql`UPDATE messages m SET ${sql.join(sets, ', ')} WHERE m.id = ${id}::uuid${shardOn(route, 'm')}`,
          'm',
          messageColumns,
        ),
      );
      if (rows.length === 0) throw messageNotFound(id);
      ctx.db.logAudit(em, {
        action: UPDATE_MESSAGE_ACTION,
        resourceType: 'message',
        resourceId: id,
        actor,
        details: {
          sessionId: locked.session_id,
          userId: locked.user_id,
          role: locked.role,
          fields: checked.changed,
          embedding: outcome,
        },
      });
      return { kind: 'done', value: { message: toMessage(rows[0]!), embedding: outcome, changed: checked.changed } };
    }),
  );
  return { ...value, restored };
}

/**
 * `ConversationStore.deleteMessage`: one transaction that locks the session, deletes the message
 * and adds a `delete_message` audit row. A message that does not exist gives
 * `{ deleted: false }` (a retried delete is harmless).
 */
export async function deleteMessage(
  ctx: StoreContext,
  messageId: string,
  options: MessageEditOptions = {},
): Promise<DeleteMessageResult> {
  const id = normalizeUuid(messageId, 'messageId');
  const actor = options.actor === undefined ? ctx.actor : checkOptionalText(options.actor, 'actor', { max: 512 });
  const distributed = await ctx.distributed();
  const { value, restored } = await withRestore(ctx, 'deleteMessage', options.restore, () =>
    ctx.sql.transaction(async (tx, em): Promise<Attempt<Omit<DeleteMessageResult, 'restored'>>> => {
      const [locked] = await lockMessageSession(tx, id, distributed);
      if (!locked) return { kind: 'done', value: { deleted: false, sessionId: null } };
      const status = Number(locked.status);
      if (status !== SessionStatus.ACTIVE) return { kind: 'archived', sessionId: locked.session_id, status };
      if (!locked.hot) return { kind: 'done', value: { deleted: false, sessionId: null } };
      const on = shardOn(sessionRoute(locked.session_id, distributed));
      const gone = await tx.query(sql`DELETE FROM messages WHERE id = ${id}::uuid${on} RETURNING id`);
      if (gone.length === 0) return { kind: 'done', value: { deleted: false, sessionId: null } };
      ctx.db.logAudit(em, {
        action: DELETE_MESSAGE_ACTION,
        resourceType: 'message',
        resourceId: id,
        actor,
        details: { sessionId: locked.session_id, userId: locked.user_id, role: locked.role },
      });
      return { kind: 'done', value: { deleted: true, sessionId: locked.session_id } };
    }),
  );
  return { ...value, restored };
}

/** Embeds one text with the store's provider and checks the vector (pgvector literal). */
async function embedText(ctx: StoreContext, text: string): Promise<string> {
  const provider = ctx.embeddingProvider!;
  const vectors = await provider.embed([text]);
  if (!Array.isArray(vectors) || vectors.length !== 1) {
    throw new InvalidInputError(
      `${PREFIX} the embedding provider returned ${Array.isArray(vectors) ? vectors.length : typeof vectors} vectors for 1 text`,
    );
  }
  return `[${validateEmbedding(vectors[0], ctx.dimensions, 'provider embedding').join(',')}]`;
}
