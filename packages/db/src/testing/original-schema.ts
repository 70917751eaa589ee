import type { MemoryDb } from '../memory-db.js';

/**
 * The schema the original Python library (Memory-Base) creates, statement by statement, exactly
 * as its deployments have it: for tests that adopt such a database. No columns this library
 * added, no indexes beyond the original two.
 */
export function originalSchemaSql(embeddingDimensions = 1536): string[] {
  return [
    'create extension if not exists vector',
    `create table sessions (
      id uuid primary key,
      updated_at timestamptz not null,
      status smallint not null,
      title varchar(512) null,
      metadata jsonb null
    )`,
    `create table messages (
      id uuid primary key,
      session_id uuid not null references sessions (id) on delete cascade,
      role varchar(32) not null,
      content text not null,
      model varchar(128) null,
      embedding vector(${embeddingDimensions}) null,
      created_at timestamptz not null
    )`,
    'create index ix_messages_session_id on messages (session_id)',
    `create table session_summaries (
      id uuid primary key,
      session_id uuid not null references sessions (id) on delete cascade,
      strategy varchar(64) not null,
      strategy_version varchar(32) null,
      summary_text text null,
      summary_json jsonb not null,
      created_at timestamptz not null
    )`,
    'create index ix_session_summaries_session_id on session_summaries (session_id)',
    `create table messages_archive (
      id uuid primary key,
      session_id uuid not null,
      role text not null,
      content text not null,
      created_at timestamptz not null
    )`,
    `create table audit_logs (
      id uuid primary key,
      created_at timestamptz null,
      action varchar(64) not null,
      resource_type varchar(64) not null,
      resource_id text null,
      details jsonb null
    )`,
  ];
}

/** The columns of each original table, in order (what a test compares before and after adoption). */
export const ORIGINAL_COLUMNS = {
  sessions: ['id', 'updated_at', 'status', 'title', 'metadata'],
  messages: ['id', 'session_id', 'role', 'content', 'model', 'embedding', 'created_at'],
  session_summaries: ['id', 'session_id', 'strategy', 'strategy_version', 'summary_text', 'summary_json', 'created_at'],
  messages_archive: ['id', 'session_id', 'role', 'content', 'created_at'],
  audit_logs: ['id', 'created_at', 'action', 'resource_type', 'resource_id', 'details'],
} as const;

/**
 * Creates the original library's tables on a database that `db` is connected to but has not
 * initialized (`createDb({ init: false })`).
 */
export async function createOriginalSchema(db: MemoryDb, embeddingDimensions = 1536): Promise<void> {
  for (const sql of originalSchemaSql(embeddingDimensions)) await db.execute(sql);
}
