import { randomUUID } from 'node:crypto';
import { describeEachDatabase } from '@memory/db/testing';
import { startS3TestServer, type S3TestServer } from '@memory/longterm-s3/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type MemoryApp } from './build-app.js';
import { loadConfig } from './config.js';

// The same service with its long-term memory in an S3 bucket: only MEMORY_STORAGE_URL (and the
// AWS credentials) change. The bucket is a local S3 protocol server with real SigV4 and
// conditional PUTs, over HTTP.
describeEachDatabase(
  'example service with S3 long-term storage',
  (ctx) => {
    let server: S3TestServer;
    let memory: MemoryApp;
    let base: string;
    const user = 'u-s3';

    const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
      };
    };

    beforeAll(async () => {
      server = await startS3TestServer({ buckets: ['memory'] });
      const config = loadConfig({
        DATABASE_URL: ctx.url,
        MEMORY_STORAGE_URL: `s3://memory?endpoint=${encodeURIComponent(server.endpoint)}&region=us-east-1&forcePathStyle=true&prefix=long_term/`,
        MEMORY_EMBEDDING_DIMENSIONS: '32',
        MEMORY_DEMO_DATA: 'false',
        LOG_LEVEL: 'silent',
      });
      // The credentials the AWS SDK's default chain would read from the environment.
      memory = await buildApp(config, {
        storageCredentials: { accessKey: server.accessKey, secretKey: server.secretKey },
      });
      base = await memory.app.listen({ port: 0, host: '127.0.0.1' });
    }, 300_000);
    afterAll(async () => {
      await memory?.app.close();
      await server?.close();
    });

    it('keeps profile, knowledge and deep archives in the bucket, and purges them', async () => {
      const health = await api('GET', '/health');
      expect(health.body.checks.storage).toMatchObject({
        ok: true,
        detail: expect.stringMatching(/^s3:\/\/memory.*conditional writes: yes/),
      });

      const created = await api('PATCH', `/users/${user}/profile`, { traits: { communication_style: 'concise' } });
      expect(created.status).toBe(200);
      const stale = created.headers.get('etag')!;
      expect((await api('PATCH', `/users/${user}/profile`, { plan: 'pro' }, { 'if-match': stale })).status).toBe(200);
      expect((await api('PATCH', `/users/${user}/profile`, { plan: 'free' }, { 'if-match': stale })).status).toBe(409);
      expect((await api('POST', `/users/${user}/knowledge`, { triples: [['user', 'uses', 'S3']] })).status).toBe(201);

      const session = (await api('POST', '/sessions', { userId: user, title: 'old' })).body.id as string;
      await api('POST', `/sessions/${session}/messages`, {
        embed: true,
        messages: [{ id: randomUUID(), role: 'user', content: 'archive me to the bucket' }],
      });
      await memory.services.db.execute('update sessions set updated_at = ? where id = ?', [
        new Date(Date.now() - 400 * 86_400_000).toISOString(),
        session,
      ]);
      expect((await api('POST', '/archive/run', {})).body.deep.sessions).toBe(1);
      const { storage } = memory.services;
      expect(await storage.listPrefix(`archive/${session}/`)).not.toEqual([]);
      expect(
        server.requests.some((r) => r.method === 'PUT' && r.url.includes(`/memory/long_term/archive/${session}/`)),
      ).toBe(true);

      const restored = await api('POST', `/sessions/${session}/restore`);
      expect(restored.body).toMatchObject({ from: 'deep', messages: 1 });
      expect(await storage.listPrefix(`archive/${session}/`)).toEqual([]);

      const purged = await api('DELETE', `/users/${user}`);
      expect(purged.body).toMatchObject({ sessions: 1, longTermObjects: 2 });
      expect(await storage.listPrefix('')).toEqual([]);
    });
  },
  { engines: ['pglite'] },
);
