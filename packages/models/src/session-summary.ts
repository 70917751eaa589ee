import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Session } from './session.js';
import { shardKeyOnCreate } from './shard-key.js';
import { validateBeforeWrite } from './storable.js';

/**
 * The shape the original application's context compressor writes to `summary_json`.
 * Every field is optional and extra fields are allowed.
 */
export interface SummaryJson {
  decision_points?: string[];
  todos?: string[];
  entities?: { files?: string[]; tools?: string[]; [key: string]: unknown };
  context_state?: string;
  code_snippets?: { language?: string; code?: string; purpose?: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

/** The MikroORM schema behind {@link SessionSummary}: register it (or use `memoryEntities`), or read its metadata. */
export const SessionSummarySchema = defineEntity({
  name: 'SessionSummary',
  tableName: 'session_summaries',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    session: () => p.manyToOne(Session).ref().fieldName('session_id').deleteRule('cascade'),
    strategy: p.string().length(64),
    strategyVersion: p.string().length(32).nullable(),
    summaryText: p.text().nullable(),
    summaryJson: p.json<SummaryJson>().columnType('jsonb'),
    createdAt: p
      .datetime()
      .columnType('timestamptz')
      .onCreate(() => new Date()),
    /** New: the distribution column on Citus, from the session id (docs/citus.md); unused on one server. */
    shardKey: p
      .integer()
      .fieldName('shard_key')
      .nullable()
      .onCreate((m: { session?: { id?: string } }) => shardKeyOnCreate(m.session?.id) as number),
  },
  indexes: [
    { name: 'ix_session_summaries_session_id', properties: ['session'] },
    { name: 'ix_session_summaries_session_id_created_at', properties: ['session', 'createdAt'] },
  ],
  hooks: { beforeCreate: [validateBeforeWrite], beforeUpdate: [validateBeforeWrite] },
});

/**
 * A structured summary of a session produced by context compression: table
 * `session_summaries`. Deleted with its session.
 *
 * @example
 * ```ts
 * em.create(SessionSummary, {
 *   session: id, strategy: 'context_compression_v2', summaryText: '…',
 *   summaryJson: { decision_points: [], todos: ['ship'] },
 * });
 * ```
 */
export class SessionSummary extends SessionSummarySchema.class {}
SessionSummarySchema.setClass(SessionSummary);
