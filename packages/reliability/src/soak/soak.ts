/**
 * Load soak of the sample service: `pnpm soak` (default 30 min) or `CI=true pnpm soak` (60 s).
 * Starts `apps/example` in this process on a free port (PGlite in memory, or with
 * SOAK_PG_ADMIN_URL a scratch database of its own on that server, dropped afterwards; a
 * filesystem long-term store in a temp dir; hashing embeddings), runs CLIENTS concurrent
 * HTTP clients with a mix of appends (caller-chosen ids), history reads, searches, profile
 * patches and knowledge additions, plus deliberate invalid appends (expected 400) and an archival
 * pass in the background, then checks that every acknowledged append is stored exactly once.
 * Prints one JSON report: throughput, p50/p99 per route, errors by route and status, RSS samples.
 *
 * Environment: SOAK_SECONDS, SOAK_CLIENTS (default 100), SOAK_PG_ADMIN_URL.
 * Exit code 1 when a response was unexpected, an acknowledged append is not stored exactly once,
 * or RSS at the end exceeds 1.2 × RSS after the first tenth.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPostgresScratchDatabase, type ScratchDatabase } from '@memory/db/testing';
import { buildApp } from '../../../../apps/example/src/build-app.js';
import { ciProfile } from '../profile.js';

const seconds = Number(process.env.SOAK_SECONDS ?? ciProfile({ ci: 60, full: 30 * 60 }));
const clients = Number(process.env.SOAK_CLIENTS ?? 100);
const DIM = 64;

interface RouteStats {
  latencies: number[];
  statuses: Record<string, number>;
}

const stats = new Map<string, RouteStats>();
function record(route: string, ms: number, status: number | string): void {
  let s = stats.get(route);
  if (!s) stats.set(route, (s = { latencies: [], statuses: {} }));
  s.latencies.push(ms);
  s.statuses[status] = (s.statuses[status] ?? 0) + 1;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

let scratch: ScratchDatabase | undefined;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'memory-soak-'));
  const admin = process.env.SOAK_PG_ADMIN_URL;
  scratch = admin ? await createPostgresScratchDatabase(admin) : undefined;
  const databaseUrl = scratch?.url ?? 'pglite://memory';
  const { app, services } = await buildApp(
    {
      databaseUrl,
      storageUrl: `file://${join(dir, 'longterm')}`,
      cwd: dir,
      embedding: { kind: 'hashing', dimensions: DIM },
      demoData: false,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'error',
      logFormat: 'json',
      corsOrigins: [],
      bodyLimit: 1024 * 1024,
      authMode: 'off',
      // Set far above what 100 clients send, so the soak measures the service, not the limiter.
      rateLimitPerMinute: 1_000_000,
      env: {},
    },
    { logger: false },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

  const call = async (
    route: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ ok: boolean; json: unknown } | null> => {
    const t0 = performance.now();
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      record(route, performance.now() - t0, res.status);
      return { ok: res.ok, json: text ? (JSON.parse(text) as unknown) : null };
    } catch (error) {
      record(route, performance.now() - t0, (error as Error).name);
      return null;
    }
  };

  const acked = new Map<string, string>(); // message id → session id
  const deadline = Date.now() + seconds * 1000;
  const rss: Array<{ s: number; mb: number }> = [];
  const started = Date.now();
  const sampler = setInterval(() => {
    rss.push({ s: Math.round((Date.now() - started) / 1000), mb: Math.round(process.memoryUsage().rss / 1024 / 1024) });
  }, 1000);
  let archiveRuns = 0;
  const archiver = (async () => {
    while (Date.now() < deadline) {
      await services.archiver.runArchive({ batchSize: 50 }).catch(() => undefined);
      archiveRuns++;
      await sleep(2000);
    }
  })();

  const client = async (n: number) => {
    const userId = `soak-user-${n % 25}`;
    const created = await call('POST /sessions', 'POST', '/sessions', { userId, title: `soak ${n}` });
    const session = created?.ok ? (created.json as { id?: string }).id : undefined;
    if (!session) return;
    for (let i = 0; Date.now() < deadline; i++) {
      const pick = i % 10;
      if (pick < 4) {
        const id = randomUUID();
        const res = await call('POST /sessions/:id/messages', 'POST', `/sessions/${session}/messages`, {
          messages: [{ id, role: i % 2 ? 'assistant' : 'user', content: `soak ${n} ${i} ${'x'.repeat(i % 200)}` }],
          embed: true,
        });
        if (res?.ok) acked.set(id, session);
      } else if (pick < 6) {
        await call('GET /sessions/:id/messages', 'GET', `/sessions/${session}/messages?limit=20`);
      } else if (pick === 6) {
        await call('POST /users/:id/search', 'POST', `/users/${userId}/search`, { text: `soak ${i}`, topK: 5 });
      } else if (pick === 7) {
        await call('PATCH /users/:id/profile', 'PATCH', `/users/${userId}/profile`, {
          traits: { communication_style: `style-${n}-${i}` },
        });
      } else if (pick === 8) {
        await call('POST /users/:id/knowledge', 'POST', `/users/${userId}/knowledge`, {
          triples: [['用户', `关系${n % 7}`, `值${i}`]],
        });
      } else {
        // Deliberately invalid: expected 400.
        await call('POST /sessions/:id/messages (invalid)', 'POST', `/sessions/${session}/messages`, {
          messages: [{ role: 'nobody', content: 1 }],
        });
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, n) => client(n)));
  clearInterval(sampler);
  await archiver;

  // Consistency: every acknowledged append stored exactly once (hot or archived).
  const ids = [...acked.keys()];
  const rows = await services.db.execute<{ id: string; n: number }>(
    `select id::text as id, count(*)::int as n from (
       select id from messages where id = any(string_to_array(?, ',')::uuid[])
       union all select id from messages_archive where id = any(string_to_array(?, ',')::uuid[])) t group by id`,
    [ids.join(','), ids.join(',')],
  );
  const once = rows.filter((r) => Number(r.n) === 1).length;
  const audit = await services.db.execute<{ action: string; n: number }>(
    'select action, count(*)::int as n from audit_logs group by action order by action',
  );

  const elapsed = (Date.now() - started) / 1000;
  const routes: Record<string, unknown> = {};
  let requests = 0;
  let unexpected = 0;
  for (const [route, s] of stats) {
    const sorted = [...s.latencies].sort((a, b) => a - b);
    requests += sorted.length;
    const expectedStatus = route.endsWith('(invalid)') ? '400' : undefined;
    for (const [status, count] of Object.entries(s.statuses)) {
      const ok = expectedStatus ? status === expectedStatus : /^2\d\d$/.test(status);
      if (!ok) unexpected += count;
    }
    routes[route] = {
      requests: sorted.length,
      p50ms: Math.round(quantile(sorted, 0.5) * 10) / 10,
      p99ms: Math.round(quantile(sorted, 0.99) * 10) / 10,
      statuses: s.statuses,
    };
  }
  const tenth = rss.find((r) => r.s >= elapsed / 10)?.mb ?? rss[0]?.mb ?? 0;
  const end = rss.at(-1)?.mb ?? 0;
  const report = {
    seconds: Math.round(elapsed),
    clients,
    database: scratch ? 'postgresql (scratch database)' : 'pglite (in memory)',
    requests,
    throughputPerSecond: Math.round(requests / elapsed),
    unexpectedResponses: unexpected,
    routes,
    rssMb: {
      afterFirstTenth: tenth,
      end,
      ratio: tenth ? Math.round((end / tenth) * 100) / 100 : null,
      samples: rss
        .filter((_, i) => i % Math.max(1, Math.floor(rss.length / 20)) === 0)
        .map((r) => `${r.s}s:${r.mb}`)
        .join(' '),
    },
    archiveRuns,
    consistency: { acknowledgedAppends: ids.length, storedExactlyOnce: once },
    auditRows: audit,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  await app.close();
  await rm(dir, { recursive: true, force: true });
  await scratch?.drop();
  const failed = unexpected > 0 || once !== ids.length || (tenth > 0 && end > 1.2 * tenth);
  process.exitCode = failed ? 1 : 0;
}

main().catch(async (error: unknown) => {
  console.error(error);
  await scratch?.drop().catch(() => undefined);
  process.exitCode = 1;
});
