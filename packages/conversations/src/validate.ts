import { InvalidInputError } from '@memory/errors';
import {
  isMessageRole,
  isSessionStatus,
  partsText,
  validateEmbedding,
  type MessagePart,
  type MessageRole,
  type SessionStatus,
} from '@memory/models';
import { newId, normalizeUuid } from './ids.js';
import { assertJsonValue, isPlainObject } from './json-value.js';
import { checkMessageMetadata, checkParts } from './parts.js';

const PREFIX = '[memory/conversations]';

function invalid(message: string, field: string): never {
  throw new InvalidInputError(`${PREFIX} ${message}`, { details: { field } });
}

/**
 * Checks a string for a varchar column: a string without NUL, at most `max` characters
 * (PostgreSQL counts characters, i.e. code points, not bytes).
 */
export function checkText(value: unknown, field: string, options: { max?: number; allowEmpty?: boolean } = {}): string {
  if (typeof value !== 'string')
    invalid(`${field} must be a string, got ${value === null ? 'null' : typeof value}`, field);
  if (!options.allowEmpty && value.length === 0) invalid(`${field} must not be empty`, field);
  if (value.includes('\u0000'))
    invalid(`${field} contains a NUL character (\\u0000), which PostgreSQL cannot store: strip it`, field);
  if (options.max !== undefined) {
    const length = codePointLength(value);
    if (length > options.max) invalid(`${field} is ${length} characters long, over the limit of ${options.max}`, field);
  }
  return value;
}

/** Like {@link checkText}, but `null` and `undefined` give `null`. */
export function checkOptionalText(
  value: unknown,
  field: string,
  options: { max?: number; allowEmpty?: boolean } = {},
): string | null {
  return value === null || value === undefined ? null : checkText(value, field, options);
}

/** A code point count, the way PostgreSQL's `length()` and `varchar(n)` count. */
export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** A user id as stored in `sessions.user_id`: a non-empty string of at most 512 characters. */
export function checkUserId(value: unknown, field = 'userId'): string {
  return checkText(value, field, { max: 512 });
}

/** A plain JSON object (or `null`) for a jsonb column. */
export function checkJsonObject(value: unknown, field: string): Record<string, unknown> {
  if (!isPlainObject(value)) invalid(`${field} must be a plain JSON object`, field);
  assertJsonValue(value, field);
  return value;
}

/** An integer from 1 to `max`, or `fallback` when undefined. */
export function checkLimit(value: unknown, field: string, fallback: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    invalid(`${field} must be an integer from 1 to ${max}, got ${String(value)}`, field);
  }
  return value;
}

/** An integer from 0 to `max`, or `fallback` when undefined. */
export function checkCount(value: unknown, field: string, fallback: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    invalid(`${field} must be an integer from 0 to ${max}, got ${String(value)}`, field);
  }
  return value;
}

/** A valid `Date` (not an invalid one), or `null` when undefined. */
export function checkOptionalDate(value: unknown, field: string): Date | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) invalid(`${field} must be a valid Date`, field);
  return value;
}

/** One of {@link MessageRole}. */
export function checkRole(value: unknown, field: string): MessageRole {
  if (!isMessageRole(value)) {
    invalid(`${field} is ${JSON.stringify(value)}: use one of user, assistant, system, tool (MessageRole)`, field);
  }
  return value;
}

/** A status or a list of statuses, as a non-empty list. */
export function checkStatuses(value: unknown, field = 'status'): SessionStatus[] | null {
  if (value === undefined || value === null) return null;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) invalid(`${field} must not be an empty list`, field);
  for (const status of list) {
    if (!isSessionStatus(status)) invalid(`${field} has ${JSON.stringify(status)}: use SessionStatus (1 to 4)`, field);
  }
  return list as SessionStatus[];
}

/**
 * An embedding with the deployment's dimension, rendered as a pgvector literal (`[1,2,3]`);
 * `null` stays `null`. Wrong length, `NaN` or `Infinity` throw `InvalidInputError`.
 */
export function embeddingLiteral(value: unknown, dimensions: number, field: string): string | null {
  if (value === null || value === undefined) return null;
  return `[${validateEmbedding(value, dimensions, field).join(',')}]`;
}

