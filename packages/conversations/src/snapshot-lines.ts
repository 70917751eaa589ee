import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageError } from '@memory/errors';
import type { SqlClient } from './sql-client.js';
import type { StoreContext } from './store-context.js';

/** Writes the lines that make up a result; resolves when the reader wants more. */
export type EmitLine = (line: string) => Promise<void>;

/** Reads everything with `sql` and hands each line to `emit`, in order. */
export type LineProducer = (sql: SqlClient, emit: EmitLine) => Promise<void>;

/** Lines queued between the reading transaction and a slow consumer before the reading pauses. */
const QUEUE_LINES = 64;

/** Bytes of lines gathered before they are written to the PGlite spool file. */
const SPOOL_FLUSH_CHARS = 1 << 20;

/** The first statement of a snapshot read: every later statement sees the same committed data. */
const SNAPSHOT_SQL = 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY';

/**
 * Yields the lines `produce` emits, with every statement of `produce` seeing one snapshot of
 * the database, so rows that move between tables meanwhile (an archiver, a restore) are read
 * exactly once:
 *
 * - PostgreSQL: `produce` runs in one `REPEATABLE READ, READ ONLY` transaction held open while
 *   the lines are consumed (a small queue in between, so memory stays bounded). It holds one
 *   pooled connection until the consumer reaches the end or stops (`break`, `return()`, an
 *   error); a consumer that abandons the iterator without either keeps it.
 * - PGlite: one connection, so a transaction held while the consumer awaits other queries on the
 *   same database would wait for ever. Instead `produce` runs to the end in one transaction and
 *   the lines go to a spool file (mode 0600, in a fresh directory under the OS temp directory),
 *   which is then read back and removed when the iteration ends.
 * - Inside a caller's transaction (`db.scope`): `produce` reads in that transaction, which
 *   decides the snapshot (use REPEATABLE READ there for one snapshot across statements).
 */
export async function* snapshotLines(ctx: StoreContext, produce: LineProducer): AsyncGenerator<string> {
  if (ctx.db.em().isInTransaction()) {
    yield* handedOver((emit) => produce(ctx.sql, emit));
  } else if (ctx.db.kind === 'pglite') {
    yield* spooled((emit) =>
      ctx.sql.transaction(async (tx) => {
        await tx.query(SNAPSHOT_SQL);
        await produce(tx, emit);
      }),
    );
  } else {
    yield* handedOver((emit) =>
      ctx.sql.transaction(async (tx) => {
        await tx.query(SNAPSHOT_SQL);
        await produce(tx, emit);
      }),
    );
  }
}

/** Thrown into a producer whose consumer went away, to end (and roll back) its transaction. */
class ConsumerGone extends Error {}

/** Runs `run` alongside the consumer, passing lines through a queue of {@link QUEUE_LINES}. */
async function* handedOver(run: (emit: EmitLine) => Promise<void>): AsyncGenerator<string> {
  const queue: string[] = [];
  let finished = false;
  let failure: { error: unknown } | null = null;
  let gone = false;
  let wakeConsumer: (() => void) | null = null;
  let wakeProducer: (() => void) | null = null;
  const wake = (which: 'consumer' | 'producer') => {
    const fn = which === 'consumer' ? wakeConsumer : wakeProducer;
    if (which === 'consumer') wakeConsumer = null;
    else wakeProducer = null;
    fn?.();
  };

  const emit: EmitLine = async (line) => {
    if (gone) throw new ConsumerGone();
    queue.push(line);
    wake('consumer');
    while (queue.length >= QUEUE_LINES && !gone) await new Promise<void>((resolve) => (wakeProducer = resolve));
    if (gone) throw new ConsumerGone();
  };
  const running = run(emit)
    .then(
      () => void (finished = true),
      (error: unknown) => void (failure = { error }),
    )
    .finally(() => wake('consumer'));

  try {
    for (;;) {
      if (queue.length > 0) {
        const line = queue.shift()!;
        wake('producer');
        yield line;
        continue;
      }
      if (failure) throw (failure as { error: unknown }).error;
      if (finished) return;
      await new Promise<void>((resolve) => (wakeConsumer = resolve));
    }
  } finally {
    gone = true;
    wake('producer');
    // The transaction ends (committed, or rolled back by ConsumerGone) before the caller goes on.
    await running;
  }
}

/** A failure of the PGlite spool file (disk full, temp directory not writable), as a typed error. */
function spoolError(action: string, where: string, error: unknown): StorageError {
  const code = (error as { code?: string } | null)?.code;
  return new StorageError(
    `[memory/conversations] could not ${action} the export's spool file in ${where}${code ? ` (${code})` : ''}: check free space and permissions of the temp directory (TMPDIR)`,
    { cause: error, details: code ? { code } : {} },
  );
}

/** Runs `run` to the end with its lines going to a temp file, then yields them from it. */
async function* spooled(run: (emit: EmitLine) => Promise<void>): AsyncGenerator<string> {
  const dir = await mkdtemp(join(tmpdir(), 'memory-export-')).catch((error: unknown) => {
    throw spoolError('create', tmpdir(), error);
  });
  try {
    const file = join(dir, 'lines.jsonl');
    const handle = await open(file, 'ax', 0o600).catch((error: unknown) => {
      throw spoolError('create', dir, error);
    });
    try {
      let pending: string[] = [];
      let chars = 0;
      const flush = async () => {
        if (pending.length === 0) return;
        const text = pending.join('');
        pending = [];
        chars = 0;
        await handle.appendFile(text, 'utf8').catch((error: unknown) => {
          throw spoolError('write', dir, error);
        });
      };
      await run(async (line) => {
        pending.push(line);
        chars += line.length;
        if (chars >= SPOOL_FLUSH_CHARS) await flush();
      });
      await flush();
    } finally {
      await handle.close();
    }
    // Lines end with "\n" and hold no other newline (JSON escapes them inside strings).
    let rest = '';
    try {
      for await (const chunk of createReadStream(file, { encoding: 'utf8' })) {
        const parts = (rest + (chunk as string)).split('\n');
        rest = parts.pop()!;
        for (const part of parts) yield `${part}\n`;
      }
    } catch (error) {
      throw spoolError('read', dir, error);
    }
    if (rest !== '') yield rest;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
