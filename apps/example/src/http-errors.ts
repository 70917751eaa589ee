import { toMemoryError, type DatabaseTarget } from '@memory/db';
import { MemoryError, type MemoryErrorCode } from '@memory/errors';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { EmbeddingUpstreamError } from './embedding-provider.js';

/** The JSON body of every error response. */
interface ErrorBody {
  /** A stable code, one style: `INVALID_INPUT`, `NOT_FOUND`, `CONFLICT`, `PAYLOAD_TOO_LARGE`, `INTERNAL`, … (see {@link HTTP_CODES}) */
  error: string;
  /** What went wrong and, where it helps, what to do. */
  message: string;
  /** The request id, also in the logs. */
  requestId: string;
  /** Facts about the failure (never secrets), for 4xx only. */
  details?: Record<string, unknown>;
}

const STATUS_BY_CODE: Record<MemoryErrorCode, number> = {
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNSUPPORTED: 501,
  STORAGE: 502,
  // By SQLSTATE: see databaseStatus (503 only for outages).
  DATABASE: 500,
  CONFIGURATION: 500,
  MEMORY_ERROR: 500,
};

/** The HTTP status for an error the memory packages threw. */
function statusOfMemoryError(error: MemoryError): number {
  if (error.code === 'DATABASE') return databaseStatus(error);
  return STATUS_BY_CODE[error.code] ?? 500;
}

/**
 * SQLSTATEs of a write that conflicts with what is stored (unique, foreign key, exclusion):
 * the client's request met the data, as with a ConflictError (409).
 */
const CONFLICT_STATES = new Set(['23505', '23503', '23P01']);

/** The SQLSTATE (or network code) a typed database error carries, if any. */
function sqlStateOf(error: MemoryError): string | undefined {
  const code = error.details.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The status of a database error (docs/reliability.md): 503 only when the database is unavailable
 * for now (see {@link isDatabaseUnavailable}); 409 for a conflict with stored data (23505, 23503,
 * 23P01); 400 for a value the database refuses (class 22, data exception); any other statement
 * error is the service's fault, 500.
 */
function databaseStatus(error: MemoryError): number {
  if (isDatabaseUnavailable(error)) return 503;
  const state = sqlStateOf(error);
  if (state !== undefined && CONFLICT_STATES.has(state)) return 409;
  if (state?.startsWith('22')) return 400;
  return 500;
}

/** The database's own reason (scrubbed of the password by `toMemoryError`), without host or operation. */
function databaseReason(error: MemoryError): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message ? cause.message : 'the database refused the statement';
}

/**
 * Database failures a client should retry: the server cannot be reached or went away
 * (connection refused/reset/timeout, SQLSTATE class 08), is shutting down or starting up
 * (57P01–57P03), or has no connection slot free (53300).
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** Seconds a client is asked to wait (Retry-After) while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** Whether `error` says the database is unavailable for now (see {@link UNAVAILABLE_CODES}). */
function isDatabaseUnavailable(error: MemoryError): boolean {
  if (error.code !== 'DATABASE') return false;
  const code = error.details.code;
  return typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'));
}

/**
 * A driver error from the app's own queries (MikroORM's DriverException, pg's errors) as the
 * typed error the memory packages throw, so it answers like theirs: an outage 503 (retry), a
 * conflict 409, bad input 400, any other statement error 500 (see {@link databaseStatus}).
 */
function typedDriverError(error: unknown, database: DatabaseTarget | undefined, request: FastifyRequest): unknown {
  if (!database || MemoryError.isInstance(error)) return error;
  const typed = toMemoryError(error, database, `${request.method} ${request.routeOptions?.url ?? ''}`);
  if (!MemoryError.isInstance(typed)) return error;
  return typed.code === 'DATABASE' || typed.code === 'INVALID_INPUT' ? typed : error;
}

/** The one style of error codes: upper snake case, no library prefix. */
const HTTP_CODES = {
  INVALID_INPUT: 400,
  INVALID_JSON: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
} as const;

