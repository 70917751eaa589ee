import type { TextRow } from '@memory/db';
import { StorageError } from '@memory/errors';

/**
 * One archived message as the database hands it to the exporter: the `messages_archive` columns
 * of the entity definition (`TextRow` of `@memory/db`), every value text exactly as PostgreSQL
 * renders it, so the export loses nothing: `embedding` is pgvector's literal (`[0.1,0.2]`,
 * shortest round-trip digits), timestamps are ISO 8601 in UTC with microseconds (a JavaScript
 * `Date` would drop them), `parts` and `metadata` their jsonb text (absent from rows read before
 * they existed).
 */
export type MessageExportRow = TextRow<
  'messages_archive',
  'id' | 'session_id' | 'role' | 'content' | 'model' | 'embedding' | 'created_at' | 'archived_at'
> &
  Partial<TextRow<'messages_archive', 'parts' | 'metadata'>>;

/**
 * One summary as the database hands it to the exporter (the `session_summaries` columns as text);
 * `summary_json` is the `jsonb` value's text, embedded verbatim (large numbers keep every digit).
 */
export type SummaryExportRow = TextRow<
  'session_summaries',
  'id' | 'session_id' | 'strategy' | 'strategy_version' | 'summary_text' | 'summary_json' | 'created_at'
>;

/** A message line of an export, parsed. */
export interface ExportedMessage {
  id: string;
  session_id: string;
  role: string;
  content: string;
  model: string | null;
  embedding: number[] | null;
  created_at: string;
  archived_at: string | null;
  /** The message's AI SDK parts; absent from lines of messages without them (and from older exports). */
  parts?: unknown[] | null;
  /** The message's metadata; absent when it had none. */
  metadata?: Record<string, unknown> | null;
}

/** A summary line of an export, parsed. */
export interface ExportedSummary {
  id: string;
  session_id: string;
  strategy: string;
  strategy_version: string | null;
  summary_text: string | null;
  summary_json: unknown;
  created_at: string;
}

const str = (value: string | null): string => (value === null ? 'null' : JSON.stringify(value));

function rawJson(value: string, what: string, id: string): string {
  // Values produced by PostgreSQL's own JSON and vector output; a cheap shape check here, the
  // full parse happens when the export is read back and verified.
  const first = value.trimStart()[0];
  if (first === undefined || !'[{"-0123456789tfn'.includes(first)) {
    throw new StorageError(`[memory/archive] ${what} of ${id} is not JSON text: report this as a bug`, {
      details: { id },
    });
  }
  return value;
}

/**
 * The JSONL line (without the newline) of one message: keys in table-column order, strings
 * escaped by `JSON.stringify`, non-ASCII kept as is, the embedding as a JSON array of numbers;
 * `parts` and `metadata` (jsonb text, verbatim) are added at the end only when set.
 *
 * @example
 * ```ts
 * encodeMessageLine({ id, session_id, role: 'user', content: '你好', model: null, embedding: '[1,2]',
 *   created_at: '2026-01-01T00:00:00.000001Z', archived_at: null });
 * // {"id":"…","session_id":"…","role":"user","content":"你好","model":null,"embedding":[1,2],…}
 * ```
 */
export function encodeMessageLine(row: MessageExportRow): string {
  const embedding = row.embedding === null ? 'null' : rawJson(row.embedding, 'embedding', row.id);
  return (
    `{"id":${str(row.id)},"session_id":${str(row.session_id)},"role":${str(row.role)},"content":${str(row.content)},` +
    `"model":${str(row.model)},"embedding":${embedding},"created_at":${str(row.created_at)},"archived_at":${str(row.archived_at)}` +
    // Only when set, so a message without them has the same line as before these columns existed.
    (row.parts === null || row.parts === undefined ? '' : `,"parts":${rawJson(row.parts, 'parts', row.id)}`) +
    (row.metadata === null || row.metadata === undefined
      ? ''
      : `,"metadata":${rawJson(row.metadata, 'metadata', row.id)}`) +
    '}'
  );
}

/** The JSONL line (without the newline) of one summary; `summary_json` embedded verbatim. */
export function encodeSummaryLine(row: SummaryExportRow): string {
  return (
    `{"id":${str(row.id)},"session_id":${str(row.session_id)},"strategy":${str(row.strategy)},` +
    `"strategy_version":${str(row.strategy_version)},"summary_text":${str(row.summary_text)},` +
    `"summary_json":${rawJson(row.summary_json, 'summary_json', row.id)},"created_at":${str(row.created_at)}}`
  );
}

type Check = (value: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string';
const isNullableString: Check = (v) => v === null || typeof v === 'string';
const isEmbedding: Check = (v) =>
  v === null || (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)));

const MESSAGE_FIELDS: Record<keyof ExportedMessage, Check> = {
  id: isString,
  session_id: isString,
  role: isString,
  content: isString,
  model: isNullableString,
  embedding: isEmbedding,
  created_at: isString,
  archived_at: isNullableString,
  parts: (v) => v === undefined || v === null || Array.isArray(v),
  metadata: (v) => v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v)),
};

const SUMMARY_FIELDS: Record<keyof ExportedSummary, Check> = {
  id: isString,
  session_id: isString,
  strategy: isString,
  strategy_version: isNullableString,
  summary_text: isNullableString,
  summary_json: (v) => v !== undefined,
  created_at: isString,
};

function parseLine<T>(line: string, fields: Record<string, Check>, where: string): T {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (cause) {
    throw new StorageError(`[memory/archive] ${where} is not JSON: the export is damaged; restore it from a backup`, {
      cause,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StorageError(
      `[memory/archive] ${where} is not a JSON object: the export is damaged; restore it from a backup`,
    );
  }
  for (const [name, check] of Object.entries(fields)) {
    if (!check((value as Record<string, unknown>)[name])) {
      throw new StorageError(
        `[memory/archive] ${where} has an invalid "${name}": the export is damaged; restore it from a backup`,
        {
          details: { field: name },
        },
      );
    }
  }
  return value as T;
}

/** Parses and checks one message line; `where` names it in errors. */
export function parseMessageLine(line: string, where = 'message line'): ExportedMessage {
  return parseLine<ExportedMessage>(line, MESSAGE_FIELDS, where);
}

/** Parses and checks one summary line; `where` names it in errors. */
export function parseSummaryLine(line: string, where = 'summary line'): ExportedSummary {
  return parseLine<ExportedSummary>(line, SUMMARY_FIELDS, where);
}

/** JSONL text of `lines`: each line followed by `\n` (empty text for no lines). */
export function joinJsonl(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** The lines of JSONL `text` (a final newline is optional; blank lines are refused). */
export function splitJsonl(text: string, where: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === '') {
      throw new StorageError(
        `[memory/archive] ${where} has a blank line ${i + 1}: the export is damaged; restore it from a backup`,
      );
    }
  });
  return lines;
}
