import { describe, expect, it } from 'vitest';
import { appendMessagesSql, historySql, setEmbeddingsSql } from './message-sql.js';

const at = new Date('2020-01-01T00:00:00Z');
const messages = [
  {
    id: 'a',
    role: 'user' as const,
    content: "it's",
    model: null,
    embedding: '[1,2]',
    createdAt: null,
    parts: null,
    metadata: null,
  },
  {
    id: 'b',
    role: 'assistant' as const,
    content: 'ok',
    model: 'm',
    embedding: null,
    createdAt: at,
    parts: '[{"type":"text","text":"ok"}]',
    metadata: '{"k":1}',
  },
];

describe('message SQL', () => {
  it('appends any batch with the same text, values as column arrays', () => {
    const session = '00000000-0000-4000-8000-00000000abcd';
    const one = appendMessagesSql(session, messages.slice(0, 1));
    const two = appendMessagesSql(session, messages);
    expect(two.text).toBe(one.text);
    expect(two.text).toContain('ON CONFLICT (id) DO NOTHING');
    expect(two.text).toContain('WITH ORDINALITY');
    expect(two.text).not.toContain("it's");
    expect(two.values).toEqual([
      session,
      ['a', 'b'],
      ['user', 'assistant'],
      ["it's", 'ok'],
      [null, 'm'],
      ['[1,2]', null],
      [null, at],
      [null, '[{"type":"text","text":"ok"}]'],
      [null, '{"k":1}'],
      1,
      0xabcd, // shard_key: the session id's last four hex digits (docs/citus.md)
    ]);
    // One statement: the session lock and the status check travel with the insert.
    expect(two.text).toContain('FOR NO KEY UPDATE');
    expect(two.text).toContain(
      'INSERT INTO messages (id, session_id, role, content, model, embedding, created_at, parts, metadata, user_id, shard_key)',
    );
    // On a distributed database every table is filtered on the session's shard key.
    const routed = appendMessagesSql(session, messages, { key: 0xabcd, distributed: true });
    expect(routed.text).toContain('ON CONFLICT (id, shard_key) DO NOTHING');
    expect(routed.text.match(/shard_key = \$\d+/g)).toHaveLength(4);
  });

  it('pages history downwards by default and upwards after a cursor', () => {
    const cursor = { at: '2026-01-01T00:00:00.000001Z', id: 'x' };
    const newest = historySql({ sessionId: 's', before: null, after: null, fetch: 51 });
    expect(newest.text).toContain('ORDER BY m.created_at DESC, m.id DESC');
    expect(newest.values).toEqual([51, 's']);
    expect(newest.name).toBe('memory_conversations_history_v2_');
    const before = historySql({ sessionId: 's', before: cursor, after: null, fetch: 11 });
    expect(before.text).toContain('(m.created_at, m.id) < ($1::timestamptz, $2::uuid)');
    expect(before.text).toContain('LIMIT $3');
    expect(before.text).toContain('WHERE s.id = $4::uuid');
    const after = historySql({ sessionId: 's', before: cursor, after: cursor, fetch: 11 });
    expect(after.text).toContain('ORDER BY m.created_at ASC, m.id ASC');
    expect(after.text).toContain('(m.created_at, m.id) > ($1::timestamptz, $2::uuid)');
    expect(after.text).toContain('(m.created_at, m.id) < ($3::timestamptz, $4::uuid)');
    expect(after.name).toBe('memory_conversations_history_v2_ba');
  });

  it('sets embeddings in one statement', () => {
    expect(
      setEmbeddingsSql([
        { id: 'a', embedding: '[1]' },
        { id: 'b', embedding: null },
      ]).values,
    ).toEqual([
      ['a', 'b'],
      ['[1]', null],
    ]);
  });
});
