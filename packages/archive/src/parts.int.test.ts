import { describeEachDatabase } from '@memory/db/testing';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { createConversationStore } from '@memory/conversations';
import { SessionStatus } from '@memory/models';
import { expect, it } from 'vitest';
import { daysBefore, statusOf } from '../test/fixtures.js';
import { createArchiver } from './create-archiver.js';

describeEachDatabase('archiving messages with parts and metadata', (ctx) => {
  it('keeps parts and metadata through cold archival and restore', async () => {
    const db = await ctx.createDb({ embeddingDimensions: 3 });
    const store = createConversationStore(db);
    const now = new Date();
    const s = await store.createSession({ userId: 'parts' });
    const parts = [
      { type: 'step-start' },
      {
        type: 'tool-weather',
        toolCallId: 'c1',
        state: 'output-available',
        input: { city: 'Kyoto' },
        output: { c: 21 },
      },
      { type: 'text', text: '21 °C' },
    ];
    await store.appendMessages(s.id, [
      { role: 'user', content: 'weather?', metadata: { channel: 'web' } },
      { role: 'assistant', parts, metadata: { finish: 'stop' }, embedding: [1, 0, 0] },
    ]);
    await db.execute('update sessions set updated_at = ? where id = ?', [daysBefore(now, 30).toISOString(), s.id]);
    const archiver = createArchiver({ db, storage: new InMemoryLongTermStorage() });

    await archiver.runArchive({ now });
    expect(await statusOf(db, s.id)).toBe(SessionStatus.COLD_ARCHIVED);
    const archived = await db.execute<{ parts: unknown; metadata: unknown }>(
      'select parts, metadata from messages_archive where session_id = ? order by created_at',
      [s.id],
    );
    expect(archived).toEqual([
      { parts: null, metadata: { channel: 'web' } },
      { parts, metadata: { finish: 'stop' } },
    ]);

    await archiver.restoreSession(s.id);
    const { messages } = await store.getHistory(s.id);
    expect(messages.map((m) => [m.content, m.parts, m.metadata, m.hasEmbedding])).toEqual([
      ['weather?', null, { channel: 'web' }, false],
      ['21 °C', parts, { finish: 'stop' }, true],
    ]);
  });

  it('keeps them through a deep export and its restore', async () => {
    const db = await ctx.createDb({ embeddingDimensions: 3 });
    const store = createConversationStore(db);
    const now = new Date();
    const s = await store.createSession({ userId: 'deep-parts' });
    const parts = [
      { type: 'reasoning', text: 'think', providerMetadata: { openai: { id: 'r' } } },
      { type: 'data-big', data: { n: 1.5e300, s: '引号"\\' } },
      { type: 'text', text: 'done' },
    ];
    await store.appendMessages(s.id, [
      { role: 'user', content: 'plain' },
      { role: 'assistant', parts, metadata: { k: [1, { x: null }] } },
    ]);
    await db.execute('update sessions set updated_at = ? where id = ?', [daysBefore(now, 200).toISOString(), s.id]);
    const storage = new InMemoryLongTermStorage();
    const archiver = createArchiver({ db, storage });
    await archiver.runArchive({ now });
    expect(await statusOf(db, s.id)).toBe(SessionStatus.DEEP_ARCHIVED);

    await archiver.restoreSession(s.id);
    const { messages } = await store.getHistory(s.id);
    expect(messages.map((m) => [m.content, m.parts, m.metadata])).toEqual([
      ['plain', null, null],
      ['done', parts, { k: [1, { x: null }] }],
    ]);
  });
});
