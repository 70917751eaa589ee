import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '@memory/errors';
import { Session, VectorType, validateBeforeWrite } from '@memory/models';
import { defineEntity, p } from '@mikro-orm/core';
import { expect, it } from 'vitest';
import { createOriginalSchema, describeEachDatabase } from './testing/index.js';

// An application's own table beside the memory tables, like the original's `code_reviews`.
const CodeReviewSchema = defineEntity({
  name: 'CodeReview',
  tableName: 'code_reviews',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    session: () => p.manyToOne(Session).ref().nullable().deleteRule('set null'),
    repo: p.text(),
    verdict: p.json<{ ok: boolean; notes?: string[] }>().nullable(),
    embedding: p.type(new VectorType(3)).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    // For Citus, where this table is distributed with the sessions (docs/citus.md): its session's shard key.
    shardKey: p
      .integer()
      .fieldName('shard_key')
      .nullable()
      .onCreate((r: { session?: { id?: string } | null }) =>
        r.session?.id ? Number.parseInt(r.session.id.slice(-4), 16) : (null as unknown as number),
      ),
  },
  hooks: { beforeCreate: [validateBeforeWrite], beforeUpdate: [validateBeforeWrite] },
});
class CodeReview extends CodeReviewSchema.class {}
CodeReviewSchema.setClass(CodeReview);

describeEachDatabase('application entities', (ctx) => {
  it('registers beside the memory entities; initDb creates their tables and they work in a scope', async () => {
    const db = await ctx.createDb({ entities: [CodeReviewSchema] });
    const ids = await db.scope(async (em) => {
      const session = em.create(Session, { title: 'review' });
      const review = em.create(CodeReview, {
        session,
        repo: 'org/仓库',
        verdict: { ok: true, notes: ['好'] },
        embedding: [1, 2, 3],
      });
      db.logAudit(em, { action: 'create_code_review', resourceType: 'code_review', resourceId: review.id });
      return { session: session.id, review: review.id };
    });
    const review = await db.fork().findOneOrFail(CodeReview, ids.review);
    expect(review).toMatchObject({ repo: 'org/仓库', verdict: { ok: true, notes: ['好'] }, embedding: [1, 2, 3] });
    expect(review.session?.id).toBe(ids.session);

    // The app's own vector column keeps its own dimension, whatever the deployment's.
    await expect(db.scope(async (em) => void em.create(CodeReview, { repo: 'x', embedding: [1, 2] }))).rejects.toThrow(
      /CodeReview\.embedding has 2 dimensions but this deployment stores 3/,
    );
    // The same write checks as the memory entities, through the shared hook.
    await expect(db.scope(async (em) => void em.create(CodeReview, { repo: 'a\u0000' }))).rejects.toSatisfy(
      (e) => InvalidInputError.isInstance(e) && (e as Error).message.includes('CodeReview.repo'),
    );

    // A second initDb leaves the app table and its rows alone.
    await db.initDb();
    expect(await db.fork().count(CodeReview, {})).toBe(1);
  });

  it('leaves an existing app table of the original deployment as it is', async () => {
    const db = await ctx.createDb({ init: false, entities: [CodeReviewSchema] });
    await createOriginalSchema(db);
    await db.execute('create extension if not exists vector');
    await db.execute(
      'create table code_reviews (id uuid primary key, session_id uuid null references sessions (id) on delete set null, repo text not null, verdict jsonb null, embedding vector(3) null, created_at timestamptz not null)',
    );
    const id = randomUUID();
    await db.execute('insert into code_reviews (id, repo, verdict, created_at) values (?, ?, ?, ?)', [
      id,
      'old/repo',
      '{"ok":false}',
      '2025-01-01T00:00:00Z',
    ]);
    await db.initDb();
    expect(await db.execute('select id::text, repo, verdict::text, created_at::text from code_reviews')).toEqual([
      { id, repo: 'old/repo', verdict: '{"ok": false}', created_at: expect.stringMatching(/^2025-01-01/) },
    ]);
  });
});
