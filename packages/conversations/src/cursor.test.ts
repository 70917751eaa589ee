import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@memory/errors';
import { decodeCursor, encodeCursor, timestampKeySql } from './cursor.js';

const position = { at: '2026-11-25T14:15:15.030001Z', id: '0190f5a8-2b7c-7d4e-8f00-1234567890ab' };

describe('keyset cursors', () => {
  it('round-trip a position, microseconds included, as a URL-safe string', () => {
    const cursor = encodeCursor('message', position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('message', cursor)).toEqual(position);
  });

  it('encode the same string as the JSON form, so cursors handed out before stay equal', () => {
    const json = (at: string, id: string) =>
      Buffer.from(JSON.stringify([1, 'message', at, id]), 'utf8').toString('base64url');
    expect(encodeCursor('message', position)).toBe(json(position.at, position.id));
    // Anything JSON would escape goes through JSON.stringify.
    expect(encodeCursor('message', { at: 'a"b\\c', id: 'é' })).toBe(json('a"b\\c', 'é'));
  });

  it('refuse a cursor of the other kind', () => {
    const cursor = encodeCursor('session', position);
    expect(() => decodeCursor('message', cursor)).toThrow(/it is a session cursor/);
  });

  it('refuse garbage, edited and empty cursors with InvalidInputError', () => {
    const good = encodeCursor('session', position);
    const edited = Buffer.from(JSON.stringify([1, 'session', '2026-11-25 14:15:15', position.id])).toString(
      'base64url',
    );
    const badId = Buffer.from(JSON.stringify([1, 'session', position.at, 'x'])).toString('base64url');
    const future = Buffer.from(JSON.stringify([2, 'session', position.at, position.id])).toString('base64url');
    for (const bad of ['', 'not-a-cursor', good.slice(0, 10), edited, badId, future, 42, null, 'x'.repeat(600)]) {
      expect(() => decodeCursor('session', bad)).toThrow(InvalidInputError);
    }
  });

  it('renders timestamps in UTC with six fractional digits', () => {
    expect(timestampKeySql('m.created_at')).toBe(
      `to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    );
  });
});
