/**
 * Load soak of the sample service: `pnpm soak` (default 30 min) or `CI=true pnpm soak` (60 s).
 *
 * The service runs in a child process of its own (this file with `--serve`, started with
 * `--expose-gc`), so its memory is measured without the clients': `apps/example` on a free
 * port, PGlite in memory or, with SOAK_PG_ADMIN_URL, a scratch database of its own on that
 * server (dropped afterwards); a filesystem long-term store in a temp dir; hashing embeddings;
 * an archival pass every 2 s. This process runs CLIENTS concurrent HTTP clients with a mix of
 * appends (caller-chosen ids), history reads, searches, profile patches and knowledge additions,
 * plus deliberate invalid appends (expected 400), then asks the service to check that every
 * acknowledged append is stored exactly once and that the audit log holds one `api_write` row per
 * acknowledged write (every 2xx POST/PATCH).
 *
 * Memory: every second the service's `process.memoryUsage()` (RSS, heap, external); every
 * HEAP_EVERY seconds the heap in use right after a full GC (`gc()`), i.e. what is still
 * reachable. RSS that grows while the live heap stays flat is the allocator keeping pages (warm-up,
 * arenas), not a leak; a live heap that keeps growing is one. Both are reported, with the slope
 * over the second half of the run. Prints one JSON report: throughput, p50/p99 per route, errors
 * by route and status, memory.
 *
 * Environment: SOAK_SECONDS, SOAK_CLIENTS (default 100), SOAK_PG_ADMIN_URL,
 * SOAK_HEAP_SNAPSHOTS=DIR (heap snapshots of the service after the first tenth and at the end, to
 * compare by constructor; writing one costs the service ~100 MB of native memory that its RSS
 * keeps, so a run with snapshots says nothing about RSS).
 * Exit code 1 when a response was unexpected, an acknowledged append is not stored exactly once,
 * the audit rows do not match the acknowledged writes, or the service's RSS or its live heap at
 * the end exceeds 1.2 × its value after the first tenth.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import { createPostgresScratchDatabase, type ScratchDatabase } from '@memory/db/testing';
import { buildApp } from '../../../../apps/example/src/build-app.js';
import { ciProfile } from '../profile.js';

const seconds = Number(process.env.SOAK_SECONDS ?? ciProfile({ ci: 60, full: 30 * 60 }));
const clients = Number(process.env.SOAK_CLIENTS ?? 100);
const HEAP_EVERY = 10;
const DIM = 64;
const MiB = 1024 * 1024;

// ---- The service (child process) -------------------------------------------------------------

type Request =
  | { id: number; op: 'memory'; gc: boolean }
  | { id: number; op: 'check'; ids: string[] }
  | { id: number; op: 'snapshot'; dir: string; name: string }
  | { id: number; op: 'close' };

async function serve(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'memory-soak-'));
  const admin = process.env.SOAK_PG_ADMIN_URL;
  const scratch: ScratchDatabase | undefined = admin ? await createPostgresScratchDatabase(admin) : undefined;
  const { app, services } = await buildApp(
    {
      databaseUrl: scratch?.url ?? 'pglite://memory',
      storageUrl: `file://${join(dir, 'longterm')}`,
      cwd: dir,
      embedding: { kind: 'hashing', dimensions: DIM },
      demoData: false,
      preparedStatements: true,
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
  let archiving = true;
  let archiveRuns = 0;
  const archiver = (async () => {
    while (archiving) {
      await services.archiver.runArchive({ batchSize: 50 }).catch(() => undefined);
      archiveRuns++;
      await sleep(2000);
    }
  })();
  const gc = (globalThis as { gc?: () => void }).gc;

  const answer = async (request: Request): Promise<unknown> => {
    switch (request.op) {
      case 'memory':
        if (request.gc) gc?.();
        return { ...process.memoryUsage(), gc: request.gc && gc !== undefined };
      case 'snapshot':
        gc?.();
        return writeHeapSnapshot(join(request.dir, request.name));
      case 'check': {
        // Every acknowledged append stored exactly once (hot or archived).
        const list = request.ids.join(',');
        const rows = await services.db.execute<{ n: number }>(
          `select count(*)::int as n from (
             select id from (select id from messages where id = any(string_to_array(?, ',')::uuid[])
               union all select id from messages_archive where id = any(string_to_array(?, ',')::uuid[])) t
             group by id having count(*) = 1) once`,
          [list, list],
        );
        const audit = await services.db.execute<{ action: string; n: number }>(
          'select action, count(*)::int as n from audit_logs group by action order by action',
        );
        return { storedExactlyOnce: Number(rows[0]?.n ?? 0), auditRows: audit, archiveRuns };
      }
      case 'close':
        archiving = false;
        await archiver;
        await app.close();
        await rm(dir, { recursive: true, force: true });
        await scratch?.drop();
        return { closed: true };
    }
  };
  process.on('message', (request: Request) => {
    answer(request).then(
      (result) => process.send!({ id: request.id, result }),
      (error: unknown) => process.send!({ id: request.id, error: String((error as Error)?.stack ?? error) }),
    );
  });
  process.send!({ ready: true, port: (app.server.address() as { port: number }).port });
}

// ---- The clients and the report (this process) ----------------------------------------------

interface RouteStats {
  latencies: number[];
  statuses: Record<string, number>;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Least-squares slope of `mb` over `s`, in MiB per minute. */
