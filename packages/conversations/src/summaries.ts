import { InvalidInputError } from '@memory/errors';
import { newId, normalizeUuid } from './ids.js';
import { sql } from '@memory/db';
import { sessionRoute, shardKeyValue, shardOn } from './shard-route.js';
import { isPlainObject } from './json-value.js';
import { summaryColumns, toSummary, type SummaryRow } from './rows.js';
import { sessionNotFound } from './sessions.js';
import type { StoreContext } from './store-context.js';
import { parseSummaryJson } from './summary-schema.js';
import type { NewSummary, SummaryRecord } from './types.js';
import { checkLimit, checkOptionalText, checkText } from './validate.js';
import { assertJsonValue } from './json-value.js';

/** Page size of {@link listSummaries} when none is given. */
const DEFAULT_SUMMARY_PAGE = 20;
/** The largest {@link listSummaries} page. */
const MAX_SUMMARY_PAGE = 200;

export async function saveSummary(ctx: StoreContext, sessionId: string, input: NewSummary): Promise<SummaryRecord> {
  const session = normalizeUuid(sessionId, 'sessionId');
  if (!isPlainObject(input))
    throw new InvalidInputError(
      '[memory/conversations] saveSummary takes an object { strategy, strategyVersion?, text?, json }',
    );
  const id = input.id === undefined || input.id === null ? newId() : normalizeUuid(input.id, 'id');
  const strategy = checkText(input.strategy, 'strategy', { max: 64 });
  const strategyVersion = checkOptionalText(input.strategyVersion, 'strategyVersion', { max: 32, allowEmpty: true });
  const text = checkOptionalText(input.text, 'text', { allowEmpty: true });
  const json = parseSummaryJson(input.json);
  assertJsonValue(json, 'json');
  // INSERT ... SELECT from sessions: a missing session inserts nothing instead of failing on the foreign key.
  const route = sessionRoute(session, await ctx.distributed());
  const rows = await ctx.sql.query<SummaryRow>(
    sql`INSERT INTO session_summaries AS ss (id, session_id, strategy, strategy_version, summary_text, summary_json, created_at, shard_key)
SELECT ${id}::uuid, s.id, ${strategy}, ${strategyVersion}, ${text}, ${JSON.stringify(json)}::jsonb, clock_timestamp(), ${shardKeyValue(route)} FROM sessions s WHERE s.id = ${session}::uuid${shardOn(route, 's')}
RETURNING ${sql.raw(summaryColumns('ss'))}`,
  );
  if (rows.length === 0) throw sessionNotFound(session);
  return toSummary(rows[0]!);
}

export async function listSummaries(
  ctx: StoreContext,
  sessionId: string,
  options: { limit?: number } = {},
): Promise<SummaryRecord[]> {
  const session = normalizeUuid(sessionId, 'sessionId');
  const limit = checkLimit(options.limit, 'limit', DEFAULT_SUMMARY_PAGE, MAX_SUMMARY_PAGE);
  const route = sessionRoute(session, await ctx.distributed());
  const rows = await ctx.sql.query<SummaryRow & { id: string | null }>(
    sql`SELECT p.* FROM sessions s
LEFT JOIN LATERAL (
  SELECT ${sql.raw(summaryColumns('ss'))} FROM session_summaries ss
  WHERE ss.session_id = s.id${shardOn(route, 'ss')} ORDER BY ss.created_at DESC, ss.id DESC LIMIT ${limit}
) p ON true
WHERE s.id = ${session}::uuid${shardOn(route, 's')}`,
  );
  if (rows.length === 0) throw sessionNotFound(session);
  return rows.filter((row) => row.id !== null).map((row) => toSummary(row));
}

export async function latestSummary(ctx: StoreContext, sessionId: string): Promise<SummaryRecord | null> {
  return (await listSummaries(ctx, sessionId, { limit: 1 }))[0] ?? null;
}
