/** Exit codes of the `memory` CLI. */
export const EXIT = {
  OK: 0,
  /** The command ran and failed (database down, session not found, a doctor check failed). */
  FAILURE: 1,
  /** The command line was wrong (unknown command or option, bad argument, missing --yes). */
  USAGE: 2,
  /** Stopped by Ctrl-C / SIGTERM after finishing the current batch; rerun to resume. */
  INTERRUPTED: 130,
} as const;

/** An error that carries the exit code the CLI should end with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
