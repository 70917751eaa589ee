import { beforeAll, expect, it } from 'vitest';
import type { MemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { ConfigurationError, InvalidInputError, NotFoundError } from '@memory/errors';
import { SessionStatus } from '@memory/models';
import { createConversationStore, isSessionArchivedError, type ConversationStore } from './index.js';
import { newId } from './ids.js';

interface AuditRow {
  action: string;
  resource_type: string;
  actor: string | null;
  details: Record<string, unknown>;
}

/** A deterministic provider: the vector says how long the text is, so a test can tell which text was embedded. */
function lengthProvider(calls: string[][]) {
  return {
    dimensions: 3,
    embed: async (texts: string[]) => {
      calls.push(texts);
      return texts.map((t) => [t.length, 1, 0]);
    },
  };
}

describeEachDatabase('updating and deleting messages', (ctx) => {
  let db: MemoryDb;
  let store: ConversationStore;

  beforeAll(async () => {
    db = await ctx.createDb({ embeddingDimensions: 3 });
    store = createConversationStore(db, { actor: 'svc' });
  });

  const audit = (id: string) =>
    db.execute<AuditRow>('select action, resource_type, actor, details from audit_logs where resource_id = ?', [id]);
  const storedEmbedding = async (id: string) =>
    (await db.execute<{ e: string | null }>('select embedding::text as e from messages where id = ?', [id]))[0]?.e;

  it('changes text and drops the stale embedding without a provider, auditing field names but never the text', async () => {
    const s = await store.createSession({ userId: 'editor' });
    const id = newId();
    await store.appendMessages(s.id, [{ id, role: 'assistant', content: 'draft', embedding: [1, 0, 0], model: 'm1' }]);

    const result = await store.updateMessage(id, { content: 'final answer', metadata: { edited: true } });
    expect(result).toMatchObject({
      embedding: 'dropped',
      changed: ['content', 'metadata'],
      restored: false,
      message: { id, content: 'final answer', metadata: { edited: true }, model: 'm1', hasEmbedding: false },
    });
    expect(await storedEmbedding(id)).toBeNull();
    expect((await store.getHistory(s.id)).messages[0]).toMatchObject({ content: 'final answer' });
    expect(await audit(id)).toEqual([
      {
        action: 'update_message',
        resource_type: 'message',
        actor: 'svc',
        details: {
          sessionId: s.id,
          userId: 'editor',
          role: 'assistant',
          fields: ['content', 'metadata'],
          embedding: 'dropped',
        },
      },
    ]);
    expect(JSON.stringify(await audit(id))).not.toContain('final answer');

    // A metadata-only edit keeps the embedding; an explicit one is stored as given.
    await store.updateMessage(id, { embedding: [0, 1, 0] });
    expect(await store.updateMessage(id, { metadata: null }, { actor: 'alice' })).toMatchObject({
      embedding: 'kept',
      message: { metadata: null, hasEmbedding: true },
    });
    expect(await storedEmbedding(id)).toBe('[0,1,0]');
    expect((await audit(id)).at(-1)).toMatchObject({ actor: 'alice', details: { fields: ['metadata'] } });
  });

  it('re-embeds changed text with the store provider, and does not call it when the text stays', async () => {
    const calls: string[][] = [];
    const embedding = createConversationStore(db, { embeddingProvider: lengthProvider(calls) });
    const s = await embedding.createSession({});
    const id = newId();
    await embedding.appendMessages(s.id, [{ id, role: 'user', content: 'abc', embedding: [9, 9, 9] }]);

    expect((await embedding.updateMessage(id, { content: 'abcdef' })).embedding).toBe('embedded');
    expect(await storedEmbedding(id)).toBe('[6,1,0]');
    expect(await embedding.updateMessage(id, { content: 'abcdef', model: 'x' })).toMatchObject({ embedding: 'kept' });
    expect(calls).toEqual([['abcdef']]);

    // Parts without content: the text follows the parts and is what gets embedded.
    const turn = await embedding.updateMessage(id, {
      parts: [
        { type: 'tool-t', toolCallId: 'c', state: 'output-available', input: {}, output: 1 },
        { type: 'text', text: 'twelve chars' },
      ],
    });
    expect(turn).toMatchObject({
      embedding: 'embedded',
      changed: ['parts', 'content'],
      message: { content: 'twelve chars', parts: [{ type: 'tool-t' }, { type: 'text', text: 'twelve chars' }] },
    });
    expect(await storedEmbedding(id)).toBe('[12,1,0]');
    // Tool parts only: empty text, nothing to embed, so the old vector goes.
    const tools = await embedding.updateMessage(id, {
      parts: [{ type: 'tool-t', toolCallId: 'c', state: 'input-available', input: {} }],
    });
    expect(tools).toMatchObject({ embedding: 'dropped', message: { content: '', hasEmbedding: false } });
    expect(calls).toHaveLength(2);
  });

  it('refuses bad patches and an edit that leaves neither text nor parts', async () => {
    const s = await store.createSession({});
    const id = newId();
    await store.appendMessages(s.id, [{ id, role: 'assistant', parts: [{ type: 'step-start' }], content: '' }]);
    await expect(store.updateMessage(id, { parts: null })).rejects.toThrow(/neither text nor parts/);
    await expect(store.updateMessage(id, {})).rejects.toThrow(/at least one of/);
    await expect(store.updateMessage(id, { role: 'user' } as never)).rejects.toThrow(/cannot change role/);
    await expect(store.updateMessage(id, { embedding: [1, 2] })).rejects.toThrow(InvalidInputError);
    await expect(store.updateMessage(id, { parts: [{ type: 'text' }] })).rejects.toThrow(/without a string text/);
    await expect(store.updateMessage(newId(), { content: 'x' })).rejects.toThrow(NotFoundError);
    await expect(store.updateMessage('nope', { content: 'x' })).rejects.toThrow(InvalidInputError);
    expect(await audit(id)).toEqual([]);
    expect((await store.updateMessage(id, { parts: null, content: 'now text' })).message).toMatchObject({
      content: 'now text',
      parts: null,
    });
  });

  it('deletes one message with an audit row; a second delete is a no-op', async () => {
    const s = await store.createSession({ userId: 'deleter' });
    const [keep, drop] = [newId(), newId()];
    await store.appendMessages(s.id, [
      { id: keep, role: 'user', content: 'keep' },
      { id: drop, role: 'assistant', content: 'drop' },
    ]);
    expect(await store.deleteMessage(drop)).toEqual({ deleted: true, sessionId: s.id, restored: false });
    expect((await store.getHistory(s.id)).messages.map((m) => m.id)).toEqual([keep]);
    expect(await audit(drop)).toEqual([
      {
        action: 'delete_message',
        resource_type: 'message',
        actor: 'svc',
        details: { sessionId: s.id, userId: 'deleter', role: 'assistant' },
      },
    ]);
    expect(await store.deleteMessage(drop)).toEqual({ deleted: false, sessionId: null, restored: false });
    expect(await audit(drop)).toHaveLength(1);
  });

  it('treats an archived session as appends do: refused, or restored through the hook first', async () => {
    const s = await store.createSession({});
    const [a, b] = [newId(), newId()];
    await store.appendMessages(s.id, [
      { id: a, role: 'user', content: 'a' },
      { id: b, role: 'user', content: 'b' },
    ]);
    // Archive it the way the archiver does: rows to messages_archive, status 2.
    await db.execute(
      `with moved as (delete from messages where session_id = ? returning id, session_id, role, content, model, embedding, created_at, parts, metadata)
       insert into messages_archive (id, session_id, role, content, model, embedding, created_at, parts, metadata, archived_at)
       select *, now() from moved`,
      [s.id],
    );
    await db.execute('update sessions set status = ? where id = ?', [SessionStatus.COLD_ARCHIVED, s.id]);

    const error = await store.updateMessage(a, { content: 'x' }).catch((e: unknown) => e);
    expect(isSessionArchivedError(error)).toBe(true);
    expect((error as Error).message).toMatch(/call updateMessage with \{ restore: true \}/);
    expect(isSessionArchivedError(await store.deleteMessage(b).catch((e: unknown) => e))).toBe(true);
    await expect(store.deleteMessage(b, { restore: true })).rejects.toThrow(ConfigurationError);

    const restoring = createConversationStore(db, {
      restore: async (id) => {
        await db.execute(
          `with moved as (delete from messages_archive where session_id = ? returning id, session_id, role, content, model, embedding, created_at, parts, metadata)
           insert into messages (id, session_id, role, content, model, embedding, created_at, parts, metadata) select * from moved`,
          [id],
        );
        await db.execute('update sessions set status = ? where id = ?', [SessionStatus.ACTIVE, id]);
      },
    });
    expect(await restoring.updateMessage(a, { content: 'edited' }, { restore: true })).toMatchObject({
      restored: true,
      message: { content: 'edited' },
    });
    expect(await restoring.deleteMessage(b, { restore: true })).toEqual({
      deleted: true,
      sessionId: s.id,
      restored: false,
    });
    expect((await store.getHistory(s.id)).messages.map((m) => m.content)).toEqual(['edited']);
  });
});
