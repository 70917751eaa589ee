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
      database: () =>
        new DatabaseError('[memory/db] cannot connect to db:5432', { details: { code: 'ECONNREFUSED', host: 'db' } }),
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
      message: expect.stringMatching(/^GET \/fail\/:kind: |unavailable for now/),
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
      duplicate: () =>
        new DatabaseError('[memory/db] insert failed on PostgreSQL at db.internal:5432', {
          details: { code: '23505', host: 'db.internal' },
          cause: new Error('duplicate key value violates unique constraint "api_keys_name_key"'),
        }),
      badValue: () =>
        new DatabaseError('[memory/db] select failed on PostgreSQL at db.internal:5432', {
          details: { code: '22P02', host: 'db.internal' },
          cause: new Error('invalid input syntax for type uuid: "x"'),
        }),
      statement: () =>
        new DatabaseError('[memory/db] select failed on PostgreSQL at db.internal:5432', {
          details: { code: '42P01', host: 'db.internal' },
          cause: new Error('relation "nope" does not exist'),
        }),
      unique: () => driverError('duplicate key value violates unique constraint "x_pkey"', '23505'),
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

  it('answers a database error that is no outage with 500, no retry hint and nothing of the statement or host', async () => {
    for (const kind of ['other', 'statement']) {
      const response = await app.inject(`/fail/${kind}`);
      expect(response.statusCode, kind).toBe(500);
      expect(response.headers['retry-after']).toBeUndefined();
      expect(response.json()).toMatchObject({ error: 'INTERNAL', message: expect.stringMatching(/^internal error/) });
      expect(response.body).not.toMatch(/db\.internal|nope|something else/);
    }
  });

  it('answers a conflict with stored data 409 and a refused value 400, naming the SQLSTATE, not the host', async () => {
    for (const kind of ['duplicate', 'unique']) {
      const response = await app.inject(`/fail/${kind}`);
      expect(response.statusCode, kind).toBe(409);
      expect(response.json()).toMatchObject({
        error: 'CONFLICT',
        message: expect.stringMatching(/^GET \/fail\/:kind: the write conflicts with stored data \(duplicate key/),
        details: { code: '23505' },
      });
      expect(response.body).not.toMatch(/db\.internal|s3cret/);
    }
    const bad = await app.inject('/fail/badValue');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'INVALID_INPUT', details: { code: '22P02' } });
    expect(bad.body).not.toContain('db.internal');
  });

  it('keeps a driver bug a 500', async () => {
    const bug = await app.inject('/fail/bug');
    expect(bug.statusCode).toBe(500);
    expect(bug.json().error).toBe('INTERNAL');
    expect(bug.headers['retry-after']).toBeUndefined();
  });
});
