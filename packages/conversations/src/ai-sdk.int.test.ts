import { randomUUID } from 'node:crypto';
import { convertToModelMessages, safeValidateUIMessages, type ModelMessage, type UIMessage } from 'ai';
import { beforeAll, expect, it } from 'vitest';
import type { MemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { InvalidInputError } from '@memory/errors';
import {
  createConversationStore,
  fromModelMessages,
  fromUIMessages,
  toModelMessages,
  toUIMessages,
  type ConversationStore,
} from './index.js';
import { UI_MESSAGE_ID_KEY } from './ai-sdk.js';
import { everyPart } from './parts.fixture.js';

/** JSON form, so `URL` objects in file parts compare by their text. */
const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** A conversation with a part of every kind, as `useChat` would hold it. */
function conversation(): UIMessage[] {
  return [
    { id: 'sys-1', role: 'system', parts: [{ type: 'text', text: 'You are a travel assistant.' }] },
    {
      id: randomUUID(),
      role: 'user',
      metadata: { channel: 'web', createdAt: 1733550000000 },
      parts: [
        { type: 'text', text: 'Weather in Kyoto? See the photo.' },
        { type: 'file', mediaType: 'image/jpeg', url: 'https://example.com/kyoto.jpg', filename: 'kyoto.jpg' },
      ],
    },
    {
      id: 'aXk2mP9qL0',
      role: 'assistant',
      metadata: { model: 'gpt-x', usage: { inputTokens: 12, outputTokens: 40 } },
      parts: everyPart() as UIMessage['parts'],
    },
    { id: 'u-2', role: 'user', parts: [{ type: 'text', text: 'Delete my booking, and book the ryokan.' }] },
    {
      id: 'a-2',
      role: 'assistant',
      parts: [
        { type: 'step-start' },
        {
          type: 'tool-deleteBooking',
          toolCallId: 'call_5',
          state: 'approval-responded',
          input: { booking: 42 },
          approval: { id: 'ap_1', approved: false, reason: 'not now' },
        },
        {
          type: 'tool-book',
          toolCallId: 'call_6',
          state: 'output-available',
          input: { hotel: 'ryokan' },
          output: 'booked',
          callProviderMetadata: { anthropic: { cacheControl: { type: 'ephemeral' } } },
        },
        { type: 'step-start' },
        { type: 'text', text: 'Booked the ryokan; I left your booking alone.' },
      ],
    },
  ];
}

describeEachDatabase('AI SDK converters', (ctx) => {
  let db: MemoryDb;
  let store: ConversationStore;

  beforeAll(async () => {
    db = await ctx.createDb({ embeddingDimensions: 3 });
    store = createConversationStore(db);
  });

  it('stores UIMessages with every part kind and gives them back identical, ids and metadata included', async () => {
    const ui = conversation();
    const s = await store.createSession({ userId: 'ai-sdk' });
    const toStore = fromUIMessages(ui, { scope: s.id });
    expect(toStore[1]!.id).toBe(ui[1]!.id);
    expect(toStore[2]!.metadata).toMatchObject({ [UI_MESSAGE_ID_KEY]: 'aXk2mP9qL0' });
    // Derived ids are stable (a retry is skipped) and differ by scope (two chats may both have 'sys-1').
    expect(fromUIMessages(ui, { scope: s.id })[2]!.id).toBe(toStore[2]!.id);
    expect(fromUIMessages(ui, { scope: 'other' })[2]!.id).not.toBe(toStore[2]!.id);
    await store.appendMessages(s.id, toStore);
    expect((await store.appendMessages(s.id, fromUIMessages(ui, { scope: s.id }))).insertedIds).toEqual([]);

    const { messages } = await store.getHistory(s.id);
    expect(messages.map((m) => m.content)).toEqual([
      'You are a travel assistant.',
      'Weather in Kyoto? See the photo.',
      'It is 21 °C and clear in Kyoto.\n\nEnjoy!',
      'Delete my booking, and book the ryokan.',
      'Booked the ryokan; I left your booking alone.',
    ]);
    const back = toUIMessages<UIMessage>(messages);
    expect(back).toEqual(ui);
    // Real AI SDK validation accepts what comes back (without the kinds this SDK version does not know).
    const known = back.map((m) => ({ ...m, parts: m.parts.filter((p) => (p.type as string) !== 'x-app-widget') }));
    const validated = await safeValidateUIMessages({ messages: known });
    expect(validated.success ? 'valid' : String(validated.error)).toBe('valid');
  });

  it('reads rows without parts (as the original wrote them) as text UIMessages, and tool rows as assistant ones', () => {
    const at = { parts: null, metadata: null };
    expect(
      toUIMessages([
        { id: 'a', role: 'user', content: 'hi', ...at },
        { id: 'b', role: 'tool', content: '{"ok":true}', ...at },
        { id: 'c', role: 'assistant', content: '', ...at },
      ]),
    ).toEqual([
      { id: 'a', role: 'user', parts: [{ type: 'text', text: 'hi' }] },
      { id: 'b', role: 'assistant', parts: [{ type: 'text', text: '{"ok":true}' }] },
      { id: 'c', role: 'assistant', parts: [] },
    ]);
  });

  it('gives back the model messages of a stored conversation as convertToModelMessages makes them', async () => {
    const ui = conversation();
    const s = await store.createSession({});
    await store.appendMessages(s.id, fromUIMessages(ui, { scope: s.id }));
    const { messages } = await store.getHistory(s.id);
    const model = await toModelMessages<ModelMessage>(messages, convertToModelMessages);
    expect(json(model)).toEqual(json(await convertToModelMessages(ui)));
    expect(model.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
  });

  it('stores ModelMessages (a generateText response) and converts them back unchanged', async () => {
    const model = await convertToModelMessages(conversation());
    const s = await store.createSession({});
    const toStore = fromModelMessages(model);
    // An assistant step and the tool message answering it become one assistant message, as useChat keeps it.
    expect(toStore.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant']);
    await store.appendMessages(s.id, toStore);
    const { messages } = await store.getHistory(s.id);
    const tool = messages[2]!.parts!.find((p) => p.type === 'tool-calendar');
    expect(tool).toMatchObject({ state: 'output-error', errorText: 'calendar offline' });
    const back = await toModelMessages(messages, convertToModelMessages);
    expect(json(back)).toEqual(json(model));
  });

  it('refuses what cannot be stored, saying what is wrong', async () => {
    expect(() => fromUIMessages([{ id: 'x', role: 'tool', parts: [] } as never])).toThrow(/system, user or assistant/);
    expect(() => fromUIMessages([{ id: 'x', role: 'user', metadata: 'note', parts: [] } as never])).toThrow(
      /metadata must be a plain object/,
    );
    const orphan = { type: 'tool-result', toolCallId: 'nope' };
    expect(() => fromModelMessages([{ role: 'tool', content: [orphan] }])).toThrow(/no earlier assistant message/);
    await expect(toModelMessages([], undefined as never)).rejects.toThrow(InvalidInputError);
  });
});
