import { describe, expect, it } from 'vitest';
import { decodeCursor } from './cursor.js';
import {
  cutPreview,
  toDate,
  toMessage,
  toMessagePreview,
  toSession,
  toSummaryPreview,
  type MessageRow,
  type SessionRow,
} from './rows.js';

/** A row as a driver that hands `smallint` and `jsonb` as text would (the row types say what the entities declare). */
const asDriverText = <R>(row: Record<string, unknown>): R => row as R;

describe('row mapping', () => {
  it('parses cursor-style timestamps (six fractional digits) into Dates', () => {
    expect(toDate('2026-11-25T14:15:15.030001Z').toISOString()).toBe('2026-11-25T14:15:15.030Z');
    expect(toDate(null)).toBeNull();
  });

  it('maps a session row, status as a number and metadata parsed', () => {
    const s = toSession(
      asDriverText<SessionRow>({
        id: 'a',
        user_id: 'u',
        title: null,
        status: '2',
        metadata: '{"k":1}',
        created_at: null,
        updated_at: '2026-01-01T00:00:00.000000Z',
      }),
    );
    expect(s).toEqual({
      id: 'a',
      userId: 'u',
      title: null,
      status: 2,
      metadata: { k: 1 },
      createdAt: null,
      updatedAt: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it('gives every message a cursor at its exact (microsecond) position', () => {
    const id = '0190f5a8-2b7c-7d4e-8f00-1234567890ab';
    const m = toMessage(
      asDriverText<MessageRow>({
        id,
        session_id: 's',
        role: 'user',
        content: 'x',
        model: null,
        parts: '[{"type":"text","text":"x"}]',
        metadata: null,
        has_embedding: false,
        created_at: '2026-01-01T00:00:00.000007Z',
      }),
    );
    expect(m.parts).toEqual([{ type: 'text', text: 'x' }]);
    expect(m.metadata).toBeNull();
    expect(decodeCursor('message', m.cursor)).toEqual({ at: '2026-01-01T00:00:00.000007Z', id });
  });

  it('cuts previews by characters, flagging a cut', () => {
    expect(cutPreview('👋你好呀', 3)).toEqual({ text: '👋你好', truncated: true });
    expect(cutPreview('你好', 2)).toEqual({ text: '你好', truncated: false });
  });

  it('builds previews from prefixed list columns, null when the join found nothing', () => {
    const row = {
      first_id: 'm1',
      first_role: 'user',
      first_content: 'abcdef',
      first_created_at: '2026-01-01T00:00:00.000000Z',
      last_id: null,
      summary_id: 's1',
      summary_strategy: 'context_compression_v2',
      summary_text: null,
      summary_created_at: '2026-01-01T00:00:00.000000Z',
    };
    expect(toMessagePreview(row, 'first', 5)).toMatchObject({ id: 'm1', content: 'abcde', truncated: true });
    expect(toMessagePreview(row, 'last', 5)).toBeNull();
    expect(toSummaryPreview(row, 5)).toMatchObject({ id: 's1', text: null, truncated: false });
  });
});
