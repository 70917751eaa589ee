import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigurationError, InvalidInputError, MemoryError } from '@memory/errors';
import { MockEmbeddingModelV4 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createAiSdkEmbeddingProvider,
  createHashingEmbedder,
  createOpenAICompatibleEmbeddingProvider,
} from './index.js';

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('createHashingEmbedder', () => {
  it('is deterministic, L2-normalized and lexical', async () => {
    const e = createHashingEmbedder({ dimensions: 64 });
    const [a, b, c, empty] = await e.embed(['用户喜欢喝咖啡', '喜欢咖啡', 'PostgreSQL vector search', '？']);
    expect(a).toHaveLength(64);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 10);
    expect(await e.embed(['用户喜欢喝咖啡'])).toEqual([a]);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!));
    expect(empty!.every((x) => x === 0)).toBe(true);
    const other = createHashingEmbedder({ dimensions: 64, seed: 7 });
    expect((await other.embed(['用户喜欢喝咖啡']))[0]).not.toEqual(a);
  });

  it('refuses a dimension that is not a positive integer', () => {
    expect(() => createHashingEmbedder({ dimensions: 0 })).toThrow(InvalidInputError);
  });
});

describe('createAiSdkEmbeddingProvider', () => {
  it('embeds through embedMany and checks the vectors', async () => {
    const model = new MockEmbeddingModelV4({
      maxEmbeddingsPerCall: 2,
      doEmbed: async ({ values }) => ({ embeddings: values.map((v) => [v.length, 1, 0]), warnings: [] }),
    });
    const provider = createAiSdkEmbeddingProvider({ model, dimensions: 3 });
    expect(await provider.embed(['a', 'bb', 'ccc'])).toEqual([
      [1, 1, 0],
      [2, 1, 0],
      [3, 1, 0],
    ]);
    expect(model.doEmbedCalls).toHaveLength(2);
    const wrong = createAiSdkEmbeddingProvider({ model, dimensions: 4 });
    await expect(wrong.embed(['a'])).rejects.toThrow(/embedding of 3 dimensions at 0, expected 4/);
  });
});

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

describe('createOpenAICompatibleEmbeddingProvider (against a local HTTP server)', () => {
  it('batches, sends model, dimensions and the key, and orders vectors by index', async () => {
    const requests: Array<{ auth: string | undefined; body: { model: string; input: string[]; dimensions?: number } }> =
      [];
    const baseURL = await serve((req, body, res) => {
      const parsed = JSON.parse(body) as { model: string; input: string[]; dimensions?: number };
      requests.push({ auth: req.headers.authorization, body: parsed });
      expect(req.url).toBe('/v1/embeddings');
      // Answer in reverse order: the provider must sort by index.
      const data = parsed.input.map((t, index) => ({ index, embedding: [t.length, index] })).reverse();
      json(res, 200, { object: 'list', data });
    });
    const provider = createOpenAICompatibleEmbeddingProvider({
      baseURL: `${baseURL}/`,
      apiKey: 'sk-test',
      model: 'm',
      dimensions: 2,
      batchSize: 2,
    });
    expect(await provider.embed(['a', 'bb', 'ccc'])).toEqual([
      [1, 0],
      [2, 1],
      [3, 0],
    ]);
    expect(requests.map((r) => r.body.input)).toEqual([['a', 'bb'], ['ccc']]);
    expect(requests[0]).toMatchObject({ auth: 'Bearer sk-test', body: { model: 'm', dimensions: 2 } });
  });

  it('retries 429 and 500 (honouring Retry-After), then succeeds', async () => {
    let calls = 0;
    const baseURL = await serve((_req, body, res) => {
      calls++;
      if (calls === 1) return json(res, 429, { error: 'slow down' }, { 'retry-after': '0' });
      if (calls === 2) return json(res, 500, { error: 'oops' });
      json(res, 200, {
        data: (JSON.parse(body) as { input: string[] }).input.map((_, index) => ({ index, embedding: [1] })),
      });
    });
    const provider = createOpenAICompatibleEmbeddingProvider({ baseURL, model: 'm', dimensions: 1, retryDelayMs: 1 });
    expect(await provider.embed(['x'])).toEqual([[1]]);
    expect(calls).toBe(3);
  });

  it('times out a hanging request and gives up after the retries, without the key in the message', async () => {
    let calls = 0;
    const baseURL = await serve(() => {
      calls++; // never answers
    });
    const provider = createOpenAICompatibleEmbeddingProvider({
      baseURL,
      apiKey: 'sk-secret-123',
      model: 'm',
      dimensions: 1,
      timeoutMs: 300,
      maxRetries: 1,
      retryDelayMs: 1,
    });
    const error = await provider.embed(['x']).catch((e: unknown) => e);
    expect(MemoryError.isInstance(error)).toBe(true);
    // The message counts the attempts. The server runs in this process, so on a busy machine a
    // request can time out before its handler ran: the handler's count is only an upper bound.
    expect((error as Error).message).toMatch(/failed after 2 attempts: (TimeoutError|AbortError)/);
    expect((error as Error).message).not.toContain('sk-secret-123');
    expect(calls).toBeLessThanOrEqual(2);
  });

  it('maps 401 to ConfigurationError and scrubs a key echoed by the server', async () => {
    const baseURL = await serve((req, _body, res) =>
      json(res, 401, { error: `Incorrect API key: ${req.headers.authorization}` }),
    );
    const provider = createOpenAICompatibleEmbeddingProvider({
      baseURL,
      apiKey: 'sk-secret-123',
      model: 'm',
      dimensions: 1,
    });
    const error = await provider.embed(['x']).catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/answered 401 .*check the API key/);
    expect((error as Error).message).not.toContain('sk-secret-123');
  });

  it('refuses vectors of the wrong length and does not retry a 400', async () => {
    let calls = 0;
    const baseURL = await serve((_req, body, res) => {
      calls++;
      if ((JSON.parse(body) as { input: string[] }).input[0] === 'bad')
        return json(res, 400, { error: 'input too long' });
      json(res, 200, { data: [{ index: 0, embedding: [1, 2, 3] }] });
    });
    const provider = createOpenAICompatibleEmbeddingProvider({
      baseURL,
      model: 'm',
      dimensions: 2,
      sendDimensions: false,
    });
    await expect(provider.embed(['x'])).rejects.toThrow(/3 dimensions at 0, expected 2/);
    await expect(provider.embed(['bad'])).rejects.toThrow(InvalidInputError);
    expect(calls).toBe(2);
  });
});
