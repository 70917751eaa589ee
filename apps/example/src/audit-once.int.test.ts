import { describeEachDatabase } from '@memory/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type MemoryApp } from './build-app.js';
import { loadConfig } from './config.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface AuditRow {
  action: string;
  resource_type: string;
  resource_id: string | null;
  actor: string | null;
  details: Record<string, unknown> | null;
}

/**
 * One write, one audit row. Operations that audit themselves in their own transaction (editing and
 * deleting a message, code reviews, deleting a session, purging a user) must not get the service's
 * generic `api_write` row on top; every other write gets exactly that one.
 */
describeEachDatabase('one audit row per write over HTTP', (ctx) => {
  let memory: MemoryApp;
  let base: string;

  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };

  /** The audit rows a request adds (a purge also removes the rows naming its user: compare ids, not counts). */
  const auditedBy = async (request: () => Promise<{ status: number; body: Json }>) => {
    const all = () =>
      memory.services.db.query<AuditRow & { id: string }>(
        'SELECT id::text, action, resource_type, resource_id, actor, details FROM audit_logs ORDER BY created_at, id',
      );
    const before = new Set((await all()).map((r) => r.id));
    const answer = await request();
    const rows = (await all()).filter((r) => !before.has(r.id)).map(({ id: _id, ...row }) => row);
    return { answer, rows };
  };

  beforeAll(async () => {
    memory = await buildApp(
      loadConfig({
        DATABASE_URL: ctx.url,
        MEMORY_STORAGE_URL: 'memory://',
        MEMORY_EMBEDDING_DIMENSIONS: '64',
        MEMORY_DEMO_DATA: 'false',
        LOG_LEVEL: 'silent',
      }),
    );
    base = await memory.app.listen({ port: 0, host: '127.0.0.1' });
  }, 300_000);
  afterAll(() => memory?.app.close());

  it('an edit of a message is one update_message row, a delete one delete_message row', async () => {
    const session = await auditedBy(() => api('POST', '/sessions', { userId: 'audit-user', title: 'audited' }));
    expect(session.answer.status).toBe(201);
    const sessionId = session.answer.body.id as string;
    // A write without an audit of its own still gets the service's row.
    expect(session.rows.map((r) => [r.action, r.details?.route])).toEqual([['api_write', 'POST /sessions']]);

    const appended = await api('POST', `/sessions/${sessionId}/messages`, {
      messages: [
        { role: 'user', content: 'weather in Kyoto?' },
        { role: 'assistant', content: 'clear, 21 °C' },
      ],
    });
    const [question, answer] = appended.body.insertedIds as string[];

    const edit = await auditedBy(() =>
      api('PATCH', `/sessions/${sessionId}/messages/${question}`, {
        content: 'weather in Osaka?',
        metadata: { edited: true },
      }),
    );
    expect(edit.answer.status).toBe(200);
    expect(edit.rows).toHaveLength(1);
    expect(edit.rows[0]).toMatchObject({
      action: 'update_message',
      resource_type: 'message',
      resource_id: question,
      actor: 'anonymous',
      details: { sessionId, userId: 'audit-user', role: 'user' },
    });
    expect((edit.rows[0]!.details!.fields as string[]).filter((f) => f !== 'embedding').sort()).toEqual([
      'content',
      'metadata',
    ]);

    const deletion = await auditedBy(() => api('DELETE', `/sessions/${sessionId}/messages/${answer}`));
    expect(deletion.answer.status).toBe(200);
    expect(deletion.rows).toEqual([
      {
        action: 'delete_message',
        resource_type: 'message',
        resource_id: answer,
        actor: 'anonymous',
        details: { sessionId, userId: 'audit-user', role: 'assistant' },
      },
    ]);

    // A refused edit or a delete of nothing writes none.
    const refused = await auditedBy(() => api('PATCH', `/sessions/${sessionId}/messages/${question}`, { content: '' }));
    expect(refused.answer.status).toBe(400);
    expect(refused.rows).toEqual([]);
    const again = await auditedBy(() => api('DELETE', `/sessions/${sessionId}/messages/${answer}`));
    expect(again.answer.status).toBe(404);
    expect(again.rows).toEqual([]);
  });

  it('a code review made and deleted is one row each; deleting a session and purging a user one each', async () => {
    const sessionId = (await api('POST', '/sessions', { userId: 'audit-other', title: 'reviews' })).body.id as string;
    const made = await auditedBy(() => api('POST', `/sessions/${sessionId}/code-reviews`, { repo: 'o/r' }));
    expect(made.answer.status).toBe(201);
    expect(made.rows.map((r) => [r.action, r.resource_id])).toEqual([['create_code_review', made.answer.body.id]]);
    const removed = await auditedBy(() => api('DELETE', `/code-reviews/${made.answer.body.id}`));
    expect(removed.answer.status).toBe(204);
    expect(removed.rows.map((r) => [r.action, r.resource_id])).toEqual([['delete_code_review', made.answer.body.id]]);

    const gone = await auditedBy(() => api('DELETE', `/sessions/${sessionId}`));
    expect(gone.answer.status).toBe(200);
    expect(gone.rows.map((r) => r.action)).toEqual(['delete_session']);
    const purged = await auditedBy(() => api('DELETE', '/users/audit-other'));
    expect(purged.answer.status).toBe(200);
    expect(purged.rows.map((r) => r.action)).toEqual(['purge_user']);
  });
});
