import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigurationError, ConflictError, InvalidInputError, MemoryError, redactUrl } from '@memory/errors';
import { validateUserId } from '@memory/longterm-core';
import { createApiKey, listApiKeys, revokeApiKey } from '../api-keys.js';
import { loadConfig, type AppConfig } from '../config.js';
import { checkDatabase, checkMigrations, checkPgvector, checkStorage, type CheckResult } from '../health-checks.js';
import { openMemoryServices, type MemoryServices } from '../memory-services.js';
import { printJson, printLine, type CliIo } from './cli-io.js';
import { registerCitusCommands } from './citus-command.js';
import { confirm } from './confirm.js';
import { registerMcpCommand } from './mcp-command.js';
import { CliError, EXIT } from './exit-codes.js';
import { createProgressReporter, formatDuration } from './progress-bar.js';

interface GlobalOptions {
  json?: boolean;
  databaseUrl?: string;
  storageUrl?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseDate(value: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new InvalidArgumentError(`not a date: ${value} (use ISO 8601, e.g. 2026-01-31T00:00:00Z)`);
  return d;
}

function parseBatchSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InvalidArgumentError('must be an integer from 1 to 10000');
  return n;
}

function parseSessionId(value: string): string {
  if (!UUID.test(value)) throw new InvalidArgumentError('must be a session id (a UUID)');
  return value;
}

