import type { ClientRequest } from 'node:http';
import type { BosClientLike } from './bos-client-like.js';
import { guardTls } from './tls-guard.js';

/**
 * A way to abort the HTTP request behind one SDK call.
 *
 * `@baiducloud/sdk` 1.0.7 has no request timeout and no abort for Node (its timeout code is
 * commented out; `requestInstance` changes return types). What it does offer is a per-call
 * `config.createSignature`, called with the SDK's `HttpClient` of that request as its sixth
 * argument. The hook below delegates signing to the client's own signer (so signing stays the
 * SDK's, or the caller's custom one) and watches that `HttpClient`'s `_req` for the
 * `http.ClientRequest`, which `abort()` destroys, freeing the socket, and which gets the TLS
 * certificate check the SDK switches off ({@link guardTls}). This leans on one private field;
 * the stall test in `bos-storage.int.test.ts` and `tls-guard.int.test.ts` fail if an SDK update
 * moves it.
 */
export interface RequestControl {
  /** Per-call SDK config to pass as `options.config`. */
  readonly config: { createSignature: (...args: unknown[]) => unknown };
  /** Destroys the request (now, or as soon as the SDK creates it). */
  abort(): void;
  /**
   * Rejects when the response breaks off mid-body. The SDK pipes object bodies into a stream
   * and never settles its promise then; racing this turns a hang into a retryable failure.
   */
  readonly broken: Promise<never>;
}

/** Builds the {@link RequestControl} of one call on `client`. */
export function createRequestControl(client: BosClientLike): RequestControl {
  let aborted = false;
  const requests = new Set<ClientRequest>();
  const ownSigner = client.config.createSignature;
  let breakOff: (reason: Error) => void = () => undefined;
  const broken = new Promise<never>((_, reject) => {
    breakOff = reject;
  });
  broken.catch(() => undefined);

  function watch(httpClient: unknown): void {
    if (typeof httpClient !== 'object' || httpClient === null) return;
    let current: ClientRequest | null = null;
    Object.defineProperty(httpClient, '_req', {
      configurable: true,
      enumerable: true,
      get: () => current,
      set: (request: ClientRequest | null) => {
        current = request;
        if (!request) return;
        guardTls(request);
        request.once('response', (response) => {
          response.once('aborted', () =>
            breakOff(Object.assign(new Error('response body cut off'), { code: 'ECONNRESET' })),
          );
          response.once('error', (error) => breakOff(error));
        });
        if (aborted) request.destroy();
        else requests.add(request);
      },
    });
  }

  return {
    config: {
      createSignature(this: unknown, ...args: unknown[]) {
        watch(args[5]);
        if (typeof ownSigner === 'function') return ownSigner.apply(client, args);
        const [credentials, method, path, params, headers] = args as Parameters<BosClientLike['createSignature']>;
        return client.createSignature(credentials, method, path, params, headers);
      },
    },
    abort() {
      aborted = true;
      for (const request of requests) request.destroy();
      requests.clear();
    },
    broken,
  };
}
