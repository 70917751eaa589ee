import { createConversationStore } from '@memory/conversations';
import { describeEachDatabase } from '@memory/db/testing';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { saveKnowledgeTriples, saveUserProfile } from '@memory/semantics';
import { expect, it } from 'vitest';
import { buildMemoryContext } from './build-memory-context.js';

describeEachDatabase('buildMemoryContext on the real store', (ctx) => {
  it('builds short-, mid- and long-term parts from the database and storage', async () => {
    const db = await ctx.createDb({ embeddingDimensions: 8 });
    const store = createConversationStore(db);
    const storage = new InMemoryLongTermStorage();
    await saveUserProfile(storage, 'u-ctx', { user_id: 'u-ctx', traits: { emotional_tone: '平和' } });
    await saveKnowledgeTriples(storage, 'u-ctx', [
      ['用户', '喜欢', '简洁的回答'],
      ['user', 'works on', 'a memory layer'],
    ]);

    const old = await store.createSession({ userId: 'u-ctx', title: '旧会话' });
    await store.appendMessages(old.id, [{ role: 'user', content: 'earlier question' }]);
    await store.saveSummary(old.id, {
      strategy: 'context_compression_v2',
      text: '用户在做记忆层。',
      json: {
        decision_points: [],
        todos: [],
        entities: { files: [], tools: [] },
        context_state: '',
        code_snippets: [],
      },
    });
    const other = await store.createSession({ userId: 'someone-else', title: 'x' });
    await store.saveSummary(other.id, {
      strategy: 'context_compression_v2',
      text: 'not yours',
      json: {
        decision_points: [],
        todos: [],
        entities: { files: [], tools: [] },
        context_state: '',
        code_snippets: [],
      },
    });
    const current = await store.createSession({ userId: 'u-ctx', title: 'Now' });
    const turns = Array.from({ length: 30 }, (_, i) => ({
      role: i % 2 ? 'assistant' : 'user',
      content: `turn ${i} about the memory layer`,
    }));
    await store.appendMessages(current.id, turns as never);

    const result = await buildMemoryContext({ db, storage, sessionId: current.id, maxMessages: 10, budget: 2000 });
    expect(result.userId).toBe('u-ctx');
    expect(result.query).toBe('turn 28 about the memory layer');
    expect(result.parts.recentMessages.map((m) => m.content)).toEqual(turns.slice(20).map((t) => t.content));
    expect(result.parts.summaries.map((s) => s.text)).toEqual(['用户在做记忆层。']);
    expect(result.parts.profile).toEqual({ emotional_tone: '平和' });
    expect(result.parts.knowledge[0]?.slice(0, 3)).toEqual(['user', 'works on', 'a memory layer']);
    expect(result.text).not.toContain('not yours');
    expect([...result.text].length).toBeLessThanOrEqual(2000);
  });
});