/** Fastify's own client errors, in our code style with a hint of what to do. */
function fastifyClientError(error: FastifyError, request: FastifyRequest, bodyLimit: number): [string, string] {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return [
        'PAYLOAD_TOO_LARGE',
        `the request body is larger than the limit of ${formatBytes(bodyLimit)} (${bodyLimit} bytes): send less per request, e.g. split the messages over several requests`,
      ];
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return [
        'UNSUPPORTED_MEDIA_TYPE',
        `content-type ${JSON.stringify(request.headers['content-type'] ?? '')} is not accepted: send JSON with content-type: application/json`,
      ];
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ['INVALID_JSON', 'the body is empty but content-type says JSON: send a JSON body, or no content-type'];
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return ['INVALID_JSON', `the body is not valid JSON: ${error.message}`];
    default:
      if (error instanceof SyntaxError || /JSON/i.test(error.message))
        return ['INVALID_JSON', `the body is not valid JSON: ${error.message}`];
      return [codeForStatus(error.statusCode ?? 400), error.message];
  }
}

function codeForStatus(status: number): string {
  for (const [code, value] of Object.entries(HTTP_CODES)) if (value === status && code !== 'INVALID_JSON') return code;
  return status >= 500 ? 'INTERNAL' : 'INVALID_INPUT';
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

function internalMessage(requestId: string): string {
  return `internal error (request ${requestId}): see the service log`;
}

/** Library functions that messages mention, as the routes a client calls instead. */
const LIBRARY_TO_ROUTE: Record<string, string> = {
  createSession: 'POST /sessions',
  appendMessages: 'POST /sessions/:sessionId/messages',
  restoreSession: 'POST /sessions/:sessionId/restore',
  saveUserProfile: 'PATCH /users/:userId/profile',
  updateUserProfile: 'PATCH /users/:userId/profile',
  runArchive: 'POST /archive/run',
};

/**
 * A memory package's message as an HTTP client should read it: without the package tag and the
 * function name (`[memory/conversations] getSession: session … not found`), naming the route.
 */
function routeMessage(message: string, request: FastifyRequest): string {
  const plain = message
    .replace(/^\[memory\/[\w-]+\]\s*/, '')
    .replace(/^[a-z]+[A-Z][A-Za-z]*(\(\))?:\s+/, '')
    .replace(/\b([a-z]+[A-Z][A-Za-z]*)\b(\(\))?/g, (name: string, fn: string) => LIBRARY_TO_ROUTE[fn] ?? name);
  const route = request.routeOptions?.url ?? request.url.split('?')[0];
  return `${request.method} ${route}: ${plain}`;
}

/**
 * Builds Fastify's error handler: client mistakes (schema validation, bad JSON, memory errors of
 * the invalid-input / not-found / conflict kinds) become 4xx with a body naming the problem and
 * the route; server faults are logged with the request id and answered with a message that gives
 * nothing away. Every code has one style (`INVALID_INPUT`, `PAYLOAD_TOO_LARGE`, …).
 */
export function createErrorHandler(
  options: { bodyLimit?: number; database?: DatabaseTarget } = {},
): (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const { database } = options;
  return (raw, request, reply) => {
    const requestId = String(request.id);
    const error = typedDriverError(raw, database, request) as FastifyError | Error;
    let status: number;
    let body: ErrorBody;
    const fastifyError = error as FastifyError;
    if (MemoryError.isInstance(error) && error.code === 'DATABASE') {
      // Never the host or the statement: the database's reason for a 4xx, nothing for a 500.
      status = databaseStatus(error);
      const state = sqlStateOf(error);
      const route = `${request.method} ${request.routeOptions?.url ?? request.url.split('?')[0]}`;
      body =
        status === 409
          ? {
              error: 'CONFLICT',
              message: `${route}: the write conflicts with stored data (${databaseReason(error)}, SQLSTATE ${state}): read the current state and retry with other values`,
              requestId,
              details: { code: state },
            }
          : status === 400
            ? {
                error: 'INVALID_INPUT',
                message: `${route}: the database refused a value (${databaseReason(error)}, SQLSTATE ${state}): fix the input`,
                requestId,
                details: { code: state },
              }
            : { error: status === 503 ? 'DATABASE' : 'INTERNAL', message: internalMessage(requestId), requestId };
    } else if (error instanceof EmbeddingUpstreamError) {
      status = error.statusCode;
      body = {
        error: error.code,
        message: `${request.method} ${request.routeOptions?.url ?? ''}: ${error.message}; retry later, or check MEMORY_EMBEDDING_URL, MEMORY_EMBEDDING_MODEL and MEMORY_EMBEDDING_API_KEY`,
        requestId,
        details: { upstream: error.upstream, ...(error.status !== undefined ? { upstreamStatus: error.status } : {}) },
      };
    } else if (MemoryError.isInstance(error)) {
      status = statusOfMemoryError(error);
      body = {
        error: error.code,
        message: status < 500 ? routeMessage(error.message, request) : error.message,
        requestId,
      };
      if (status < 500 && Object.keys(error.details).length > 0) body.details = error.details;
    } else if (fastifyError.validation) {
      status = 400;
      const where = fastifyError.validationContext ?? 'request';
      body = {
        error: 'INVALID_INPUT',
        message: `${request.method} ${request.routeOptions?.url ?? ''}: invalid ${where}: ${error.message}`,
        requestId,
        details: {
          in: where,
          problems: fastifyError.validation.map((v) => ({ path: v.instancePath, problem: v.message, ...v.params })),
        },
      };
    } else if (
      typeof fastifyError.statusCode === 'number' &&
      fastifyError.statusCode >= 400 &&
      fastifyError.statusCode < 500
    ) {
      status = fastifyError.statusCode;
      const [code, message] = fastifyClientError(fastifyError, request, bodyLimit);
      body = { error: code, message, requestId };
      if (code === 'PAYLOAD_TOO_LARGE') body.details = { limitBytes: bodyLimit };
      if (status === 429) reply.header('retry-after', reply.getHeader('retry-after') ?? '60');
    } else {
      status =
        typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 500 ? fastifyError.statusCode : 500;
      body = { error: 'INTERNAL', message: internalMessage(requestId), requestId };
    }
    if (status >= 500) {
      request.log.error({ err: error, status }, 'request failed');
      if (MemoryError.isInstance(error) && isDatabaseUnavailable(error)) {
        // The server is down, restarting or full: the client should come back, not give up.
        reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
        body.message = `the database is unavailable for now (${String(error.details.code)}): retry in ${DATABASE_RETRY_AFTER_SECONDS} s`;
      } else if (MemoryError.isInstance(error) && error.code !== 'DATABASE' && status !== 500) {
        // Storage unavailable or unsupported: say which, the message names no secret.
        body.message = error.message;
      }
    } else {
      request.log.info({ status, code: body.error }, body.message);
    }
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  };
}

/**
 * Fastify's `frameworkErrors`: the router's own refusals, before any route is matched, in the one
 * error shape (Fastify's default answers `{"error":"Bad Request","code":"FST_ERR_…"}`): a path
 * that is not valid UTF-8 once percent-decoded (400), a path parameter longer than the router's
 * `maxParamLength` (414).
 */
export function createFrameworkErrorHandler(options: {
  maxParamLength: number;
}): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => {
    const path = request.url.split('?')[0]!;
    const shown = path.length > 120 ? `${path.slice(0, 120)}…` : path;
    const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
    const status = tooLong ? 414 : 400;
    const body: ErrorBody = tooLong
      ? {
          error: 'URI_TOO_LONG',
          message: `${request.method} ${shown}: a path parameter is longer than ${options.maxParamLength} characters (percent-encoded): use a shorter id`,
          requestId: String(request.id),
          details: { in: 'path', maxParamLength: options.maxParamLength },
        }
      : {
          error: 'INVALID_INPUT',
          message: `${request.method} ${shown}: the path is not valid UTF-8 once percent-decoded: percent-encode ids as UTF-8 (encodeURIComponent)`,
          requestId: String(request.id),
          details: { in: 'path' },
        };
    request.log.info({ status, code: body.error }, body.message);
    void reply.code(status).type('application/json; charset=utf-8').send(body);
  };
}

/** {@link createErrorHandler} with the default body limit (1 MiB, Fastify's default). */
export const handleError = createErrorHandler();
