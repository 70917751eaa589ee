import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@memory/errors';
import {
  MAX_APPEND_BATCH,
  checkLimit,
  checkNewMessages,
  checkOptionalDate,
  checkStatuses,
  checkText,
  codePointLength,
  embeddingLiteral,
} from './validate.js';

describe('input checks', () => {
  it('count characters like PostgreSQL, not UTF-16 units', () => {
    expect(codePointLength('👋你好')).toBe(3);
    expect(checkText('👋'.repeat(512), 'title', { max: 512 })).toHaveLength(1024);
    expect(() => checkText('a'.repeat(513), 'title', { max: 512 })).toThrow(/title is 513 characters long/);
    expect(() => checkText('', 'title')).toThrow(/must not be empty/);
    expect(() => checkText('a\u0000', 'title')).toThrow(/NUL/);
    expect(() => checkText(3, 'title')).toThrow(InvalidInputError);
  });

  it('check limits, dates and statuses', () => {
    expect(checkLimit(undefined, 'limit', 20, 200)).toBe(20);
    for (const bad of [0, 201, 1.5, '10', Number.NaN])
      expect(() => checkLimit(bad, 'limit', 20, 200)).toThrow(/limit must be an integer from 1 to 200/);
    expect(() => checkOptionalDate(new Date('nope'), 'since')).toThrow(/since must be a valid Date/);
    expect(checkOptionalDate(undefined, 'since')).toBeNull();
    expect(checkStatuses(1)).toEqual([1]);
    expect(checkStatuses([1, 2])).toEqual([1, 2]);
    expect(() => checkStatuses([5])).toThrow(/SessionStatus/);
    expect(() => checkStatuses([])).toThrow(/empty/);
  });

  it('render embeddings as pgvector literals after checking the dimension', () => {
    expect(embeddingLiteral([1, 0.5, -2], 3, 'embedding')).toBe('[1,0.5,-2]');
    expect(embeddingLiteral(new Float32Array([1, 2, 3]), 3, 'embedding')).toBe('[1,2,3]');
    expect(embeddingLiteral(null, 3, 'embedding')).toBeNull();
    expect(() => embeddingLiteral([1, 2], 3, 'embedding')).toThrow(/2 dimensions but this deployment stores 3/);
    expect(() => embeddingLiteral([1, Number.NaN, 3], 3, 'embedding')).toThrow(InvalidInputError);
  });

  it('check a batch of messages, generating missing ids', () => {
    const [a, b] = checkNewMessages(
      [
        { role: 'user', content: '你好' },
        {
          id: 'AAAAAAAA-0000-4000-8000-000000000001',
          role: 'assistant',
          content: '',
          parts: [
            { type: 'tool-search', toolCallId: 'c1', state: 'input-available', input: { q: 'x' }, output: undefined },
          ],
          model: 'gpt-x',
          embedding: [1, 2],
        },
      ],
      2,
    );
    expect(a?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).toMatchObject({ role: 'user', content: '你好', model: null, embedding: null, createdAt: null });
    expect(b).toMatchObject({
      id: 'aaaaaaaa-0000-4000-8000-000000000001',
      content: '',
      model: 'gpt-x',
      embedding: '[1,2]',
      parts: '[{"type":"tool-search","toolCallId":"c1","state":"input-available","input":{"q":"x"}}]',
      metadata: null,
    });
  });

  it('project parts to content when content is left out, and refuse a message with neither', () => {
    const [m] = checkNewMessages(
      [
        {
          role: 'assistant',
          parts: [
            { type: 'step-start' },
            { type: 'reasoning', text: 'think' },
            { type: 'text', text: 'one' },
            { type: 'x-custom', anything: [1] },
            { type: 'text', text: 'two' },
          ],
          metadata: { lang: 'en', skip: undefined },
        },
      ],
      2,
    );
    expect(m).toMatchObject({ content: 'one\n\ntwo', metadata: '{"lang":"en"}' });
    expect(JSON.parse(m!.parts!)).toHaveLength(5);
    expect(() => checkNewMessages([{ role: 'user' }], 2)).toThrow(/neither content nor parts/);
    expect(() => checkNewMessages([{ role: 'user', parts: [] }], 2)).toThrow(/neither content nor parts/);
    expect(() => checkNewMessages([{ role: 'user', content: '' }], 2)).toThrow(/empty and the message has no parts/);
    expect(() => checkNewMessages([{ role: 'user', content: 'x', parts: {} }], 2)).toThrow(/parts must be an array/);
    expect(() => checkNewMessages([{ role: 'user', parts: [{ text: 'x' }] }], 2)).toThrow(/parts\[0\]\.type/);
    expect(() => checkNewMessages([{ role: 'user', parts: [{ type: 'text' }] }], 2)).toThrow(
      /text part without a string text/,
    );
    expect(() =>
      checkNewMessages([{ role: 'user', parts: [{ type: 'tool-x', state: 'input-available' }] }], 2),
    ).toThrow(/tool-x part without a string toolCallId/);
    expect(() => checkNewMessages([{ role: 'user', parts: [{ type: 'data-x', data: new Map() }] }], 2)).toThrow(
      InvalidInputError,
    );
    expect(() => checkNewMessages([{ role: 'user', content: 'x', metadata: ['a'] }], 2)).toThrow(
      /metadata must be a plain JSON object/,
    );
  });

  it('refuse bad roles, duplicate ids, empty and oversized batches', () => {
    expect(() => checkNewMessages([{ role: 'bot', content: 'x' }], 2)).toThrow(/messages\[0\]\.role is "bot"/);
    const id = 'aaaaaaaa-0000-4000-8000-000000000001';
    expect(() =>
      checkNewMessages(
        [
          { id, role: 'user', content: 'x' },
          { id: id.toUpperCase(), role: 'user', content: 'y' },
        ],
        2,
      ),
    ).toThrow(/appears twice/);
    expect(() => checkNewMessages([], 2)).toThrow(/must not be empty/);
    expect(() => checkNewMessages('x', 2)).toThrow(/must be an array/);
    const many = Array.from({ length: MAX_APPEND_BATCH + 1 }, () => ({ role: 'user', content: 'x' }));
    expect(() => checkNewMessages(many, 2)).toThrow(/split them/);
    expect(() => checkNewMessages([{ role: 'user', content: 'x', model: 'm'.repeat(129) }], 2)).toThrow(
      /model is 129 characters/,
    );
    expect(() => checkNewMessages([{ role: 'user', content: 'x', createdAt: 'yesterday' }], 2)).toThrow(
      /createdAt must be a valid Date/,
    );
  });
});
