import { createInterface } from 'node:readline/promises';
import type { CliIo } from './cli-io.js';

/**
 * Asks `question` on stderr and resolves `true` only when the answer read from stdin is exactly
 * `expected` (typing the user id, not just "y", guards against purging the wrong user). An
 * input that ends without an answer (a closed pipe, CI) means no.
 */
export async function confirm(io: CliIo, question: string, expected: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: Boolean(io.stdin.isTTY) });
  try {
    const closed = new Promise<null>((resolve) => rl.once('close', () => resolve(null)));
    const answer = await Promise.race([rl.question(question), closed]);
    return answer !== null && answer.trim() === expected;
  } finally {
    rl.close();
  }
}
