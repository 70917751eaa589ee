import type { Readable, Writable } from 'node:stream';

/** The outside world of the CLI, passed in so tests can run it in-process too. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted on Ctrl-C: long commands stop after their current batch. */
  signal?: AbortSignal;
}

/** Writes `value` as one line of JSON on stdout (the `--json` output). */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes a line for people on stdout. */
export function printLine(io: CliIo, line = ''): void {
  io.stdout.write(`${line}\n`);
}
