import { ConflictError, DatabaseError, InvalidInputError, NotFoundError } from '@memory/errors';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '@memory/db';
import { createErrorHandler, DATABASE_RETRY_AFTER_SECONDS, handleError } from './http-errors.js';

describe('handleError', () => {
  const logged: Array<Record<string, unknown>> = [];
  const app = Fastify({
    logger: { level: 'info', stream: { write: (line: string) => void logged.push(JSON.parse(line)) } },
  });

  beforeAll(async () => {
    app.setErrorHandler(handleError);
    const failures: Record<string, () => Error> = {
      invalid: () => new InvalidInputError('[memory/x] title too long', { details: { field: 'title' } }),
      missing: () => new NotFoundError('[memory/x] session s not found'),
      conflict: () => new ConflictError('[memory/x] stale etag'),
      database: () => new DatabaseError('[memory/db] connection refused at db:5432'),
      bug: () => new Error('password=hunter2 leaked in a stack'),
    };
    app.get('/fail/:kind', async (request) => {
      throw failures[(request.params as { kind: string }).kind]!();
    });
    app.post(
      '/json',
      { schema: { body: { type: 'object', required: ['a'], properties: { a: { type: 'string' } } } } },
      async () => 'ok',
    );
    await app.ready();
  });
  afterAll(() => app.close());

  it.each([
    ['invalid', 400, 'INVALID_INPUT'],
    ['missing', 404, 'NOT_FOUND'],
    ['conflict', 409, 'CONFLICT'],
    ['database', 503, 'DATABASE'],
  ])('maps a %s error to %i with its message', async (kind, status, code) => {
    const response = await app.inject(`/fail/${kind}`);
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({
      error: code,
      message: expect.stringMatching(/^GET \/fail\/:kind: |\[memory\/db\]/),
      requestId: expect.any(String),
    });
  });

  it('keeps details of client errors', async () => {
    expect((await app.inject('/fail/invalid')).json().details).toEqual({ field: 'title' });
  });

  it('answers a server fault with 500 and a message that gives nothing away, logged with the request id', async () => {
    const response = await app.inject('/fail/bug');
    expect(response.statusCode).toBe(500);
    const body = response.json();
    expect(body).toEqual({
      error: 'INTERNAL',
      message: `internal error (request ${body.requestId}): see the service log`,
      requestId: body.requestId,
    });
    expect(response.body).not.toContain('hunter2');
    expect(logged.some((l) => l.level === 50 && l.reqId === body.requestId)).toBe(true);
  });

  it('answers malformed JSON and schema violations with 400', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/json',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/JSON/i);
    const invalid = await app.inject({ method: 'POST', url: '/json', payload: { b: 1 } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({
      error: 'INVALID_INPUT',
      message: expect.stringMatching(/^POST \/json: invalid body: .*a/),
    });
    expect(bad.json().error).toBe('INVALID_JSON');
  });

  it('names the route, not the library function, in a 404', async () => {
    const response = await app.inject('/fail/missing');
    expect(response.json().message).toBe('GET /fail/:kind: session s not found');
  });
});

describe('createErrorHandler with the database target: outages', () => {
  const app = Fastify({ logger: false });
  const driverError = (message: string, code: string) => Object.assign(new Error(message), { code });

  beforeAll(async () => {
    app.setErrorHandler(
      createErrorHandler({ database: parseDatabaseUrl('postgres://app:s3cret-pw@db.internal:5432/memory') }),
    );
    const failures: Record<string, () => Error> = {
      refused: () => driverError('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED'),
      shutdown: () => new DatabaseError('[memory/db] terminated', { details: { code: '57P01' } }),
      lost: () => new DatabaseError('[memory/db] connection lost', { details: { code: '08006' } }),
      other: () => new DatabaseError('[memory/db] something else'),
      bug: () => driverError('relation "nope" does not exist', '42P01'),
    };
    app.get('/fail/:kind', async (request) => {
      throw failures[(request.params as { kind: string }).kind]!();
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it.each(['refused', 'shutdown', 'lost'])(
    'answers %s with 503 and Retry-After, naming no host or secret',
    async (kind) => {
      const response = await app.inject(`/fail/${kind}`);
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
      expect(response.json()).toMatchObject({
        error: 'DATABASE',
        message: expect.stringMatching(/unavailable.*retry in/),
      });
      expect(response.body).not.toMatch(/s3cret-pw|db\.internal|10\.0\.0\.5/);
    },
  );

  it('gives no retry hint for a database error that is no outage, and keeps a driver bug a 500', async () => {
    const other = await app.inject('/fail/other');
    expect(other.statusCode).toBe(503);
    expect(other.headers['retry-after']).toBeUndefined();
    const bug = await app.inject('/fail/bug');
    expect(bug.statusCode).toBe(500);
    expect(bug.json().error).toBe('INTERNAL');
    expect(bug.headers['retry-after']).toBeUndefined();
  });
});
