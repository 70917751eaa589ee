import { InvalidInputError } from '@memory/errors';
import type { SessionStatus } from '@memory/models';
import { Type } from 'typebox';

/** A UUID path or body field (checked again by the store, which names the field). */
export const Uuid = Type.String({ format: 'uuid', description: 'a UUID' });

/** A user id as the original used it: free text, at most 512 UTF-8 bytes, no `/`. */
export const UserId = Type.String({
  minLength: 1,
  maxLength: 512,
  description: 'the user id, verbatim (e.g. u123, 中文用户)',
});

export const SessionParams = Type.Object({ sessionId: Uuid });
export const MessageParams = Type.Object({ sessionId: Uuid, messageId: Uuid });
export const UserParams = Type.Object({ userId: UserId });

export const JsonObject = Type.Record(Type.String(), Type.Unknown(), { description: 'a JSON object' });

export const Role = Type.Union([
  Type.Literal('user'),
  Type.Literal('assistant'),
  Type.Literal('system'),
  Type.Literal('tool'),
]);

export const Vector = Type.Array(Type.Number(), { description: "an embedding with the deployment's dimension" });

export const SessionStatusQuery = Type.String({
  description:
    'only sessions with this status: active, cold, deep, deleted, or any (default); the stored numbers 1–4 are accepted too',
  examples: ['active', 'cold', 'deep', 'deleted', 'any'],
});

/** A knowledge triple `[subject, predicate, object, metadata?]` (metadata: source, times, …). */
export const Triple = Type.Unsafe<[string, string, string, Record<string, unknown>?]>(
  Type.Union(
    [
      Type.Tuple([Type.String(), Type.String(), Type.String()]),
      Type.Tuple([Type.String(), Type.String(), Type.String(), JsonObject]),
    ],
    { description: '[subject, predicate, object, metadata?]' },
  ),
);

export const ErrorResponse = Type.Object(
  {
    error: Type.String(),
    message: Type.String(),
    requestId: Type.String(),
    details: Type.Optional(JsonObject),
  },
  { $id: 'ErrorResponse', description: 'every 4xx/5xx answer' },
);

// ---- Session status names -------------------------------------------------------------------

/** The names of the session statuses in the API, by stored value (1–4, as in the original). */
const STATUS_NAMES = { 1: 'active', 2: 'cold', 3: 'deep', 4: 'deleted' } as const;
/** A session status as the API names it. */
export type StatusName = (typeof STATUS_NAMES)[keyof typeof STATUS_NAMES];
/** Every accepted spelling of a status filter, for messages and docs. */
const STATUS_CHOICES = 'active, cold, deep, deleted, any (or the stored numbers 1, 2, 3, 4)';

/** The API name of a stored status (`1` → `active`). */
export function statusName(status: number): StatusName {
  const name = STATUS_NAMES[status as keyof typeof STATUS_NAMES];
  if (!name) throw new InvalidInputError(`[memory/example] unknown session status ${status}`);
  return name;
}

/**
 * Reads a status given by name or number (`cold`, `2`); `any` gives `undefined` (no filter).
 *
 * @throws InvalidInputError listing the allowed values.
 */
export function parseStatus(raw: string | number, field = 'status'): SessionStatus | undefined {
  const text = String(raw).trim().toLowerCase();
  if (text === 'any') return undefined;
  const byNumber = /^\d+$/.test(text) ? Number(text) : NaN;
  for (const [value, name] of Object.entries(STATUS_NAMES)) {
    if (name === text || Number(value) === byNumber) return Number(value) as SessionStatus;
  }
  throw new InvalidInputError(`${field} must be one of ${STATUS_CHOICES}, got ${JSON.stringify(raw)}`, {
    details: { field, allowed: ['active', 'cold', 'deep', 'deleted', 'any', 1, 2, 3, 4] },
  });
}

const StatusNameSchema = Type.Union(
  [Type.Literal('active'), Type.Literal('cold'), Type.Literal('deep'), Type.Literal('deleted')],
  { description: 'the session status: active (hot), cold, deep (exported), deleted' },
);

// ---- Response bodies: Fastify serializes with these and @fastify/swagger documents them -----

