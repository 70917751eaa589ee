import type { ClientRequest } from 'node:http';
import { TLSSocket } from 'node:tls';

/**
 * Refuses HTTPS peers whose certificate does not verify, which `@baiducloud/sdk` 1.0.7 itself
 * does not do: its `HttpClient` sets `rejectUnauthorized = false` on every request, so a
 * machine in the middle could read objects and collect signed requests. Node still verifies
 * the chain and host name and records the verdict in `socket.authorized`; this destroys the
 * request on `secureConnect` when it is `false`, before the request is written to the socket.
 */
export function guardTls(request: ClientRequest): void {
  request.once('socket', (socket) => {
    if (!(socket instanceof TLSSocket)) return;
    const check = () => {
      if (socket.authorized) return;
      const reason = String(socket.authorizationError ?? 'certificate not trusted');
      request.destroy(
        Object.assign(new Error(`TLS certificate of the endpoint did not verify (${reason})`), {
          code: 'ERR_TLS_CERT_UNTRUSTED',
          reason,
        }),
      );
    };
    // A reused connection finished its handshake already; a new one is still connecting.
    if (socket.getProtocol() !== null && !socket.connecting) check();
    else socket.once('secureConnect', check);
  });
}
