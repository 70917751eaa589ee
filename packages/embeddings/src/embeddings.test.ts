import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigurationError, InvalidInputError, MemoryError } from '@memory/errors';
import { MockEmbeddingModelV4 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { createAiSdkEmbeddingProvider, createOpenAICompatibleEmbeddingProvider } from './index.js';

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

/** Everything an error shows when logged: message, details, cause chain, own fields. */
const everything = (error: unknown) => `${inspect(error, { depth: 20 })} ${JSON.stringify(error)}`;

describe('createOpenAICompatibleEmbeddingProvider (through the AI SDK, against a local HTTP server)', () => {
  it('batches one request after another, sends model, dimensions and the key', async () => {
    const requests: Array<{
      auth: string | undefined;
      body: { model: string; input: string[]; dimensions?: number; encoding_format?: string };
    }> = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const baseURL = await serve((req, body, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const parsed = JSON.parse(body) as { model: string; input: string[]; dimensions?: number };
      requests.push({ auth: req.headers.authorization, body: parsed });
      expect(req.url).toBe('/v1/embeddings');
      const data = parsed.input.map((t, index) => ({ index, embedding: [t.length, index] }));
      setTimeout(() => {
        inFlight--;
        json(res, 200, { object: 'list', data });
      }, 20);
    });
    const provider = createOpenAICompatibleEmbeddingProvider({
      baseURL: `${baseURL}/`,
      apiKey: 'sk-test',
      model: 'm',
      dimensions: 2,
      batchSize: 2,
    });
    expect(provider.modelId).toBe('m@2');
    expect(await provider.embed(['a', 'bb', 'ccc'])).toEqual([
      [1, 0],
      [2, 1],
      [3, 0],
    ]);
    expect(requests.map((r) => r.body.input)).toEqual([['a', 'bb'], ['ccc']]);
    expect(requests[0]).toMatchObject({
      auth: 'Bearer sk-test',
      body: { model: 'm', dimensions: 2, encoding_format: 'float' },
    });
    expect(maxInFlight).toBe(1);
    expect(await provider.embed([])).toEqual([]);
  });

  it('retries 429 and 500 (honouring Retry-After), then succeeds', async () => {
    let calls = 0;
    const baseURL = await serve((_req, body, res) => {
      calls++;
      if (calls === 1) return json(res, 429, { error: { message: 'slow down' } }, { 'retry-after': '0' });
      if (calls === 2) return json(res, 500, { error: { message: 'oops' } }, { 'retry-after-ms': '5' });
      json(res, 200, {
        data: (JSON.parse(body) as { input: string[] }).input.map((_, index) => ({ index, embedding: [1] })),
      });
    });
    const provider = createOpenAICompatibleEmbeddingProvider({ baseURL, model: 'm', dimensions: 1 });
    expect(await provider.embed(['x'])).toEqual([[1]]);
    expect(calls).toBe(3);
  });

  it('gives up after maxRetries with a MemoryError counting the attempts, without the key', async () => {
    let calls = 0;
    const baseURL = await serve((req, _body, res) => {
      calls++;
      json(res, 503, { error: { message: `overloaded (${req.headers.authorization})` } }, { 'retry-after': '0' });
    });
    const provider = createOpenAICompatibleEmbeddingProvider({
      baseURL,
      apiKey: 'sk-secret-123',
      model: 'm',
      dimensions: 1,
      maxRetries: 2,
    });
    const error = await provider.embed(['x']).catch((e: unknown) => e);
    expect(MemoryError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /embeddings at http:\/\/127\.0\.0\.1:\d+\/v1\/embeddings \(model m\) failed after 3 attempts: overloaded \(Bearer \*\*\*\)/,
    );
    expect(everything(error)).not.toContain('sk-secret-123');
    expect(calls).toBe(3);
  });

  it('times out a hanging request, without the key in the error', async () => {
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
    });
    const started = Date.now();
    const error = await provider.embed(['x']).catch((e: unknown) => e);
    expect(MemoryError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/\(model m\) timed out/);
    expect(everything(error)).not.toContain('sk-secret-123');
    // A timed-out request is not retried (the AI SDK treats an abort as final).
    expect(calls).toBeLessThanOrEqual(1);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('maps 401 to ConfigurationError and scrubs a key echoed by the server', async () => {
    const baseURL = await serve((req, _body, res) =>
      json(res, 401, { error: { message: `Incorrect API key: ${req.headers.authorization}` } }),
    );
    const provider = createOpenAICompatibleEmbeddingProvider({
      baseURL,
      apiKey: 'sk-secret-123',
      model: 'm',
      dimensions: 1,
    });
    const error = await provider.embed(['x']).catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/answered 401: check the API key.*Incorrect API key: Bearer \*\*\*/);
    expect(everything(error)).not.toContain('sk-secret-123');
  });

  it('maps 404 to ConfigurationError naming the URL or the model', async () => {
    const baseURL = await serve((_req, _body, res) => json(res, 404, { error: { message: 'no such model' } }));
    const provider = createOpenAICompatibleEmbeddingProvider({ baseURL, model: 'nope', dimensions: 1 });
    await expect(provider.embed(['x'])).rejects.toThrow(/answered 404: check the URL or the model/);
  });

  it('refuses vectors of the wrong length and does not retry a 400', async () => {
    let calls = 0;
    const bodies: Array<Record<string, unknown>> = [];
    const baseURL = await serve((_req, body, res) => {
      calls++;
      const parsed = JSON.parse(body) as { input: string[] };
      bodies.push(parsed);
      if (parsed.input[0] === 'bad') return json(res, 400, { error: { message: 'input too long' } });
      json(res, 200, { data: [{ index: 0, embedding: [1, 2, 3] }] });
    });
    const provider = createOpenAICompatibleEmbeddingProvider({
      baseURL,
      model: 'm',
      dimensions: 2,
      sendDimensions: false,
    });
    await expect(provider.embed(['x'])).rejects.toThrow(/3 dimensions at 0, expected 2/);
    const error = await provider.embed(['bad']).catch((e: unknown) => e);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/refused the request \(400\): input too long/);
    expect(calls).toBe(2);
    expect(bodies[0]).not.toHaveProperty('dimensions');
  });

  it('maps a refused connection, after its retries, to a MemoryError', async () => {
    const baseURL = await serve(() => {});
    await close!(); // nothing listens on the port any more
    close = undefined;
    const provider = createOpenAICompatibleEmbeddingProvider({ baseURL, model: 'm', dimensions: 1, maxRetries: 0 });
    const error = await provider.embed(['x']).catch((e: unknown) => e);
    expect(MemoryError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/\(model m\) failed/);
  });

  it('keeps a password in the URL out of the error', async () => {
    const provider = createOpenAICompatibleEmbeddingProvider({
      baseURL: 'http://user:pa%24sword@127.0.0.1:9/v1',
      model: 'm',
      dimensions: 1,
    });
    const error = await provider.embed(['x']).catch((e: unknown) => e);
    expect(MemoryError.isInstance(error)).toBe(true);
    expect(everything(error)).not.toMatch(/pa(\$|%24)sword/);
  });
});