function parseUserId(value: string): string {
  try {
    validateUserId(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
  return value;
}

/**
 * Builds the `memory` command line. Every action resolves to an exit code; nothing calls
 * `process.exit` here, so the program runs in tests too.
 */
function createProgram(io: CliIo): { program: Command; exitCode: () => number } {
  let code: number = EXIT.OK;
  const program = new Command('memory')
    .description('Operate a memory deployment: schema, archive, restore, per-user export and purge, checks.')
    .option('--json', 'print results as JSON on stdout')
    .option('--database-url <url>', 'database (default: DATABASE_URL, else embedded PGlite under .data/)')
    .option('--storage-url <url>', 'long-term storage (default: MEMORY_STORAGE_URL, else file storage under .data/)')
    .showHelpAfterError('(run memory --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const configOf = (cmd: Command): { config: AppConfig; json: boolean } => {
    const opts = cmd.optsWithGlobals<GlobalOptions>();
    const base = loadConfig(io.env, io.cwd);
    return {
      json: Boolean(opts.json),
      config: {
        ...base,
        demoData: false,
        ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
        ...(opts.storageUrl ? { storageUrl: opts.storageUrl } : {}),
      },
    };
  };

  const withServices = async <T>(
    cmd: Command,
    init: boolean,
    fn: (services: MemoryServices, json: boolean) => Promise<T>,
  ): Promise<T> => {
    const { config, json } = configOf(cmd);
    const services = await openMemoryServices(config, { init, actor: 'memory-cli' });
    try {
      return await fn(services, json);
    } finally {
      await services.close();
    }
  };

  const initDb = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .action(async (_opts, cmd: Command) => {
        await withServices(cmd, false, async (services, json) => {
          const before = new Set((await services.db.orm.migrator.getExecuted()).map((m) => m.name));
          await services.db.initDb();
          const after = (await services.db.orm.migrator.getExecuted()).map((m) => m.name);
          const applied = after.filter((m) => !before.has(m));
          if (json) printJson(io, { database: services.db.url, applied, migrations: after });
          else {
            printLine(io, `database ${services.db.url}: schema ready`);
            printLine(
              io,
              applied.length > 0 ? `applied: ${applied.join(', ')}` : `up to date (${after.length} migrations)`,
            );
          }
        });
      });
  initDb('init-db', 'create the vector extension, run the memory migrations and create the app tables (safe to rerun)');
  initDb('migrate', 'same as init-db: bring the schema of an existing database up to date');
  registerCitusCommands(program, io, (cmd, fn) => withServices(cmd, false, (s, json) => fn(s.db, json)));

  const archive = program.command('archive').description('the hot -> cold -> deep -> deleted lifecycle');
  archive
    .command('plan')
    .description('count what a run would move, per tier (changes nothing)')
    .addOption(new Option('--now <date>', 'apply the policy at this time').argParser(parseDate))
    .action(async (opts: { now?: Date }, cmd: Command) => {
      await withServices(cmd, true, async ({ archiver }, json) => {
        const plan = await archiver.planArchive(opts.now ? { now: opts.now } : {});
        if (json) printJson(io, { policy: archiver.policy, ...plan });
        else {
          const p = archiver.policy;
          printLine(
            io,
            `policy: cold after ${p.coldAfterDays} days, deep after ${p.deepAfterDays}, deleted after ${p.deleteAfterDays}`,
          );
          printLine(io, `hot -> cold:  ${plan.cold.sessions} sessions, ${plan.cold.messages} messages`);
          printLine(io, `-> deep:      ${plan.deep.sessions} sessions, ${plan.deep.messages} messages`);
          printLine(io, `-> deleted:   ${plan.deleted.sessions} sessions, ${plan.deleted.messages} messages`);
        }
      });
    });
  archive
    .command('run')
    .description('run the lifecycle once; Ctrl-C stops after the current batch and a rerun resumes')
    .addOption(new Option('--now <date>', 'apply the policy at this time').argParser(parseDate))
    .addOption(new Option('--batch-size <n>', 'sessions per hot -> cold transaction').argParser(parseBatchSize))
    .action(async (opts: { now?: Date; batchSize?: number }, cmd: Command) => {
      await withServices(cmd, true, async ({ archiver }, json) => {
        const reporter = createProgressReporter(io.stderr);
        const result = await archiver.runArchive({
          ...(opts.now ? { now: opts.now } : {}),
          ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
          ...(io.signal ? { signal: io.signal } : {}),
          onProgress: (p) => reporter.update(p),
        });
        reporter.finish();
        if (json) printJson(io, result);
        else {
          printLine(io, `cold: ${result.cold.sessions} sessions (${result.cold.messages} messages)`);
          printLine(io, `deep: ${result.deep.sessions} sessions (${result.deep.messages} messages)`);
          printLine(io, `deleted: ${result.deleted.sessions} sessions (${result.deleted.messages} messages)`);
          printLine(io, `${result.aborted ? 'stopped' : 'done'} in ${formatDuration(result.durationMs)}`);
        }
        if (result.aborted) {
          io.stderr.write('interrupted after the current batch: rerun `memory archive run` to resume\n');
          code = EXIT.INTERRUPTED;
        }
      });
    });

  const keys = program
    .command('keys')
    .description('API keys of the service: create, list, revoke (also while the service runs)');
  keys
    .command('create')
    .description('create a key (printed once; only its hash is stored): --admin, or --user <id> for one user')
    .requiredOption('--name <name>', 'a name for the key, recorded as the actor of its writes')
    .addOption(new Option('--user <id>', 'bind the key to this user id').argParser(parseUserId))
    .option('--admin', 'an admin key: every user and the archive')
    .action(async (opts: { name: string; user?: string; admin?: boolean }, cmd: Command) => {
      if (Boolean(opts.user) === Boolean(opts.admin)) {
        throw new CliError('give exactly one of --admin and --user <id>', EXIT.USAGE);
      }
      await withServices(cmd, true, async ({ db }, json) => {
        const { key, info } = await createApiKey(db, { name: opts.name, userId: opts.user ?? null });
        if (json) printJson(io, { key, ...info });
        else {
          printLine(io, key);
          io.stderr.write(
            `created ${info.kind} key ${info.name}${info.userId ? ` for user ${info.userId}` : ''}: copy it now, it is not shown again\n`,
          );
        }
      });
    });
  keys
    .command('list')
    .description('every key: name, kind, user, created, revoked (never the key)')
    .action(async (_opts, cmd: Command) => {
      await withServices(cmd, true, async ({ db }, json) => {
        const all = await listApiKeys(db);
        if (json) printJson(io, { keys: all });
        else if (all.length === 0) printLine(io, 'no keys: the service is open (MEMORY_AUTH=auto)');
        else
          for (const k of all)
            printLine(
              io,
              `${k.name.padEnd(20)} ${k.kind.padEnd(5)} ${(k.userId ?? '-').padEnd(16)} ${k.prefix}… ${k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'}`,
            );
      });
    });
  keys
    .command('revoke')
    .description('revoke a key by name (takes effect on the next request)')
    .argument('<name>', 'the key name')
    .action(async (name: string, _opts, cmd: Command) => {
      await withServices(cmd, true, async ({ db }, json) => {
        const info = await revokeApiKey(db, name);
        if (json) printJson(io, info);
        else printLine(io, `revoked ${info.name}`);
      });
    });

  program
    .command('restore')
    .description('bring a cold or deep session back to active')
    .argument('<session>', 'the session id', parseSessionId)
    .action(async (sessionId: string, _opts, cmd: Command) => {
      await withServices(cmd, true, async ({ archiver }, json) => {
        const { cleanupError, ...result } = await archiver.restoreSession(sessionId);
        if (json) printJson(io, { ...result, cleanupFailed: cleanupError !== undefined });
        else if (result.from === 'hot') printLine(io, `session ${sessionId} is already active: nothing to do`);
        else
          printLine(
            io,
            `restored ${sessionId} from ${result.from}: ${result.messages} messages, ${result.summaries} summaries`,
          );
        if (cleanupError)
          io.stderr.write(`warning: the export objects of ${sessionId} could not be removed; they are harmless\n`);
      });
    });

  program
    .command('export-user')
    .description('write everything of a user as JSONL (sessions, messages, summaries, archive, audit)')
    .argument('<id>', 'the user id', parseUserId)
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--include-embeddings', 'include message embeddings (large)')
    .action(async (userId: string, opts: { output?: string; includeEmbeddings?: boolean }, cmd: Command) => {
      await withServices(cmd, true, async ({ store }, json) => {
        if (!opts.output) {
          await store.exportUserTo(userId, io.stdout, {
            end: false,
            includeEmbeddings: Boolean(opts.includeEmbeddings),
          });
          return;
        }
        let end: { counts?: Record<string, number> } = {};
        const file = createWriteStream(opts.output);
        for await (const line of store.exportUser(userId, { includeEmbeddings: Boolean(opts.includeEmbeddings) })) {
          if (line.startsWith('{"type":"end"')) end = JSON.parse(line);
          if (!file.write(line)) await once(file, 'drain');
        }
        file.end();
        await finished(file);
        if (json) printJson(io, { userId, file: opts.output, counts: end.counts ?? null });
        else
          printLine(
            io,
            `exported ${userId} to ${opts.output}: ${Object.entries(end.counts ?? {})
              .map(([k, v]) => `${v} ${k}`)
              .join(', ')}`,
          );
      });
    });

  program
    .command('purge-user')
    .description(
      'delete everything of a user: sessions, messages, summaries, archive, audit rows naming them, profile, knowledge',
    )
    .argument('<id>', 'the user id', parseUserId)
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (userId: string, opts: { yes?: boolean }, cmd: Command) => {
      if (!opts.yes) {
        const ok = await confirm(
          io,
          `This deletes everything of user "${userId}" and cannot be undone.\nType the user id to confirm: `,
          userId,
        );
        if (!ok)
          throw new CliError('not confirmed: nothing was deleted (pass --yes to skip the question)', EXIT.FAILURE);
      }
      await withServices(cmd, true, async ({ store, storage }, json) => {
        const result = await store.purgeUser(userId, { longTermStorage: storage });
        if (json) printJson(io, { userId, ...result });
        else
          printLine(
            io,
            `purged ${userId}: ${Object.entries(result)
              .map(([k, v]) => `${v} ${k}`)
              .join(', ')}`,
          );
      });
    });

  program
    .command('doctor')
    .description('check the database, pgvector, migrations and storage, and say what to fix')
    .action(async (_opts, cmd: Command) => {
      const { config, json } = configOf(cmd);
      const checks: Record<string, CheckResult> = {};
      let services: MemoryServices | null = null;
      try {
        services = await openMemoryServices(config, { init: false, actor: 'memory-cli' });
      } catch (error) {
        checks.configuration = {
          ok: false,
          detail: error instanceof Error ? error.message : String(error),
          fix: ConflictError.isInstance(error)
            ? 'another process has the embedded database open without sharing it: wait for it to finish, or stop it; a running service (npm start) shares it and needs nothing'
            : 'fix DATABASE_URL / MEMORY_STORAGE_URL / MEMORY_EMBEDDING_*',
          ms: 0,
        };
      }
      if (services) {
        try {
          checks.database = await checkDatabase(services.db);
          if (checks.database.ok) {
            checks.pgvector = await checkPgvector(services.db);
            checks.migrations = await checkMigrations(services.db);
          }
          checks.storage = await checkStorage(services.storage, redactUrl(config.storageUrl));
        } finally {
          await services.close().catch(() => undefined);
        }
      }
      const ok = Object.values(checks).every((c) => c.ok);
      if (json) printJson(io, { ok, checks });
      else {
        for (const [name, c] of Object.entries(checks)) {
          printLine(io, `${c.ok ? 'ok  ' : 'FAIL'} ${name.padEnd(11)} ${c.detail}`);
          if (!c.ok && c.fix) printLine(io, `     fix: ${c.fix}`);
        }
        printLine(io, ok ? 'all checks passed' : 'some checks failed');
      }
      if (!ok) code = EXIT.FAILURE;
    });

  registerMcpCommand(program, io, configOf);

  return { program, exitCode: () => code };
}

/** What the CLI says about an error, and the exit code it ends with. */
function describeFailure(error: unknown): { message: string; exitCode: number; code: string } {
  if (error instanceof CliError)
    return {
      message: error.message,
      exitCode: error.exitCode,
      code: error.exitCode === EXIT.USAGE ? 'USAGE' : 'FAILED',
    };
  if (InvalidInputError.isInstance(error) || ConfigurationError.isInstance(error)) {
    return { message: error.message, exitCode: EXIT.USAGE, code: error.code };
  }
  if (MemoryError.isInstance(error)) return { message: error.message, exitCode: EXIT.FAILURE, code: error.code };
  return { message: error instanceof Error ? error.message : String(error), exitCode: EXIT.FAILURE, code: 'INTERNAL' };
}

/**
 * Runs the CLI with `argv` (without node and the script) and resolves to its exit code:
 * 0 ok, 1 failure, 2 usage, 130 interrupted.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const { program, exitCode } = createProgram(io);
  const json = argv.includes('--json');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode();
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with 0; every other commander error is a usage mistake.
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    const failure = describeFailure(error);
    if (json) io.stderr.write(`${JSON.stringify({ error: failure.code, message: failure.message })}\n`);
    else io.stderr.write(`memory: ${failure.message}\n`);
    return failure.exitCode;
  }
}
