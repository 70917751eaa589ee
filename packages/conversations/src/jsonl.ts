import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';

/**
 * One JSON value as a JSONL line: `JSON.stringify` plus `\n`. Non-ASCII text stays as it is
 * (UTF-8 when written), `Date`s become ISO strings.
 */
export function toJsonlLine(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('[memory/conversations] cannot write undefined as a JSONL line');
  return `${text}\n`;
}

/** Options of {@link pipeJsonl}. */
export interface PipeJsonlOptions {
  /** End `destination` when the lines are done (default `true`); `false` to keep writing to it. */
  end?: boolean;
  /** Stops the copy (and the source's queries) when aborted. */
  signal?: AbortSignal;
}

/**
 * Writes every line of `lines` to `destination` (a file, an HTTP response...), waiting for the
 * destination to drain when its buffer is full, so a large export never piles up in memory.
 * Resolves when everything is written; rejects, and stops reading `lines`, when either side fails.
 *
 * @example
 * ```ts
 * await pipeJsonl(store.exportUser('u123'), fs.createWriteStream('u123.jsonl'));
 * ```
 */
export async function pipeJsonl(
  lines: AsyncIterable<string>,
  destination: Writable,
  options: PipeJsonlOptions = {},
): Promise<void> {
  await pipeline(lines, destination, {
    end: options.end ?? true,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
