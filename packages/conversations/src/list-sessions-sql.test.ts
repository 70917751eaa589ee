import { describe, expect, it } from 'vitest';
import { listSessionsSql } from './list-sessions-sql.js';

const base = { userId: null, statuses: null, metadataContains: null, after: null, fetch: 21, previewLength: 200 };

describe('listSessionsSql', () => {
  it('is one statement with LIMIT 1 laterals and a limited inner page', () => {
    const { text, values } = listSessionsSql(base);
    expect(text.match(/LEFT JOIN LATERAL/g)).toHaveLength(3);
    expect(text.match(/LIMIT 1\n/g)).toHaveLength(3);
    expect(text).toContain('LIMIT $1\n) s');
    expect(text).not.toContain('WHERE user_id');
    expect(values).toEqual([21, 201]);
  });

  it('binds every filter and the keyset position as parameters', () => {
    const after = { at: '2026-01-01T00:00:00.000001Z', id: '0190f5a8-2b7c-7d4e-8f00-1234567890ab' };
    const { text, values } = listSessionsSql({
      ...base,
      userId: "o'brien",
      statuses: [1, 2],
      metadataContains: { p: 'x' },
      after,
    });
    expect(text).toContain('user_id = $1');
    expect(text).toContain('status = ANY($2::smallint[])');
    expect(text).toContain('metadata @> $3::jsonb');
    expect(text).toContain('(updated_at, id) < ($4::timestamptz, $5::uuid)');
    expect(text).not.toContain("o'brien");
    expect(values).toEqual(["o'brien", [1, 2], '{"p":"x"}', after.at, after.id, 21, 201]);
  });
});