/** A checked message, ready for the insert. */
export interface CheckedMessage {
  id: string;
  role: MessageRole;
  content: string;
  model: string | null;
  embedding: string | null;
  createdAt: Date | null;
  /** The parts as JSON text (for a jsonb parameter), or `null`. */
  parts: string | null;
  /** The metadata as JSON text, or `null`. */
  metadata: string | null;
}

const messageField = (i: number, field: string) => `messages[${i}]${field}`;

/** The most messages one {@link ConversationStore.appendMessages} call takes. */
export const MAX_APPEND_BATCH = 5000;

/**
 * Checks the messages of one append and gives each an id. Refuses an empty batch, a batch over
 * {@link MAX_APPEND_BATCH}, and the same id twice in one batch (a caller bug that would make one
 * of them silently disappear).
 */
export function checkNewMessages(messages: unknown, dimensions: number): CheckedMessage[] {
  if (!Array.isArray(messages)) invalid('messages must be an array', 'messages');
  if (messages.length === 0) invalid('messages must not be empty', 'messages');
  if (messages.length > MAX_APPEND_BATCH) {
    invalid(
      `${messages.length} messages in one append, over the limit of ${MAX_APPEND_BATCH}: split them into several calls`,
      'messages',
    );
  }
  const seen = new Set<string>();
  return messages.map((raw: unknown, i) => {
    // Field names are built only for a value that needs the full check (an append of 100
    // messages would otherwise build 600 strings to throw none of them away).
    if (!isPlainObject(raw)) invalid(`${messageField(i, '')} must be an object`, messageField(i, ''));
    const id = raw.id === undefined || raw.id === null ? newId() : normalizeUuid(raw.id, messageField(i, '.id'));
    if (seen.has(id)) invalid(`${messageField(i, '.id')} ${id} appears twice in this batch`, messageField(i, '.id'));
    seen.add(id);
    const { role, content, model } = raw;
    const parts =
      raw.parts === undefined || raw.parts === null ? null : checkParts(raw.parts, messageField(i, '.parts'));
    return {
      id,
      role: isMessageRole(role) ? role : checkRole(role, messageField(i, '.role')),
      content: messageContent(content, parts, i),
      // 128 UTF-16 units are at most 128 code points.
      model:
        model === undefined || model === null
          ? null
          : typeof model === 'string' && model.length <= 128 && model.length > 0 && !model.includes('\u0000')
            ? model
            : checkText(model, messageField(i, '.model'), { max: 128 }),
      embedding:
        raw.embedding === undefined || raw.embedding === null
          ? null
          : embeddingLiteral(raw.embedding, dimensions, messageField(i, '.embedding')),
      createdAt:
        raw.createdAt === undefined || raw.createdAt === null
          ? null
          : checkOptionalDate(raw.createdAt, messageField(i, '.createdAt')),
      parts: parts === null ? null : JSON.stringify(parts),
      metadata:
        raw.metadata === undefined || raw.metadata === null
          ? null
          : JSON.stringify(checkMessageMetadata(raw.metadata, messageField(i, '.metadata'))),
    };
  });
}

/**
 * A message's `content`: as given, or the text projection of its parts when left out. A message
 * needs one of them: empty content is allowed only beside parts (a message of tool calls has no
 * text).
 */
function messageContent(content: unknown, parts: readonly MessagePart[] | null, i: number): string {
  if (content === undefined || content === null) {
    if (parts === null || parts.length === 0) {
      invalid(
        `${messageField(i, '')} has neither content nor parts: give content (text) or parts (UIMessage parts)`,
        messageField(i, '.content'),
      );
    }
    return partsText(parts);
  }
  const text =
    typeof content === 'string' && !content.includes('\u0000')
      ? content
      : checkText(content, messageField(i, '.content'), { allowEmpty: true });
  if (text === '' && (parts === null || parts.length === 0)) {
    invalid(
      `${messageField(i, '.content')} is empty and the message has no parts: give it text or parts`,
      messageField(i, '.content'),
    );
  }
  return text;
}
