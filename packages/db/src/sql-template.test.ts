import { InvalidInputError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { sql, Sql } from './sql-template.js';

describe('sql template', () => {
  it('turns each value into the next $n and never splices it into the text', () => {
    const evil = "x'; DROP TABLE sessions; --";
    const s = sql`SELECT id FROM sessions WHERE user_id = ${evil} AND status = ${1} LIMIT ${20}`;
    expect(s.text).toBe('SELECT id FROM sessions WHERE user_id = $1 AND status = $2 LIMIT $3');
    expect(s.values).toEqual([evil, 1, 20]);
    expect(s.name).toBeUndefined();
  });

  it('binds an array as one parameter', () => {
    const s = sql`SELECT id FROM messages WHERE id = ANY(${['a', 'b']}::uuid[]) AND role = ANY(${['user']}::text[])`;
    expect(s.text).toBe('SELECT id FROM messages WHERE id = ANY($1::uuid[]) AND role = ANY($2::text[])');
    expect(s.values).toEqual([['a', 'b'], ['user']]);
  });

  it('renumbers the placeholders of nested fragments in text order', () => {
    const role = sql` AND m.role = ${'user'}`;
    const after = sql` AND m.created_at > ${'2026-01-01'}::timestamptz${role}`;
    const s = sql`SELECT 1 FROM messages m WHERE m.session_id = ${'s1'}${after} LIMIT ${5}`;
    expect(s.text).toBe(
      'SELECT 1 FROM messages m WHERE m.session_id = $1 AND m.created_at > $2::timestamptz AND m.role = $3 LIMIT $4',
    );
    expect(s.values).toEqual(['s1', '2026-01-01', 'user', 5]);
    // the fragment alone still numbers from $1
    expect(role.text).toBe(' AND m.role = $1');
    expect(role.values).toEqual(['user']);
  });

  it('binds a sql.param once wherever it appears, nested fragments included', () => {
    const key = sql.param(42);
    const shard = (alias: string) => sql` AND ${sql.raw(alias)}.shard_key = ${key}::int`;
    const s = sql`SELECT 1 FROM sessions s JOIN messages m ON m.session_id = s.id${shard('m')} WHERE s.id = ${'s1'}${shard('s')}`;
    expect(s.text).toBe(
      'SELECT 1 FROM sessions s JOIN messages m ON m.session_id = s.id AND m.shard_key = $1::int WHERE s.id = $2 AND s.shard_key = $1::int',
    );
    expect(s.values).toEqual([42, 's1']);
    // two params holding equal values are two placeholders
    expect(sql`${sql.param(1)}, ${sql.param(1)}`.text).toBe('$1, $2');
  });

  it('splices sql.raw as text, and sql.empty adds nothing', () => {
    const s = sql`SELECT * FROM ${sql.raw('messages')} ORDER BY created_at ${sql.raw('DESC')}${sql.empty} LIMIT ${1}`;
    expect(s.text).toBe('SELECT * FROM messages ORDER BY created_at DESC LIMIT $1');
    expect(s.values).toEqual([1]);
    expect(sql.empty.text).toBe('');
    expect(sql.empty.values).toEqual([]);
    expect(sql.raw('now()').text).toBe('now()');
  });

  it('joins fragments and values with a separator', () => {
    const conditions = [sql`a = ${1}`, sql`b = ${2}`, sql.raw('c IS NULL')];
    expect(sql`WHERE ${sql.join(conditions, ' AND ')}`.text).toBe('WHERE a = $1 AND b = $2 AND c IS NULL');
    const values = sql`VALUES (${sql.join(['x', 'y', 'z'], sql.raw(', '))})`;
    expect(values.text).toBe('VALUES ($1, $2, $3)');
    expect(values.values).toEqual(['x', 'y', 'z']);
    expect(sql.join([], ', ')).toBe(sql.empty);
  });

  it('names a statement without changing its text or values, and refuses an empty name', () => {
    const build = (id: string) => sql`SELECT title FROM sessions WHERE id = ${id}::uuid`.named('app_title_v1');
    const [a, b] = [build('s1'), build('s2')];
    expect(a.name).toBe('app_title_v1');
    expect(a.text).toBe(b.text);
    expect(a.text).toBe('SELECT title FROM sessions WHERE id = $1::uuid');
    expect(b.values).toEqual(['s2']);
    expect(() => sql`SELECT 1`.named('')).toThrow(InvalidInputError);
  });

  it('builds the text of a call site once and still binds each call its own values', () => {
    const build = (n: number) => sql`SELECT ${n}::int AS n`;
    const [a, b] = [build(1), build(2)];
    expect(a.text).toBe(b.text);
    expect([a.values, b.values]).toEqual([[1], [2]]);
    // a fragment with the same pieces is compiled from its own parts, not the call site's cache
    expect(new Sql(['x = ', ''], [sql`${1} + ${2}`]).text).toBe('x = $1 + $2');
  });
});
