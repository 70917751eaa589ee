import type {
  ConversationStore,
  HistoryPage,
  SessionListItem,
  SessionPage,
  SessionRecord,
  SummaryRecord,
} from '@memory/conversations';
import { NotFoundError } from '@memory/errors';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { saveKnowledgeTriples, saveUserProfile } from '@memory/semantics';
import { describe, expect, it } from 'vitest';
import { buildMemoryContext } from './build-memory-context.js';

// A double of the conversation store's read side: enough to test the fitting logic without a
// database. The same behaviour runs against the real store in build-memory-context.int.test.ts.
function fakeStore(data: {
  sessions: SessionRecord[];
  messages: Record<string, Array<{ role: string; content: string }>>;
  summaries: Record<string, string>;
}): ConversationStore {
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  const summary = (id: string): SummaryRecord | null =>
    data.summaries[id]
      ? {
          id: `sum-${id}`,
          sessionId: id,
          strategy: 'context_compression_v2',
          strategyVersion: null,
          text: data.summaries[id]!,
          json: {} as SummaryRecord['json'],
          createdAt: new Date(t0),
        }
      : null;
  const store = {
    async getSession(id: string) {
      const s = data.sessions.find((x) => x.id === id);
      if (!s) throw new NotFoundError(`session ${id} not found`);
      return s;
    },
    async getHistory(id: string, opts: { limit?: number } = {}): Promise<HistoryPage> {
      const all = (data.messages[id] ?? []).map((m, i) => ({
        id: `${id}-m${i}`,
        sessionId: id,
        role: m.role,
        content: m.content,
        parts: null,
        metadata: null,
        model: null,
        createdAt: new Date(t0 + i),
        hasEmbedding: false,
        cursor: `c${i}`,
      }));
      const messages = all.slice(-(opts.limit ?? 50));
      return { messages, olderCursor: null, newerCursor: null, hasOlder: false, hasNewer: false, sessionStatus: 1 };
    },
    async listSessions(opts: { userId?: string; limit?: number } = {}) {
      const items: SessionListItem[] = data.sessions
        .filter((s) => s.userId === opts.userId)
        .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
        .slice(0, opts.limit ?? 20)
        .map((s) => {
          const sm = summary(s.id);
          return {
            ...s,
            firstMessage: null,
            lastMessage: null,
            latestSummary: sm
              ? { id: sm.id, strategy: sm.strategy, text: sm.text, truncated: false, createdAt: sm.createdAt }
              : null,
          };
        });
      return { sessions: items, nextCursor: null } satisfies SessionPage;
    },
    async latestSummary(id: string) {
      return summary(id);
    },
  };
  return store as unknown as ConversationStore;
}

const session = (id: string, userId: string | null, daysAgo: number, title: string): SessionRecord => ({
  id,
  userId,
  title,
  status: 1,
  metadata: null,
  createdAt: null,
  updatedAt: new Date(Date.parse('2026-11-20T00:00:00Z') - daysAgo * 86_400_000),
});

async function fixture() {
  const storage = new InMemoryLongTermStorage();
  await saveUserProfile(storage, 'u1', {
    user_id: 'u1',
    traits: { communication_style: 'concise', preferred_topics: ['PostgreSQL', 'BOS'] },
  });
  await saveKnowledgeTriples(storage, 'u1', [
    ['用户', '部署', 'AI服务到BOS'],
    ['user', 'prefers', 'PostgreSQL over MySQL'],
    ['user', 'has a cat named', 'Mochi'],
  ]);
  const store = fakeStore({
    sessions: [
      session('s1', 'u1', 0, 'Deploy'),
      session('s2', 'u1', 3, 'Database choice'),
      session('s3', 'u1', 9, 'Pets'),
      session('x', 'u2', 0, 'Other user'),
    ],
    messages: {
      s1: [
        { role: 'user', content: 'How do I deploy to BOS?' },
        { role: 'assistant', content: 'Create a bucket first.' },
        { role: 'user', content: 'Which database should back the memory?' },
      ],
    },
    summaries: {
      s1: 'Deploying the agent to BOS.',
      s2: 'Chose PostgreSQL with pgvector.',
      s3: 'Talked about the cat.',
      x: 'secret of u2',
    },
  });
  return { storage, store };
}

