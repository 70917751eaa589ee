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
export const UserParams = Type.Object({ userId: UserId });

export const JsonObject = Type.Record(Type.String(), Type.Unknown(), { description: 'a JSON object' });

export const Role = Type.Union([
  Type.Literal('user'),
  Type.Literal('assistant'),
  Type.Literal('system'),
  Type.Literal('tool'),
]);

export const Vector = Type.Array(Type.Number(), { description: "an embedding with the deployment's dimension" });

export const SessionStatusQuery = Type.Union(
  [Type.Literal('active'), Type.Literal('cold'), Type.Literal('deep'), Type.Literal('deleted'), Type.Literal('any')],
  { description: 'only sessions with this status: active, cold, deep, deleted, or any (default)' },
);

export const Triple = Type.Union([
  Type.Tuple([Type.String(), Type.String(), Type.String()]),
  Type.Tuple([Type.String(), Type.String(), Type.String(), JsonObject]),
]);

export const ErrorResponse = Type.Object(
  {
    error: Type.String(),
    message: Type.String(),
    requestId: Type.String(),
    details: Type.Optional(JsonObject),
  },
  { $id: 'ErrorResponse', description: 'every 4xx/5xx answer' },
);
