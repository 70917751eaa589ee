import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { ALLOW_AUDIT_PURGE_SQL, type MemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { DatabaseError, InvalidInputError } from '@memory/errors';
import { InMemoryLongTermStorage, profileKey } from '@memory/longterm-core';
import { createConversationStore, purgeRecordId, type ConversationStore } from '@memory/conversations';

/** The audit action `purgeUser` writes, as the conversations README documents it. */
const PURGE_USER_ACTION = 'purge_user';

/** The purge-record key of these tests (a deployment keeps its own in a secret store). */
const RECORD_KEY = 'audit-suite-record-key-0123456789abcdef';

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
}

function expectRefused(error: unknown, op: 'UPDATE' | 'DELETE'): void {
  expect(DatabaseError.isInstance(error)).toBe(true);
  const e = error as DatabaseError;
  expect(e.message).toContain(`audit_logs is append-only: ${op} refused`);
  expect(e.details).toMatchObject({ code: '42501' });
}

const count = async (db: MemoryDb, where: string, values: unknown[] = []) =>
  Number((await db.execute<{ n: number }>(`select count(*)::int as n from audit_logs where ${where}`, values))[0]!.n);

describeEachDatabase('audit_logs is append-only at the database level', (ctx) => {
  let db: MemoryDb;
  let store: ConversationStore;

  beforeAll(async () => {
    db = await ctx.createDb({ embeddingDimensions: 3 });
    store = createConversationStore(db, { actor: 'reliability-suite' });
  });

  async function seed(userId: string): Promise<string> {
    const s = await store.createSession({ userId, title: `secret title of ${userId}` });
    await store.appendMessages(s.id, [{ role: 'user', content: `secret content of ${userId}` }]);
    const doomed = await store.createSession({ userId });
    await store.deleteSession(doomed.id); // writes a delete_session audit row naming the user
    await db.scope(async (em) => {
      db.logAudit(em, { action: 'login', resourceType: 'account', actor: userId, details: { ip: '10.0.0.1' } });
      db.logAudit(em, { action: 'rename_session', resourceType: 'session', resourceId: s.id });
    });
    return s.id;
  }

  it('refuses UPDATE of any audit row, with a typed error, and changes nothing', async () => {
    await seed(`upd-${ctx.kind}`);
    const before = await db.execute('select id, action, actor, details from audit_logs order by id');
    expectRefused(await failure(db.execute(`update audit_logs set action = 'forged'`)), 'UPDATE');
    expectRefused(
      await failure(db.execute(`update audit_logs set details = '{}' where actor = ?`, [`upd-${ctx.kind}`])),
      'UPDATE',
    );
    expect(await db.execute('select id, action, actor, details from audit_logs order by id')).toEqual(before);
  });

  it('refuses DELETE outside a purge, also inside a transaction', async () => {
    await seed(`del-${ctx.kind}`);
    const before = await count(db, 'true');
    expectRefused(await failure(db.execute('delete from audit_logs')), 'DELETE');
    expectRefused(
      await failure(db.transaction((tx) => tx.query('delete from audit_logs where actor = $1', [`del-${ctx.kind}`]))),
      'DELETE',
    );
    expect(await count(db, 'true')).toBe(before);
  });

  it('does not leave the purge permission on a pooled connection after the transaction ends', async () => {
    await seed(`leak-${ctx.kind}`);
    // The setting is transaction-local: after a committing transaction that set it, and after a
    // statement that set it outside any transaction block, a plain DELETE is refused again.
    await db.transaction((tx) => tx.query(ALLOW_AUDIT_PURGE_SQL));
    await db.execute(ALLOW_AUDIT_PURGE_SQL);
    for (let i = 0; i < 4; i++) {
      expectRefused(
        await failure(db.execute('delete from audit_logs where actor = ?', [`leak-${ctx.kind}`])),
        'DELETE',
      );
    }
    expect(await count(db, 'actor = ?', [`leak-${ctx.kind}`])).toBe(1);
  });

  it('lets purgeUser remove the user’s audit rows, leaving one purge record that names no personal data', async () => {
    const userId = `purge-${ctx.kind}@example.com`;
    const other = `bystander-${ctx.kind}`;
    const storage = new InMemoryLongTermStorage();
    const sessionId = await seed(userId);
    await seed(other);
    await storage.putObject(profileKey(userId), JSON.stringify({ user_id: userId, traits: { city: 'Paris' } }));
    // A record of an earlier purge in the old form (resource_id = the user id), as rows written
    // before this change hold: the new purge replaces it.
    await db.execute(
      `insert into audit_logs (id, action, resource_type, resource_id, actor, details, created_at) values (?, ?, 'user', ?, 'old-job', '{"sessions": 0}', now())`,
      [randomUUID(), PURGE_USER_ACTION, userId],
    );
    const otherRows = await count(db, `actor = ? or details ->> 'userId' = ?`, [other, other]);
    expect(
      await count(db, `actor = ? or details ->> 'userId' = ? or resource_id = ?`, [userId, userId, sessionId]),
    ).toBe(3);

    const result = await store.purgeUser(userId, { longTermStorage: storage, recordKey: RECORD_KEY });
    expect(result).toMatchObject({ sessions: 1, messages: 1, auditLogs: 3, longTermObjects: 1 });

    // Nothing anywhere in the audit log names the user: not the id, nor the session, title, content or trait.
    const everything = JSON.stringify(await db.execute('select * from audit_logs'));
    for (const personal of [userId, sessionId, `secret title of ${userId}`, `secret content of ${userId}`, 'Paris']) {
      expect(everything).not.toContain(personal);
    }
    // The record: found again only by whoever holds the key; its details are counts only.
    const recordId = purgeRecordId(userId, RECORD_KEY);
    expect(recordId).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    const rows = await db.execute<{ resource_type: string; actor: string | null; details: Record<string, unknown> }>(
      'select resource_type, actor, details from audit_logs where action = ? and resource_id = ?',
      [PURGE_USER_ACTION, recordId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      resource_type: 'user',
      actor: 'reliability-suite',
      details: { ...result, replacedRecords: 1 },
    });
    expect(Object.values(rows[0]!.details).every((v) => typeof v === 'number')).toBe(true);
    expect(purgeRecordId(userId, `${RECORD_KEY}x`)).not.toBe(recordId);
    expect(await db.execute('select 1 from sessions where user_id = ?', [userId])).toHaveLength(0);
    expect(await storage.headObject(profileKey(userId))).toBeNull();
    // The bystander's rows are untouched, and the purge record itself cannot be removed afterwards.
    expect(await count(db, `actor = ? or details ->> 'userId' = ?`, [other, other])).toBe(otherRows);
    expectRefused(
      await failure(
        db.execute('delete from audit_logs where action = ? and resource_id = ?', [PURGE_USER_ACTION, recordId]),
      ),
      'DELETE',
    );
    // A second purge removes nothing more and adds one more record under the same keyed id.
    expect(await store.purgeUser(userId, { longTermStorage: storage, recordKey: RECORD_KEY })).toMatchObject({
      sessions: 0,
      auditLogs: 0,
    });
    expect(await count(db, 'action = ? and resource_id = ?', [PURGE_USER_ACTION, recordId])).toBe(2);
  });

  it('writes a purge record without any id when no key is given, and without the actor when the user purges themself', async () => {
    const userId = `self-${ctx.kind}`;
    await seed(userId);
    const before = await count(db, 'action = ? and resource_id is null and actor is null', [PURGE_USER_ACTION]);
    await store.purgeUser(userId, { longTermStorage: null, actor: userId });
    expect(JSON.stringify(await db.execute('select * from audit_logs'))).not.toContain(userId);
    expect(await count(db, 'action = ? and resource_id is null and actor is null', [PURGE_USER_ACTION])).toBe(
      before + 1,
    );
    // A short key is refused before anything is removed.
    const kept = `short-key-${ctx.kind}`;
    await seed(kept);
    await expect(store.purgeUser(kept, { longTermStorage: null, recordKey: 'too short' })).rejects.toSatisfy(
      (e) => InvalidInputError.isInstance(e) && /recordKey must be .* at least 32 bytes/.test((e as Error).message),
    );
    expect(await db.execute('select 1 from sessions where user_id = ?', [kept])).toHaveLength(1);
  });

  it('installs the trigger through the migration (it is in the catalog after initDb)', async () => {
    const rows = await db.execute<{ tgname: string }>(
      `select tgname from pg_trigger where tgrelid = 'audit_logs'::regclass and not tgisinternal`,
    );
    expect(rows.map((r) => r.tgname)).toEqual(['tr_audit_logs_append_only']);
  });
});