describe('buildMemoryContext', () => {
  it('gathers all four parts for a session within a generous budget', async () => {
    const { storage, store } = await fixture();
    const ctx = await buildMemoryContext({ store, storage, sessionId: 's1', budget: 4000 });
    expect(ctx.userId).toBe('u1');
    expect(ctx.query).toBe('Which database should back the memory?');
    expect(ctx.parts.profile).toEqual({ communication_style: 'concise', preferred_topics: ['PostgreSQL', 'BOS'] });
    expect(ctx.parts.knowledge[0]?.slice(0, 3)).toEqual(['user', 'prefers', 'PostgreSQL over MySQL']);
    expect(ctx.parts.summaries.map((s) => s.sessionId)).toEqual(['s1', 's2', 's3']);
    expect(ctx.parts.recentMessages.map((m) => m.content)).toEqual([
      'How do I deploy to BOS?',
      'Create a bucket first.',
      'Which database should back the memory?',
    ]);
    expect(ctx.text).toContain('- preferred_topics: PostgreSQL, BOS');
    expect(ctx.text).toContain('- Database choice: Chose PostgreSQL with pgvector.');
    expect(ctx.text).toMatch(
      /## Recent messages in this conversation\nuser: How do I deploy to BOS\?\nassistant: Create a bucket first\./,
    );
    expect(ctx.text).not.toContain('secret of u2');
    expect(ctx.usage).toEqual({ unit: 'chars', used: [...ctx.text].length, limit: 4000 });
    expect(ctx.dropped).toEqual({ profileTraits: 0, knowledge: 0, summaries: 0, messages: 0, truncated: 0 });
  });

  it('never exceeds the budget, keeps the newest messages and says what it dropped', async () => {
    const { storage, store } = await fixture();
    for (const limit of [40, 90, 150, 220, 300, 400]) {
      const ctx = await buildMemoryContext({ store, storage, sessionId: 's1', budget: limit });
      expect([...ctx.text].length).toBeLessThanOrEqual(limit);
      const kept = ctx.parts.recentMessages.map((m) => m.id);
      // Whatever is kept is a suffix of the conversation: the newest messages.
      expect(kept).toEqual(['s1-m0', 's1-m1', 's1-m2'].slice(3 - kept.length));
      const dropped = ctx.dropped.messages + ctx.dropped.knowledge + ctx.dropped.summaries + ctx.dropped.profileTraits;
      if (limit < 300) expect(dropped + ctx.dropped.truncated).toBeGreaterThan(0);
    }
  });

  it('counts tokens with the given tokenizer', async () => {
    const { storage, store } = await fixture();
    const words = (t: string) => t.split(/\s+/).filter(Boolean).length;
    const ctx = await buildMemoryContext({
      store,
      storage,
      sessionId: 's1',
      budget: { maxTokens: 30, countTokens: words },
    });
    expect(ctx.usage.unit).toBe('tokens');
    expect(words(ctx.text)).toBeLessThanOrEqual(30);
    expect(ctx.usage.used).toBe(words(ctx.text));
  });

  it('uses the long-term parts alone without a session or database', async () => {
    const { storage } = await fixture();
    const ctx = await buildMemoryContext({ storage, userId: 'u1', query: '部署 BOS' });
    expect(ctx.parts.recentMessages).toEqual([]);
    expect(ctx.parts.summaries).toEqual([]);
    expect(ctx.parts.knowledge[0]?.slice(0, 3)).toEqual(['用户', '部署', 'AI服务到BOS']);
    expect(ctx.text.startsWith('## What we know about the user\n- communication_style: concise')).toBe(true);
  });

  it('returns an empty context when there is nothing to draw on', async () => {
    const ctx = await buildMemoryContext({ storage: new InMemoryLongTermStorage(), userId: 'nobody' });
    expect(ctx.text).toBe('');
    expect(ctx.parts).toEqual({ profile: null, knowledge: [], summaries: [], recentMessages: [] });
  });

  it('propagates an unknown session as NotFoundError', async () => {
    const { store } = await fixture();
    await expect(buildMemoryContext({ store, sessionId: 'nope' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses bad limits', async () => {
    await expect(buildMemoryContext({ maxMessages: -1 })).rejects.toThrow(/maxMessages/);
    await expect(buildMemoryContext({ budget: 0 })).rejects.toThrow(/maxChars/);
  });

  it('takes headings in another language', async () => {
    const { storage } = await fixture();
    const ctx = await buildMemoryContext({
      storage,
      userId: 'u1',
      headings: { profile: '用户画像', knowledge: '相关知识' },
    });
    expect(ctx.text).toContain('## 用户画像');
    expect(ctx.text).toContain('## 相关知识');
  });
});