/** An ISO 8601 date-time in JSON; handlers may return Date objects (serialized as ISO text). */
const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
/** A date that may be null (fast-json-stringify's `nullable`, so Date objects serialize). */
const NullableDateTime = Type.Unsafe<Date | string | null>({ type: 'string', format: 'date-time', nullable: true });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Open = { additionalProperties: true } as const;

const SessionFields = {
  id: Uuid,
  userId: NullableString,
  title: NullableString,
  status: StatusNameSchema,
  metadata: Type.Union([JsonObject, Type.Null()]),
  createdAt: NullableDateTime,
  updatedAt: DateTime,
};
export const SessionBody = Type.Object(SessionFields, { $id: 'Session', description: 'a conversation session' });

const Preview = Type.Object({
  id: Type.String(),
  role: Type.String(),
  content: Type.String(),
  truncated: Type.Boolean(),
  createdAt: DateTime,
});
const SummaryPreview = Type.Object({
  id: Type.String(),
  strategy: Type.String(),
  text: NullableString,
  truncated: Type.Boolean(),
  createdAt: DateTime,
});
export const SessionPageBody = Type.Object({
  sessions: Type.Array(
    Type.Object({
      ...SessionFields,
      firstMessage: Type.Union([Preview, Type.Null()]),
      lastMessage: Type.Union([Preview, Type.Null()]),
      latestSummary: Type.Union([SummaryPreview, Type.Null()]),
    }),
  ),
  nextCursor: NullableString,
});
export const DeleteSessionBody = Type.Object({
  deleted: Type.Boolean(),
  messages: Type.Integer(),
  summaries: Type.Integer(),
  archivedMessages: Type.Integer(),
  archiveObjects: Type.Integer(),
});

/** AI SDK `UIMessage` parts: objects with a `type` and the kind's own fields, kept as they are. */
const MessageParts = Type.Array(Type.Object({ type: Type.String() }, { additionalProperties: true }));
const MessageBody = Type.Object({
  id: Type.String(),
  sessionId: Type.String(),
  role: Type.String(),
  content: Type.String(),
  model: NullableString,
  parts: Type.Union([MessageParts, Type.Null()], {
    description:
      'the AI SDK UIMessage parts as stored (text, reasoning, tool-<name> calls with input and output, …); null for a plain-text message',
  }),
  metadata: Type.Union([JsonObject, Type.Null()]),
  createdAt: DateTime,
  hasEmbedding: Type.Boolean(),
  cursor: Type.String(),
});
export const UpdateMessageBody = Type.Object({
  message: MessageBody,
  embedding: Type.String({
    description:
      'kept (text unchanged), set / cleared (the request gave an embedding / null), embedded (the service embedded the new text), dropped (text changed, nothing embedded: the stale embedding was removed)',
  }),
  changed: Type.Array(Type.String(), { description: 'the fields the edit changed' }),
  restored: Type.Boolean(),
});
export const DeleteMessageBody = Type.Object({
  deleted: Type.Boolean(),
  sessionId: NullableString,
  restored: Type.Boolean(),
});
export const AppendBody = Type.Object({
  messages: Type.Array(
    Type.Object({ id: Type.String(), inserted: Type.Boolean(), createdAt: DateTime, cursor: Type.String() }),
  ),
  insertedIds: Type.Array(Type.String()),
  existingIds: Type.Array(Type.String()),
  restored: Type.Boolean(),
  embedded: Type.Integer({ description: 'messages whose embedding the service computed' }),
});
export const HistoryBody = Type.Object({
  messages: Type.Array(MessageBody),
  olderCursor: NullableString,
  newerCursor: NullableString,
  hasOlder: Type.Boolean(),
  hasNewer: Type.Boolean(),
  sessionStatus: StatusNameSchema,
});

export const SummaryBody = Type.Object({
  id: Type.String(),
  sessionId: Type.String(),
  strategy: Type.String(),
  strategyVersion: NullableString,
  text: NullableString,
  json: JsonObject,
  createdAt: DateTime,
});
export const LatestSummaryBody = Type.Object({ summary: Type.Union([SummaryBody, Type.Null()]) });
export const SummaryListBody = Type.Object({ summaries: Type.Array(SummaryBody) });

