import type { ClientRequest } from 'node:http';
import type { BosClientLike } from './bos-client-like.js';
import { hookRequests } from './sdk-internals.js';
import { guardTls } from './tls-guard.js';

/**
 * A way to abort the HTTP request behind one SDK call, built on the request hook of
 * `sdk-internals.ts` (the only file that touches the SDK's internals). Each request it sees is
 * given the TLS certificate check the SDK switches off ({@link guardTls}), watched for a body cut
 * off mid-way, and destroyed by {@link RequestControl.abort}.
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
  let breakOff: (reason: Error) => void = () => undefined;
  const broken = new Promise<never>((_, reject) => {
    breakOff = reject;
  });
  broken.catch(() => undefined);

  const config = hookRequests(client, (request) => {
    guardTls(request);
    request.once('response', (response) => {
      response.once('aborted', () =>
        breakOff(Object.assign(new Error('response body cut off'), { code: 'ECONNRESET' })),
      );
      response.once('error', (error) => breakOff(error));
    });
    if (aborted) request.destroy();
    else requests.add(request);
  });

  return {
    config,
    abort() {
      aborted = true;
      for (const request of requests) request.destroy();
      requests.clear();
    },
    broken,
  };
}
