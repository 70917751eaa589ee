import { MemoryError, type MemoryErrorCode } from '@memory/errors';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** The JSON body of every error response. */
export interface ErrorBody {
  /** A stable code: `INVALID_INPUT`, `NOT_FOUND`, `CONFLICT`, `BAD_REQUEST`, `INTERNAL`, … */
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
  DATABASE: 503,
  CONFIGURATION: 500,
  MEMORY_ERROR: 500,
};

/** The HTTP status for an error the memory packages threw. */
export function statusOfMemoryError(error: MemoryError): number {
  return STATUS_BY_CODE[error.code] ?? 500;
}

/**
 * Fastify's error handler: client mistakes (schema validation, bad JSON, memory errors of the
 * invalid-input / not-found / conflict kinds) become 4xx with a body naming the problem; server
 * faults are logged with the request id and answered with a message that gives nothing away.
 */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const requestId = String(request.id);
  let status: number;
  let body: ErrorBody;
  const fastifyError = error as FastifyError;
  if (MemoryError.isInstance(error)) {
    status = statusOfMemoryError(error);
    body = { error: error.code, message: error.message, requestId };
    if (status < 500 && Object.keys(error.details).length > 0) body.details = error.details;
  } else if (fastifyError.validation) {
    status = 400;
    body = {
      error: 'BAD_REQUEST',
      message: `invalid ${fastifyError.validationContext ?? 'request'}: ${error.message}`,
      requestId,
    };
  } else if (
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    // Fastify's own client errors: malformed JSON, unsupported media type, body too large, …
    status = fastifyError.statusCode;
    body = { error: fastifyError.code ?? 'BAD_REQUEST', message: error.message, requestId };
  } else {
    status =
      typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 500 ? fastifyError.statusCode : 500;
    body = { error: 'INTERNAL', message: `internal error (request ${requestId}): see the service log`, requestId };
  }
  if (status >= 500) {
    request.log.error({ err: error, status }, 'request failed');
    if (MemoryError.isInstance(error) && status !== 500) {
      // Database or storage unavailable: say which, the message names no secret.
      body.message = error.message;
    }
  } else {
    request.log.info({ status, code: body.error }, body.message);
  }
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