function slopePerMinute(points: Array<{ s: number; mb: number }>): number | null {
  if (points.length < 3) return null;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.s, 0) / n;
  const my = points.reduce((a, p) => a + p.mb, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.s - mx) * (p.mb - my);
    den += (p.s - mx) ** 2;
  }
  return den === 0 ? null : Math.round((num / den) * 60 * 100) / 100;
}

/** The first sample at or after a tenth of the run, the last one, their ratio, the slope over the second half. */
function series(points: Array<{ s: number; mb: number }>, elapsed: number) {
  const tenth = points.find((p) => p.s >= elapsed / 10)?.mb ?? points[0]?.mb ?? 0;
  const end = points.at(-1)?.mb ?? 0;
  return {
    afterFirstTenth: tenth,
    end,
    max: Math.max(0, ...points.map((p) => p.mb)),
    ratio: tenth ? Math.round((end / tenth) * 100) / 100 : null,
    secondHalfSlopeMbPerMin: slopePerMinute(points.filter((p) => p.s >= elapsed / 2)),
    samples: points
      .filter((_, i) => i % Math.max(1, Math.floor(points.length / 20)) === 0 || i === points.length - 1)
      .map((p) => `${p.s}s:${p.mb}`)
      .join(' '),
  };
}

let child: ChildProcess | undefined;

