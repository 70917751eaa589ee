import { DatabaseError, InvalidInputError, MemoryError } from '@memory/errors';
import type { DatabaseTarget } from './database-url.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
]);

/**
 * Messages of `pg` errors that carry no code but mean the connection was lost (the server
 * restarted, or `pg_terminate_backend` ended it): they become a {@link DatabaseError} with
 * SQLSTATE `08006` (connection failure) in its details, so callers can tell "retry" from "bug".
 */
const CONNECTION_LOST = /^(Connection terminated|Client has encountered a connection error|Client was closed)/;

/** SQLSTATEs PostgreSQL uses when a string holds NUL (text: 22021, jsonb `\u0000`: 22P05). */
const NUL_STATES = new Set(['22021', '22P05']);

interface DriverLikeError {
  code?: unknown;
  sqlState?: unknown;
  errno?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** Facts about a database, safe to put in messages and error details. */
function describeTarget(target: DatabaseTarget): { where: string; details: Record<string, unknown> } {
  if (target.kind === 'pglite') {
    return {
      where: `PGlite ${target.dataDir ?? 'in memory'}`,
      details: { engine: 'pglite', dataDir: target.dataDir ?? 'memory' },
    };
  }
  return {
    where: `PostgreSQL at ${formatHost(target.host)}:${target.port} (database "${target.database}")`,
    details: { engine: 'postgres', host: target.host, port: target.port, database: target.database },
  };
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The SQLSTATE or network code of a driver error, looking through MikroORM's wrappers. */
export function driverCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const e = current as DriverLikeError;
    if (typeof e.sqlState === 'string') return e.sqlState;
    if (typeof e.code === 'string' && (/^[0-9A-Z]{5}$/.test(e.code) || NETWORK_CODES.has(e.code))) return e.code;
    const nested = Array.isArray(e.errors) ? e.errors[0] : undefined;
    current = e.cause ?? nested;
  }
  return undefined;
}

function isDriverError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (driverCode(error) !== undefined) return true;
  if (CONNECTION_LOST.test(error.message)) return true;
  // MikroORM wraps driver errors in DriverException subclasses.
  return /Exception$/.test(error.constructor.name) || error.name === 'AggregateError';
}

/** Removes a known secret from a message, in case a driver echoed it. */
function scrub(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join('***');
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    if (error.message) return error.message;
    const nested = (error as DriverLikeError).errors;
    if (Array.isArray(nested) && nested[0] instanceof Error) return nested[0].message;
    return error.name;
  }
  return String(error);
}

/**
 * Turns a driver error into a typed memory error with the host and port (never the password):
 * a NUL in text or JSON becomes {@link InvalidInputError}, everything else from the driver
 * {@link DatabaseError}. Memory errors and errors that did not come from the driver (for example
 * thrown by the caller's own code inside a scope) are returned unchanged.
 */
export function toMemoryError(error: unknown, target: DatabaseTarget, operation: string): unknown {
  if (MemoryError.isInstance(error) || !isDriverError(error)) return error;
  const password = target.kind === 'postgres' ? target.password : undefined;
  const { where, details } = describeTarget(target);
  const code = driverCode(error);
  const reason = scrub(messageOf(error), password).replace(/\s+/g, ' ').trim();
  const safeCause = new Error(reason);
  if (code && NUL_STATES.has(code)) {
    return new InvalidInputError(
      `[memory/db] ${operation}: a text or JSON value holds a NUL character (\\u0000), which PostgreSQL cannot store: strip it before saving (${reason})`,
      { details: { ...details, code }, cause: safeCause },
    );
  }
  if (code && NETWORK_CODES.has(code)) {
    return new DatabaseError(
      `[memory/db] cannot connect to ${where}: ${reason} (${code}): check that the server is running and reachable and that the URL is right`,
      { details: { ...details, code }, cause: safeCause },
    );
  }
  if (code === undefined && CONNECTION_LOST.test(reason)) {
    return new DatabaseError(
      `[memory/db] ${operation}: the connection to ${where} was lost (${reason}): the server restarted or closed it; retry the operation`,
      { details: { ...details, code: '08006' }, cause: safeCause },
    );
  }
  const hint =
    code === '08P01'
      ? ': a NUL character (\\u0000) in a text value causes this; strip it before saving'
      : code === '28P01' || code === '28000'
        ? ': check the user name and password in the URL'
        : code === '3D000'
          ? ': create the database or fix its name in the URL'
          : '';
  return new DatabaseError(`[memory/db] ${operation} failed on ${where}: ${reason}${code ? ` (${code})` : ''}${hint}`, {
    details: { ...details, ...(code ? { code } : {}) },
    cause: safeCause,
  });
}
