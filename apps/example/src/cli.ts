#!/usr/bin/env node
/**
 * The `memory` command line: `memory --help`. Ctrl-C stops a long command after its current
 * batch (a second Ctrl-C quits at once).
 */
import { runCli } from './cli/program.js';
import { EXIT } from './cli/exit-codes.js';

const ac = new AbortController();
const onSignal = (signal: NodeJS.Signals) => {
  if (ac.signal.aborted) process.exit(EXIT.INTERRUPTED);
  process.stderr.write(`\n${signal}: stopping after the current batch (again to quit now)\n`);
  ac.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  signal: ac.signal,
});
// Let stdout drain (a piped export) before leaving.
process.exitCode = code;
process.stdin.unref?.();
