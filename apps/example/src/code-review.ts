import { randomUUID } from 'node:crypto';
import { Session } from '@memory/models';
import { defineEntity, p } from '@mikro-orm/core';

/** The verdict of a review, stored as jsonb. */
export interface ReviewVerdict {
  approved: boolean;
  notes?: string[];
}

/**
 * The application's own table beside the memory tables, as the original deployment had
 * (`code_reviews`): registered through `createMemoryDb({ entities })`, created by `initDb()`.
 */
export const CodeReviewSchema = defineEntity({
  name: 'CodeReview',
  tableName: 'code_reviews',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    // A review belongs to the conversation it came from: deleting the session (or purging its
    // user) removes it too. Archival keeps the session row, so reviews survive archival.
    session: () => p.manyToOne(Session).ref().deleteRule('cascade'),
    repo: p.string().length(256),
    pullRequest: p.integer().nullable(),
    verdict: p.json<ReviewVerdict>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A row of `code_reviews`. */
export class CodeReview extends CodeReviewSchema.class {}
CodeReviewSchema.setClass(CodeReview);
