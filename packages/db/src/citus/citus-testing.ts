import { afterAll, beforeAll, describe } from 'vitest';
import type { MemoryDb } from '../memory-db.js';
import { CITUS_TEST_URL_ENV, createCitusScratchDatabase } from './citus-scratch.js';
import { distributeMemorySchema } from './distribute.js';

interface EngineContext {
  prepare(snapshots: readonly (number | 'empty')[]): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * The Citus engine of `describeEachDatabase`: declares `name [citus]` when `MEMORY_TEST_CITUS_URL`
 * names a coordinator (skipped with the reason otherwise). Each database the suite makes is a
 * fresh database on every node (see {@link createCitusScratchDatabase}), migrated, then converted
 * by `distributeMemorySchema`. The context reports `kind: 'postgres'`: to the code under test a
 * Citus coordinator is a PostgreSQL server.
 */
export const citusEngine = {
  declare<C extends EngineContext>(
    name: string,
    fn: (ctx: C) => void,
    makeContext: (adminUrl: string | undefined) => C,
  ): void {
    const url = process.env[CITUS_TEST_URL_ENV];
    if (!url) {
      describe.skip(`${name} [citus] (set ${CITUS_TEST_URL_ENV} to run)`, () => fn(makeContext(undefined)));
      return;
    }
    describe(`${name} [citus]`, () => {
      const ctx = makeContext(url);
      beforeAll(() => ctx.prepare([]), 120_000);
      afterAll(() => ctx.dispose(), 120_000);
      fn(ctx);
    });
  },
  scratch: createCitusScratchDatabase,
  distribute: async (db: MemoryDb): Promise<void> => {
    // A suite's own tables that reference sessions join the session group, as an operator would
    // ask with `memory citus distribute --colocate` (their writers must then write shard_key).
    const referencing = await db.query<{ t: string }>(
      `select distinct conrelid::regclass::text as t from pg_constraint
        where contype = 'f' and confrelid = 'sessions'::regclass
          and conrelid::regclass::text not in ('messages', 'session_summaries', 'messages_archive')`,
    );
    await distributeMemorySchema(db, { colocatedTables: referencing.map((r) => r.t) });
  },
};