export const SearchBodyResponse = Type.Object({
  hits: Type.Array(
    Type.Object({
      message: MessageBody,
      distance: Type.Number(),
      score: Type.Number(),
      before: Type.Optional(
        Type.Array(MessageBody, {
          description: 'with `around: N`: up to N messages of the session just before the hit, oldest first',
        }),
      ),
      after: Type.Optional(
        Type.Array(MessageBody, {
          description: 'with `around: N`: up to N messages of the session just after the hit, oldest first',
        }),
      ),
    }),
  ),
});

export const ProfileBody = Type.Object({
  profile: Type.Object(
    { user_id: Type.Optional(Type.String({ description: 'always the user of the path' })) },
    { ...Open, description: 'the profile: user_id, traits and any other fields' },
  ),
  etag: Type.String(),
});
export const TriplesBody = Type.Object({ triples: Type.Array(Triple) });
export const AddTriplesBody = Type.Object({
  added: Type.Integer(),
  duplicates: Type.Integer(),
  superseded: Type.Integer(),
  etag: NullableString,
  attempts: Type.Integer(),
});
export const ScoredTriplesBody = Type.Object({
  triples: Type.Array(Triple),
  scores: Type.Array(Type.Number(), { description: 'BM25 score of each triple, same order' }),
});

const ContextMessageSchema = Type.Object({
  id: Type.String(),
  role: Type.String(),
  content: Type.String(),
  createdAt: DateTime,
  truncated: Type.Boolean(),
});
const ContextSummarySchema = Type.Object({
  sessionId: Type.String(),
  title: NullableString,
  text: Type.String(),
  createdAt: DateTime,
  truncated: Type.Boolean(),
});
export const ContextBody = Type.Object({
  parts: Type.Object({
    profile: Type.Union([JsonObject, Type.Null()]),
    knowledge: Type.Array(Triple),
    summaries: Type.Array(ContextSummarySchema),
    recentMessages: Type.Array(ContextMessageSchema),
  }),
  text: Type.String({ description: 'the parts rendered as one system-prompt text' }),
  usage: Type.Object({ unit: Type.String(), used: Type.Number(), limit: Type.Number() }),
  dropped: Type.Object({
    profileTraits: Type.Integer(),
    knowledge: Type.Integer(),
    summaries: Type.Integer(),
    messages: Type.Integer(),
    truncated: Type.Integer(),
  }),
  userId: NullableString,
  query: Type.String(),
});

const Counts = Type.Object({ sessions: Type.Integer(), messages: Type.Integer() });
export const ArchivePlanBody = Type.Object({
  policy: Type.Object({ coldAfterDays: Type.Number(), deepAfterDays: Type.Number(), deleteAfterDays: Type.Number() }),
  now: DateTime,
  cutoffs: Type.Object({ cold: NullableDateTime, deep: NullableDateTime, deleted: NullableDateTime }),
  cold: Counts,
  deep: Counts,
  deleted: Counts,
});
export const ArchiveRunBody = Type.Object({
  cold: Counts,
  deep: Counts,
  deleted: Counts,
  aborted: Type.Boolean(),
  durationMs: Type.Number(),
});
export const RestoreBody = Type.Object({
  sessionId: Type.String(),
  from: Type.String({ description: 'hot, cold or deep' }),
  messages: Type.Integer(),
  summaries: Type.Integer(),
  objectsRemoved: Type.Integer(),
  cleanupFailed: Type.Boolean(),
});
export const PurgeBody = Type.Object({
  sessions: Type.Integer(),
  messages: Type.Integer(),
  summaries: Type.Integer(),
  archivedMessages: Type.Integer(),
  auditLogs: Type.Integer(),
  archiveObjects: Type.Integer(),
  longTermObjects: Type.Integer(),
});

const Check = Type.Object({
  ok: Type.Boolean(),
  detail: Type.String(),
  fix: Type.Optional(Type.String()),
  ms: Type.Number(),
});
export const HealthBody = Type.Object({
  status: Type.String({ description: 'ok or unhealthy' }),
  checks: Type.Object({ database: Check, pgvector: Check, storage: Check }),
  embedding: Type.Object({ provider: Type.String(), dimensions: Type.Integer() }),
});

/** An NDJSON stream (export): documented as text, one JSON object per line. */
export const JsonLinesBody = Type.String({ description: 'JSON lines; the last is {"type":"end","counts":{…}}' });
