import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryDb, distributeMemorySchema, type MemoryDb } from '@memory/db';
import {
  CITUS_TEST_URL_ENV,
  citusTaskCount,
  createCitusScratchDatabase,
  recordQueries,
  type RecordedQuery,
  type ScratchDatabase,
} from '@memory/db/testing';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { SessionStatus } from '@memory/models';
import { daysBefore, seedSession, statusOf } from '../test/fixtures.js';
import { createArchiver } from './create-archiver.js';

const citusUrl = process.env[CITUS_TEST_URL_ENV];
const d = citusUrl ? describe : describe.skip;
const SHARDS = 8;

type Sent = RecordedQuery;

async function taskCount(db: MemoryDb, { text, values }: Sent): Promise<string | undefined> {
  return citusTaskCount(db, text, values);
}

/** The archiver's plans by design read every shard (docs/citus.md): counts and candidate lists, without locks. */
const PLANNING = [/count\(\*\) AS sessions/, /WITH due AS/, /ORDER BY updated_at\s+LIMIT \$\d+\s*$/];

/**
 * Every statement the archiver sends is EXPLAINed with its own values on the cluster: per-session
 * claims, moves, exports, deletions and restores are one task (one worker); planning is a
 * parallel read of every shard, and never takes a lock.
 */
d(
  `the archiver's statements on Citus: one shard per session, planning on every shard [citus]${citusUrl ? '' : ` (set ${CITUS_TEST_URL_ENV} to run)`}`,
  () => {
    let scratch: ScratchDatabase;
    let db: MemoryDb;

    beforeAll(async () => {
      scratch = await createCitusScratchDatabase(citusUrl!);
      db = createMemoryDb({ url: scratch.url, embeddingDimensions: 3 });
      await db.initDb();
      await distributeMemorySchema(db, { shardCount: SHARDS });
    }, 300_000);
    afterAll(async () => {
      await db?.close();
      await scratch?.drop();
    }, 120_000);

    it('run (cold, deep, deleted), plan and restore: Task Count 1 per session, planning on every shard', async () => {
      const now = new Date();
      const sent: Sent[] = [];
      const storage = new InMemoryLongTermStorage();
      const archiver = createArchiver({ db: recordQueries(db, sent), storage });
      const cold = await seedSession(db, { updatedAt: daysBefore(now, 30), messages: 3, summaries: 1, userId: 'a' });
      const deep = await seedSession(db, { updatedAt: daysBefore(now, 200), messages: 4, summaries: 1, userId: 'b' });
      const gone = await seedSession(db, { updatedAt: daysBefore(now, 2000), messages: 2, userId: 'c' });
      // Sessions of other users on other shards, still hot: the plan must see across shards.
      for (let i = 0; i < 6; i++) await seedSession(db, { updatedAt: daysBefore(now, 30 + i), messages: 1 });

      const byOperation = new Map<string, Sent[]>();
      const record = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
        const from = sent.length;
        const out = await fn();
        byOperation.set(name, sent.slice(from));
        return out;
      };
      const plan = await record('plan', () => archiver.planArchive({ now }));
      expect(plan.cold).toEqual({ sessions: 8, messages: 13 });
      expect(plan.deep).toEqual({ sessions: 1, messages: 4 });
      expect(plan.deleted).toEqual({ sessions: 1, messages: 2 });
      const run = await record('run', () => archiver.runArchive({ now, batchSize: 3 }));
      expect(run.cold).toEqual(plan.cold);
      expect(run.deep).toEqual(plan.deep);
      expect(run.deleted).toEqual(plan.deleted);
      expect(await statusOf(db, gone)).toBe(SessionStatus.DELETED);
      // The deleted plan reads the exports' counts from the audit log (not co-located) too.
      await record('plan after', () => archiver.planArchive({ now: new Date(now.getTime() + 2000 * 86_400_000) }));
      await record('restore cold', () => archiver.restoreSession(cold));
      await record('restore deep', () => archiver.restoreSession(deep));
      expect(await statusOf(db, cold)).toBe(SessionStatus.ACTIVE);
      expect(await statusOf(db, deep)).toBe(SessionStatus.ACTIVE);

      const checked = new Map<string, Set<string>>();
      const wrong: Array<{ name: string; text: string; tasks: string | undefined }> = [];
      for (const [name, statements] of byOperation) {
        for (const statement of statements) {
          const { text } = statement;
          if (/pg_catalog\./.test(text)) continue; // the one-time layout probe
          if (/^\s*(SET|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(text)) continue;
          if (!/\b(sessions|messages|session_summaries|messages_archive)\b/.test(text)) continue;
          const planning = PLANNING.some((re) => re.test(text));
          expect(planning && /FOR UPDATE|FOR NO KEY/i.test(text)).toBe(false);
          // The whole plan (citusTaskCount): a per-session step is one task and no subplan; a
          // plan reads every shard, in each of its parts (the audit log's own shards included).
          const tasks = await taskCount(db, statement);
          const counts = (tasks ?? '')
            .replace(/^.*Task Counts /, '')
            .split(', ')
            .map(Number);
          const ok = planning ? counts.every((n) => n >= SHARDS) : tasks === '1';
          if (!ok) wrong.push({ name, text: text.slice(0, 140), tasks });
          const kinds = checked.get(name) ?? new Set<string>();
          kinds.add(planning ? 'planning' : 'single');
          checked.set(name, kinds);
        }
      }
      expect(wrong).toEqual([]);
      // The moves between tiers and the deep restore's inserts are among the statements checked.
      const sentBy = (name: string, re: RegExp) => (byOperation.get(name) ?? []).some((s) => re.test(s.text));
      expect(sentBy('run', /^\s*INSERT INTO messages_archive .*\s+SELECT .* FROM messages\s/s)).toBe(true);
      expect(sentBy('run', /^\s*WITH gone AS \(\s*DELETE FROM messages\s/)).toBe(true);
      expect(sentBy('restore cold', /^\s*INSERT INTO messages .*\s+SELECT .* FROM messages_archive\s/s)).toBe(true);
      expect(sentBy('restore cold', /^\s*WITH gone AS \(\s*DELETE FROM messages_archive\s/)).toBe(true);
      expect(sentBy('restore deep', /^\s*INSERT INTO messages \(.*\)\s+VALUES/s)).toBe(true);
      expect(sentBy('restore deep', /^\s*INSERT INTO session_summaries \(.*\)\s+VALUES/s)).toBe(true);
      // Planning is multi-shard, every per-session step single-shard, and each was checked.
      expect(Object.fromEntries([...checked].map(([k, v]) => [k, [...v].sort()]))).toEqual({
        plan: ['planning'],
        'plan after': ['planning'],
        run: ['planning', 'single'],
        'restore cold': ['single'],
        'restore deep': ['single'],
      });
    }, 300_000);
  },
);