async function main(): Promise<void> {
  const service = (child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: [...process.execArgv, '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  }));
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const port = await new Promise<number>((resolve, reject) => {
    service.once('exit', (code) => {
      const error = new Error(`the service exited with code ${code}`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    });
    service.on(
      'message',
      (message: { ready?: boolean; port?: number; id?: number; result?: unknown; error?: string }) => {
        if (message.ready) return resolve(message.port!);
        const waiter = pending.get(message.id!);
        pending.delete(message.id!);
        if (message.error) waiter?.reject(new Error(message.error));
        else waiter?.resolve(message.result);
      },
    );
  });
  const ask = <T>(request: Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      service.send({ ...request, id });
    });
  const base = `http://127.0.0.1:${port}`;

  const stats = new Map<string, RouteStats>();
  const record = (route: string, ms: number, status: number | string): void => {
    let s = stats.get(route);
    if (!s) stats.set(route, (s = { latencies: [], statuses: {} }));
    s.latencies.push(ms);
    s.statuses[status] = (s.statuses[status] ?? 0) + 1;
  };
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
  const started = Date.now();
  const at = () => Math.round((Date.now() - started) / 1000);
  const rss: Array<{ s: number; mb: number }> = [];
  const heapUsed: Array<{ s: number; mb: number }> = [];
  const liveHeap: Array<{ s: number; mb: number }> = [];
  const heapTotal: Array<{ s: number; mb: number }> = [];
  const external: Array<{ s: number; mb: number }> = [];
  const clientRss: Array<{ s: number; mb: number }> = [];
  const snapshotDir = process.env.SOAK_HEAP_SNAPSHOTS;
  const snapshots: string[] = [];
  let tick = 0;
  let sampling = false;
  const sampler = setInterval(() => {
    if (sampling) return; // the service is busy answering the last one
    sampling = true;
    const withGc = ++tick % HEAP_EVERY === 0;
    const s = at();
    clientRss.push({ s, mb: Math.round(process.memoryUsage().rss / MiB) });
    void ask<NodeJS.MemoryUsage & { gc: boolean }>({ op: 'memory', gc: withGc })
      .then(async (m) => {
        rss.push({ s, mb: Math.round(m.rss / MiB) });
        heapTotal.push({ s, mb: Math.round(m.heapTotal / MiB) });
        external.push({ s, mb: Math.round((m.external + m.arrayBuffers) / MiB) });
        (m.gc ? liveHeap : heapUsed).push({ s, mb: Math.round(m.heapUsed / MiB) });
        if (snapshotDir && snapshots.length === 0 && s >= seconds / 10)
          snapshots.push(await ask<string>({ op: 'snapshot', dir: snapshotDir, name: 'soak-tenth.heapsnapshot' }));
      })
      .catch(() => undefined)
      .finally(() => {
        sampling = false;
      });
  }, 1000);

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
  while (sampling) await sleep(50);
  const elapsed = (Date.now() - started) / 1000;
  // The live heap once more at the very end, so the last point is not up to HEAP_EVERY s old.
  const last = await ask<NodeJS.MemoryUsage>({ op: 'memory', gc: true });
  liveHeap.push({ s: at(), mb: Math.round(last.heapUsed / MiB) });
  if (snapshotDir)
    snapshots.push(await ask<string>({ op: 'snapshot', dir: snapshotDir, name: 'soak-end.heapsnapshot' }));

  const ids = [...acked.keys()];
  const check = await ask<{
    storedExactlyOnce: number;
    auditRows: Array<{ action: string; n: number }>;
    archiveRuns: number;
  }>({
    op: 'check',
    ids,
  });
  // The service writes one api_write audit row for every successful POST/PATCH, before answering.
  let acknowledgedWrites = 0;
  for (const [route, s] of stats)
    if (/^(POST|PATCH) /.test(route))
      for (const [status, count] of Object.entries(s.statuses)) if (/^2\d\d$/.test(status)) acknowledgedWrites += count;
  const apiWriteRows = Number(check.auditRows.find((r) => r.action === 'api_write')?.n ?? 0);

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
  const serviceRss = series(rss, elapsed);
  const report = {
    seconds: Math.round(elapsed),
    clients,
    database: process.env.SOAK_PG_ADMIN_URL ? 'postgresql (scratch database)' : 'pglite (in memory, in the service)',
    requests,
    throughputPerSecond: Math.round(requests / elapsed),
    unexpectedResponses: unexpected,
    routes,
    memoryMb: {
      serviceRss,
      serviceLiveHeapAfterGc: series(liveHeap, elapsed),
      serviceHeapUsed: series(heapUsed, elapsed),
      serviceHeapTotal: series(heapTotal, elapsed),
      serviceExternalAndArrayBuffers: series(external, elapsed),
      clientsRss: series(clientRss, elapsed),
      ...(snapshots.length ? { heapSnapshots: snapshots } : {}),
    },
    archiveRuns: check.archiveRuns,
    consistency: {
      acknowledgedAppends: ids.length,
      storedExactlyOnce: check.storedExactlyOnce,
      acknowledgedWrites,
      apiWriteAuditRows: apiWriteRows,
    },
    auditRows: check.auditRows,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  await ask({ op: 'close' });
  service.disconnect();
  const tenth = serviceRss.afterFirstTenth;
  const live = report.memoryMb.serviceLiveHeapAfterGc;
  // The memory goal gates runs of 5 minutes or more only: a shorter run takes its first-tenth
  // sample inside the service's warm-up (30-90 s, docs/reliability.md), where the ratio says
  // nothing about growth. The CI profile (60 s) still gates errors and consistency.
  const memoryGated = seconds >= 300;
  const memoryMissed =
    (tenth > 0 && serviceRss.end > 1.2 * tenth) || (live.afterFirstTenth > 0 && live.end > 1.2 * live.afterFirstTenth);
  if (memoryMissed && !memoryGated) {
    process.stderr.write(
      `[soak] memory ratio over 1.2 in a ${seconds} s run: reported, not gating (runs under 300 s sample inside the warm-up)\n`,
    );
  }
  const failed =
    unexpected > 0 ||
    check.storedExactlyOnce !== ids.length ||
    apiWriteRows !== acknowledgedWrites ||
    (memoryGated && memoryMissed);
  process.exitCode = failed ? 1 : 0;
}

if (process.argv.includes('--serve')) {
  serve().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    child?.kill();
    process.exitCode = 1;
  });
}
