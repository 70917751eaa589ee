import { describeEachDatabase } from '@memory/db/testing';
import type { UIMessage } from 'ai';
import { expect, it } from 'vitest';
import { createChatStore } from './chat-store.js';
import { externalIdToUuid } from './ids.js';
import { createMemory } from './memory.js';

describeEachDatabase('createChatStore', (ctx) => {
  it('saves and loads UIMessages by chat id, keeping the AI SDK ids', async () => {
    const db = await ctx.createDb({ embeddingDimensions: 8 });
    const chats = createChatStore({ memory: createMemory({ db }) });
    const first: UIMessage[] = [
      { id: 'msg-u1', role: 'user', parts: [{ type: 'text', text: 'hi there' }] },
      { id: 'msg-a1', role: 'assistant', parts: [{ type: 'text', text: 'hello!' }] },
    ];
    const saved = await chats.saveChat('chat-XyZ', first, { userId: 'u1' });
    expect(saved).toEqual({
      sessionId: externalIdToUuid('chat', 'chat-XyZ'),
      inserted: ['msg-u1', 'msg-a1'],
      existing: [],
    });

    // useChat sends the whole list every time: only the new ones are stored.
    const second: UIMessage[] = [...first, { id: 'msg-u2', role: 'user', parts: [{ type: 'text', text: 'hi there' }] }];
    const again = await chats.saveChat('chat-XyZ', second, { userId: 'u1' });
    expect(again.inserted).toEqual(['msg-u2']);
    expect(again.existing).toEqual(['msg-u1', 'msg-a1']);

    const withTools: UIMessage = {
      id: 'msg-a2',
      role: 'assistant',
      metadata: { model: 'm1' },
      parts: [
        { type: 'reasoning', text: 'check the tool' },
        {
          type: 'tool-weather',
          toolCallId: 't1',
          state: 'output-available',
          input: { city: 'Lyon' },
          output: { sky: 'sunny' },
        },
        { type: 'text', text: 'Sunny.' },
      ],
    };
    second.push(withTools);
    await chats.saveChat('chat-XyZ', second, { userId: 'u1' });
    const loaded = await chats.loadChat('chat-XyZ');
    expect(loaded.at(-1)).toEqual(withTools);
    expect(loaded.map((m) => [m.id, m.role, m.parts])).toEqual(second.map((m) => [m.id, m.role, m.parts]));
    expect(await chats.loadChat('never-seen')).toEqual([]);
    // Another chat id is another session.
    await chats.saveChat('chat-other', [{ id: 'msg-u1', role: 'user', parts: [{ type: 'text', text: 'x' }] }]);
    expect((await chats.loadChat('chat-XyZ')).length).toBe(4);
  });

  it('keeps UUID ids as they are and refuses what is not a UIMessage', async () => {
    const db = await ctx.createDb({ embeddingDimensions: 8 });
    const chats = createChatStore({ memory: createMemory({ db }) });
    const id = '0b6c1f53-8d1e-4a4e-9a55-3f1f3c2b7d10';
    await chats.saveChat(id, [{ id, role: 'user', parts: [{ type: 'text', text: 'uuid ids' }] }]);
    expect(chats.sessionIdOf(id)).toBe(id);
    expect((await chats.loadChat(id))[0]!.id).toBe(id);
    await expect(chats.saveChat('c', [{ role: 'user', parts: [] } as unknown as UIMessage])).rejects.toThrow(
      /messages\[0\] is not a UIMessage/,
    );
    await expect(chats.saveChat('', [])).rejects.toThrow(/chat id/);
  });
});
