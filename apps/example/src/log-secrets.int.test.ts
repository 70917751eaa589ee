import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createMemoryDb, type MemoryDb } from '@memory/db';
import { createPostgresScratchDatabase, PG_TEST_URL_ENV, type ScratchDatabase } from '@memory/db/testing';
import { startS3TestServer, type S3TestServer } from '@memory/longterm-s3/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from './api-keys.js';
import { loadConfig } from './config.js';
import { openMemoryServices } from './memory-services.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const adminUrl = process.env[PG_TEST_URL_ENV];
const DIMENSIONS = 8;

/** A secret of the run: random, so a match can only be a leak. */
const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

/**
 * A local OpenAI-compatible upstream: `/v1/embeddings` (needs the embedding key; a text holding
 * `FAIL-EMBED` gets a 500) and `/v1/chat/completions` (always a 500), so the service's error paths
 * to its model providers run and log.
 */
async function startUpstream(embeddingKey: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const json = (status: number, value: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (req.url === '/v1/embeddings') {
        if (req.headers.authorization !== `Bearer ${embeddingKey}`) return json(401, { error: { message: 'bad key' } });
        const input = (JSON.parse(body) as { input: string[] }).input;
        if (input.some((t) => t.includes('FAIL-EMBED'))) return json(500, { error: { message: 'upstream exploded' } });
        return json(200, {
          object: 'list',
          model: 'fixture-embed',
          data: input.map((t, index) => ({
            object: 'embedding',
            index,
            embedding: Array.from({ length: DIMENSIONS }, (_, i) => ((t.charCodeAt(i % t.length) % 7) + 1) / 10),
          })),
          usage: { prompt_tokens: 1, total_tokens: 1 },
        });
      }
      return json(500, { error: { message: 'the chat model is down' } });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/v1`, server };
}

// #15: no secret in any log line. The service runs as a process of its own (main.ts, what
// `npm start` runs) at LOG_LEVEL=trace, with every credential it can be given: the database
// password in DATABASE_URL, the S3 keys (the AWS SDK's environment), the embedding and chat model
// API keys, MCP tokens and its own API keys. The run goes through the paths that log errors
// (storage 500s, upstream failures, killed database connections, refused keys); then every line it
// wrote to stdout and stderr is searched for each secret.
describe.skipIf(!adminUrl)(
  `secrets in the service's log lines${adminUrl ? '' : ` (set ${PG_TEST_URL_ENV} to run)`}`,
  () => {
    const dbPassword = secret('dbpw');
    const s3Secret = secret('s3secret');
    const embeddingKey = secret('embedkey');
    const chatKey = secret('chatkey');
    const mcpToken = secret('mcptoken');
    const wrongKey = `mk_${secret('wrongkey')}`;
    const role = `memory_test_logs_${randomBytes(4).toString('hex')}`;
    let admin: MemoryDb;
    let scratch: ScratchDatabase;
    let s3: S3TestServer;
    let upstream: { url: string; server: Server };
    let child: ChildProcess;
    let databaseUrl: string;
    let base: string;
    const lines: string[] = [];
    const apiKeys: string[] = [];

    beforeAll(async () => {
      admin = createMemoryDb({ url: adminUrl!, embeddingDimensions: 3 });
      await admin.ready();
      // A role of its own with a password (loopback may use trust authentication: the password is
      // in the URL either way, which is what could leak).
      await admin.execute(`create role ${role} login superuser password '${dbPassword}'`);
      scratch = await createPostgresScratchDatabase(adminUrl!);
      const url = new URL(scratch.url);
      url.username = role;
      url.password = dbPassword;
      databaseUrl = url.toString();
      s3 = await startS3TestServer({ buckets: ['memory'], accessKey: 'AKIATESTLOGS', secretKey: s3Secret });
      upstream = await startUpstream(embeddingKey);
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      base = `http://127.0.0.1:${port}`;
      child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['--conditions=@memory/source', join(here, 'main.ts')], {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DATABASE_URL: databaseUrl,
          MEMORY_STORAGE_URL: `s3://memory?endpoint=${encodeURIComponent(s3.endpoint)}&region=us-east-1&forcePathStyle=true`,
          AWS_ACCESS_KEY_ID: 'AKIATESTLOGS',
          AWS_SECRET_ACCESS_KEY: s3Secret,
          MEMORY_EMBEDDING_URL: upstream.url,
          MEMORY_EMBEDDING_MODEL: 'fixture-embed',
          MEMORY_EMBEDDING_DIMENSIONS: String(DIMENSIONS),
          MEMORY_EMBEDDING_API_KEY: embeddingKey,
          MEMORY_CHAT_BASE_URL: upstream.url,
          MEMORY_CHAT_MODEL: 'fixture-chat',
          MEMORY_CHAT_API_KEY: chatKey,
          MEMORY_MCP_TOKENS: `${mcpToken}:alice`,
          MEMORY_DEMO_DATA: 'false',
          MEMORY_RATE_LIMIT: '0',
          LOG_LEVEL: 'trace',
          LOG_FORMAT: 'json',
          PORT: String(port),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let pending = '';
      const collect = (chunk: Buffer) => {
        pending += chunk.toString();
        const complete = pending.split('\n');
        pending = complete.pop()!;
        lines.push(...complete.filter(Boolean));
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      child.on('exit', () => pending && lines.push(pending));
      let up = false;
      for (let i = 0; i < 240 && !up && child.exitCode === null; i++) {
        up = await fetch(`${base}/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (!up) await sleep(500);
      }
      expect(up, lines.join('\n')).toBe(true);
      // API keys made the way the CLI makes them while the service runs: an admin and a user-bound one.
      const services = await openMemoryServices(
        loadConfig({ DATABASE_URL: databaseUrl, MEMORY_STORAGE_URL: 'memory://' }),
        {
          init: false,
        },
      );
      try {
        apiKeys.push((await createApiKey(services.db, { name: 'ops', userId: null })).key);
        apiKeys.push((await createApiKey(services.db, { name: 'alice-app', userId: 'alice' })).key);
      } finally {
        await services.close();
      }
    }, 300_000);

    afterAll(async () => {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((ok) => child.once('exit', ok));
      }
      await new Promise((ok) => upstream?.server.close(ok));
      await s3?.close();
      await scratch?.drop();
      await admin?.execute(`drop role if exists ${role}`);
      await admin?.close();
    }, 60_000);

    it('writes none of the credentials in any log line, errors included', async () => {
      const [adminKey, aliceKey] = apiKeys as [string, string];
      const call = async (method: string, path: string, body?: unknown, key: string | null = adminKey) => {
        const response = await fetch(`${base}${path}`, {
          method,
          headers: {
            ...(key ? { authorization: `Bearer ${key}` } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        for (const s of [dbPassword, s3Secret, embeddingKey, chatKey, mcpToken, ...apiKeys]) {
          expect(text, `${method} ${path} answered with a secret`).not.toContain(s);
        }
        return { status: response.status, body: text };
      };
      const statuses: Record<string, number> = {};

      const session = JSON.parse((await call('POST', '/sessions', { userId: 'alice', title: 'logs' })).body).id;
      statuses.append = (
        await call('POST', `/sessions/${session}/messages`, { messages: [{ role: 'user', content: 'hello there' }] })
      ).status;
      statuses.embedFails = (
        await call('POST', `/sessions/${session}/messages`, { messages: [{ role: 'user', content: 'FAIL-EMBED now' }] })
      ).status;
      statuses.search = (await call('POST', '/users/alice/search', { text: 'hello' })).status;
      statuses.profile = (await call('PATCH', '/users/alice/profile', { name: 'Alice' })).status;
      s3.failNext(20, 500, 'InternalError');
      statuses.profileStorageFails = (await call('PATCH', '/users/alice/profile', { diet: 'vegan' })).status;
      await sleep(200);
      statuses.wrongKey = (await call('GET', '/sessions?userId=alice', undefined, wrongKey)).status;
      statuses.wrongKeyHeader = await fetch(`${base}/sessions?userId=alice`, {
        headers: { 'x-api-key': wrongKey },
      }).then((r) => r.status);
      statuses.otherUser = (await call('GET', '/users/bob/profile', undefined, aliceKey)).status;
      statuses.chatFails = (await call('POST', `/chat/${session}`, { message: 'hi' })).status;
      const mcpInit = {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'log-test', version: '1' } },
      };
      const mcp = (token: string) =>
        fetch(`${base}/mcp`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
          body: JSON.stringify(mcpInit),
        }).then(async (r) => (await r.text(), r.status));
      statuses.mcp = await mcp(mcpToken);
      statuses.mcpWrong = await mcp(wrongKey);
      // The database drops the service's connections (as a restart or a failover would).
      await admin.execute(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = ? and pid <> pg_backend_pid()`,
        [new URL(scratch.url).pathname.slice(1)],
      );
      statuses.afterKill = (await call('GET', '/sessions?userId=alice')).status;
      statuses.afterKill2 = (await call('GET', '/sessions?userId=alice')).status;
      statuses.archive = (await call('POST', '/archive/run', {})).status;
      statuses.health = (await call('GET', '/health')).status;
      statuses.export = (await call('GET', '/users/alice/export')).status;

      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));

      // The run went where it should: successes, refusals and failures of each kind.
      expect(statuses).toMatchObject({
        append: 201,
        search: 200,
        profile: 200,
        profileStorageFails: 502,
        wrongKey: 401,
        wrongKeyHeader: 401,
        otherUser: 403,
        mcp: 200,
        mcpWrong: 401,
        health: 200,
        archive: 200,
        export: 200,
      });
      expect(statuses.embedFails).toBeGreaterThanOrEqual(500);
      // The chat answer streams: its status is sent before the model fails (the failure is logged).
      expect([200, 502, 503]).toContain(statuses.chatFails);
      // And it logged: JSON lines at every level, error lines with their error objects among them.
      const entries = lines.flatMap((l) => {
        try {
          return [JSON.parse(l) as { level: number; err?: unknown; msg?: string }];
        } catch {
          return [];
        }
      });
      expect(entries.length).toBeGreaterThan(30);
      const errors = entries.filter((e) => e.level >= 50 && e.err);
      expect(errors.length, JSON.stringify(statuses)).toBeGreaterThanOrEqual(3);
      expect(entries.some((e) => e.msg === 'memory example service ready')).toBe(true);
      // The lines where a leak would sit were captured: the ready line names the database URL
      // (user, host, database), with the password shown as ***.
      const ready = lines.find((l) => l.includes('memory example service ready'))!;
      expect(ready).toContain(`${role}:***@127.0.0.1`);
      expect(ready).toContain(new URL(scratch.url).pathname.slice(1));

      const secrets = {
        'database password': dbPassword,
        'S3 secret key': s3Secret,
        'embedding API key': embeddingKey,
        'chat API key': chatKey,
        'MCP token': mcpToken,
        'refused key': wrongKey,
        'admin API key': apiKeys[0]!,
        'user API key': apiKeys[1]!,
        // The random body of the service's keys (past the prefix the console shows): no part of it either.
        'admin API key body': apiKeys[0]!.slice(12),
        'user API key body': apiKeys[1]!.slice(12),
      };
      const leaks = Object.entries(secrets).flatMap(([name, value]) =>
        lines.filter((l) => l.includes(value) || l.includes(encodeURIComponent(value))).map((l) => `${name}: ${l}`),
      );
      console.log(
        `[log-secrets] ${lines.length} lines, ${errors.length} error lines, statuses ${JSON.stringify(statuses)}`,
      );
      expect(leaks).toEqual([]);
    }, 240_000);
  },
);
