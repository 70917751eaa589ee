import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What the proxy does to one request:
 * - `status`: answers it itself with this HTTP status (a 500/503 burst), never reaching the upstream;
 * - `delay`: forwards it, and holds the upstream's answer back `ms` before sending anything;
 * - `reset`: forwards it, sends the status line, headers and `bytes` of the body, then resets the connection (RST);
 * - `truncate`: like `reset` but closes the connection cleanly (FIN): a download shorter than its Content-Length;
 * - `drop-request`: resets the connection as soon as the request arrives (the upstream never sees it).
 */
export type FaultAction =
  | { kind: 'status'; status: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset'; bytes: number }
  | { kind: 'truncate'; bytes: number }
  | { kind: 'drop-request' };

/** A fault queued for the next `count` requests that `match` accepts (every request without `match`). */
interface FaultRule {
  action: FaultAction;
  count?: number;
  match?: (request: { method: string; url: string }) => boolean;
}

/** A running {@link startFaultProxy}. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`, to use as the storage endpoint instead of the upstream's. */
  readonly endpoint: string;
  /** What the proxy did to each request: method, URL and the fault applied (`pass` for none). */
  readonly log: Array<{ method: string; url: string; fault: string }>;
  /** Queues a fault. */
  inject(rule: FaultRule): void;
  /** A fault chosen by `pick` for every request until cleared (`undefined` = pass), for random schedules. */
  setChaos(pick: ((request: { method: string; url: string }) => FaultAction | undefined) | undefined): void;
  /** Forgets queued faults and chaos. */
  clear(): void;
  close(): Promise<void>;
}

/**
 * Starts an HTTP fault proxy on 127.0.0.1 in front of `upstream` (`http://127.0.0.1:<port>`).
 * Requests are forwarded unchanged, the `Host` header included, so signatures made for the
 * proxy's address (SigV4, BCE auth) still verify upstream only when the upstream checks the
 * host it is given: both test servers of this repo do.
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const rules: Array<Required<Pick<FaultRule, 'action'>> & FaultRule & { left: number }> = [];
  let chaos: ((r: { method: string; url: string }) => FaultAction | undefined) | undefined;
  const log: FaultProxy['log'] = [];
  const sockets = new Set<Socket>();

  const take = (req: { method: string; url: string }): FaultAction | undefined => {
    const i = rules.findIndex((r) => !r.match || r.match(req));
    if (i >= 0) {
      const rule = rules[i]!;
      if (--rule.left <= 0) rules.splice(i, 1);
      return rule.action;
    }
    return chaos?.(req);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const info = { method: req.method ?? 'GET', url: req.url ?? '/' };
    const fault = take(info);
    log.push({ ...info, fault: fault ? describe(fault) : 'pass' });
    if (fault?.kind === 'drop-request') {
      req.socket.resetAndDestroy();
      return;
    }
    if (fault?.kind === 'status') {
      req.resume();
      const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.status === 503 ? 'SlowDown' : 'InternalError'}</Code><Message>injected by the fault proxy</Message></Error>`;
      res.writeHead(fault.status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const upstreamReq = httpRequest({
      host: target.hostname,
      port: target.port,
      method: info.method,
      path: info.url,
      headers: req.headers,
    });
    req.pipe(upstreamReq);
    upstreamReq.on('error', () => req.socket.destroy());
    const upstreamRes = await new Promise<IncomingMessage>((resolve) => upstreamReq.on('response', resolve));
    const body = await readAll(upstreamRes);
    if (fault?.kind === 'delay') await sleep(fault.ms);
    if (req.socket.destroyed) return; // the client gave up (its timeout)
    if (fault?.kind === 'reset' || fault?.kind === 'truncate') {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      res.flushHeaders();
      const cut = Math.min(fault.bytes, Math.max(0, body.length - 1));
      if (cut > 0) res.socket?.write(encodeChunk(body.subarray(0, cut), upstreamRes.headers));
      await sleep(10);
      if (fault.kind === 'reset') res.socket?.resetAndDestroy();
      else res.socket?.end();
      return;
    }
    res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
    res.end(body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    inject(rule) {
      rules.push({ ...rule, left: rule.count ?? 1 });
    },
    setChaos(pick) {
      chaos = pick;
    },
    clear() {
      rules.length = 0;
      chaos = undefined;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function describe(fault: FaultAction): string {
  switch (fault.kind) {
    case 'status':
      return `status ${fault.status}`;
    case 'delay':
      return `delay ${fault.ms} ms`;
    case 'reset':
    case 'truncate':
      return `${fault.kind} after ${fault.bytes} bytes`;
    default:
      return fault.kind;
  }
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The bytes as they go on the wire: raw with a Content-Length, a chunk frame when the upstream chunked. */
function encodeChunk(bytes: Buffer, headers: IncomingMessage['headers']): Buffer {
  if (headers['content-length'] !== undefined) return bytes;
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
}
