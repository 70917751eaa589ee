import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { distributeMemorySchema, type MemoryDb } from '@memory/db';
import { printJson, printLine, type CliIo } from './cli-io.js';

/** Runs `fn` with the command's database (migrated first) and whether `--json` was given. */
export type WithDb = <T>(cmd: Command, fn: (db: MemoryDb, json: boolean) => Promise<T>) => Promise<T>;

function parseShardCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64000) {
    throw new InvalidArgumentError(`--shard-count must be an integer from 1 to 64000, got ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * Adds `memory citus distribute`: runs the memory migrations, then converts the database on a Citus
 * coordinator to the distributed layout (`distributeMemorySchema`, see docs/citus.md). Safe to rerun:
 * tables already distributed are left as they are.
 */
export function registerCitusCommands(program: Command, io: CliIo, withDb: WithDb): void {
  const citus = program.command('citus').description('run on a Citus cluster (see docs/citus.md)');
  citus
    .command('distribute')
    .description(
      'migrate, then distribute the memory tables on the Citus coordinator named by the database URL (safe to rerun)',
    )
    .option(
      '--shard-count <n>',
      'shards of the session tables on a first distribution (default: citus.shard_count)',
      parseShardCount,
    )
    .option(
      '--colocate <tables...>',
      'your own tables with a foreign key to sessions, distributed with them (your code must then write their shard_key)',
    )
    .action(async (opts: { shardCount?: number; colocate?: string[] }, cmd: Command) => {
      await withDb(cmd, async (db, json) => {
        await db.initDb();
        const report = await distributeMemorySchema(db, {
          ...(opts.shardCount === undefined ? {} : { shardCount: opts.shardCount }),
          ...(opts.colocate ? { colocatedTables: opts.colocate } : {}),
        });
        if (json) printJson(io, { database: db.url, ...report });
        else {
          printLine(io, `database ${db.url}: distributed layout ready`);
          printLine(io, `distributed now: ${report.distributed.join(', ') || 'none'}`);
          printLine(io, `already distributed: ${report.alreadyDistributed.join(', ') || 'none'}`);
          const filled = Object.entries(report.backfilled).filter(([, n]) => n > 0);
          if (filled.length > 0) printLine(io, `shard keys filled: ${filled.map(([t, n]) => `${t} ${n}`).join(', ')}`);
          printLine(io, `left local: ${report.leftLocal.join(', ') || 'none'}`);
        }
      });
    });
}
