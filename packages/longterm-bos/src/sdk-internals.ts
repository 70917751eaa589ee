import type { ClientRequest } from 'node:http';
import type { BosClientLike } from './bos-client-like.js';

/**
 * Every place this package relies on `@baiducloud/sdk` internals, in one file.
 *
 * `@baiducloud/sdk` 1.0.7 has no request timeout and no abort for Node (its timeout code is
 * commented out), and its `HttpClient` sets `rejectUnauthorized = false` on every request. What
 * it does offer publicly is a per-call `config.createSignature`. Two facts below are not public:
 *
 * 1. `HttpClient.prototype.sendRequest` calls that signer with the `HttpClient` of the request
 *    as its sixth argument (`signFunction(credentials, method, path, params, headers, this)`).
 * 2. `HttpClient.prototype._doRequest` stores the `http.ClientRequest` it creates in the
 *    instance field `_req` (`client._req = api.request(...)`), before anything is written.
 *
 * A setter on `_req` therefore hands over each request as it is created, which is how requests
 * are aborted, watched for cut-off bodies and given the TLS check back. `sdk-internals.int.test.ts`
 * asserts both facts against the installed SDK and fails the day an update moves them.
 */

/** The SDK facts this file depends on, checked by `sdk-internals.int.test.ts`. */
export const SDK_INTERNALS = Object.freeze({
  /** The SDK version these facts were read from. */
  reviewedVersion: '1.0.7',
  /** Index of the `HttpClient` among the signer's arguments. */
  httpClientArgument: 5,
  /** The `HttpClient` field that receives each `http.ClientRequest`. */
  requestField: '_req',
});

/**
 * The per-call SDK config (`options.config`) whose `createSignature` hands each
 * `http.ClientRequest` of the call to `onRequest` as the SDK creates it. Signing stays the SDK's
 * (or the client's own custom signer's).
 */
export function hookRequests(
  client: BosClientLike,
  onRequest: (request: ClientRequest) => void,
): { createSignature: (...args: unknown[]) => unknown } {
  const ownSigner = client.config.createSignature;
  return {
    createSignature(this: unknown, ...args: unknown[]) {
      watchRequestField(args[SDK_INTERNALS.httpClientArgument], onRequest);
      if (typeof ownSigner === 'function') return ownSigner.apply(client, args);
      const [credentials, method, path, params, headers] = args as Parameters<BosClientLike['createSignature']>;
      return client.createSignature(credentials, method, path, params, headers);
    },
  };
}

function watchRequestField(httpClient: unknown, onRequest: (request: ClientRequest) => void): void {
  if (typeof httpClient !== 'object' || httpClient === null) return;
  let current: ClientRequest | null = null;
  Object.defineProperty(httpClient, SDK_INTERNALS.requestField, {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (request: ClientRequest | null) => {
      current = request;
      if (request) onRequest(request);
    },
  });
}
