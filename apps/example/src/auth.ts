import { NotFoundError } from '@memory/errors';
import type { FastifyRequest } from 'fastify';
import type { App } from './app-types.js';
import { findPrincipal, hasActiveKeys, type Principal } from './api-keys.js';
import { CodeReview } from './code-review.js';
import type { MemoryServices } from './memory-services.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's key, when one was sent and is valid; `null` otherwise. */
    principal: Principal | null;
  }
}

/** When the service requires API keys: never, always, or as soon as one active key exists. */
export type AuthMode = 'off' | 'keys' | 'auto';

/** Routes anyone may call without a key (`METHOD /pattern`); hidden routes (docs) are public too. */
const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['GET /health', 'HEAD /health']);

/** The actor recorded for a request's writes: the key's name, else `anonymous`. */
export function actorOf(request: FastifyRequest): string {
  return request.principal?.name ?? 'anonymous';
}

function httpError(statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { statusCode });
}

function keyOf(request: FastifyRequest): string | null {
  const auth = request.headers.authorization;
  if (auth && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header ? header.trim() : null;
}

/**
 * Whether a route is open without a key: the health check, routes hidden from the OpenAPI
 * document (the docs and the document), and the console's pages and assets (they hold no data:
 * the console calls the API with the key its user enters).
 */
export function isPublicRoute(method: string, url: string, hidden: boolean): boolean {
  if (hidden) return true;
  return PUBLIC_ROUTES.has(`${method} ${url}`) || url === '/' || url.startsWith('/console');
}

const isPublic = (request: FastifyRequest) => {
  const url = request.routeOptions.url;
  if (!url) return true; // no route: the 404/405 answer gives nothing away
  const hidden = Boolean((request.routeOptions.schema as { hide?: boolean } | undefined)?.hide);
  return isPublicRoute(request.method, url, hidden);
};

/**
 * Checks that a key bound to `userId` touches only that user's data: the user of the path, the
 * owner of the session or code review of the path (a message of the path must be in that session); `GET /sessions` and `POST /sessions` are
 * narrowed to the user. Any other route needs an admin key, so a route added tomorrow is closed
 * to user keys until it names whose data it touches.
 */
async function authorizeUser(request: FastifyRequest, userId: string, services: MemoryServices): Promise<void> {
  const route = `${request.method} ${request.routeOptions.url}`;
  const params = (request.params ?? {}) as Record<string, string>;
  const deny = (what: string) =>
    httpError(403, `${route}: the key ${request.principal!.name} belongs to user ${userId} and may not touch ${what}`);
  const names = Object.keys(params);
  if (names.length === 0) {
    if (route === 'GET /sessions' || route === 'HEAD /sessions') {
      const query = request.query as Record<string, unknown>;
      if (query.userId !== undefined && query.userId !== userId) throw deny(`the sessions of ${String(query.userId)}`);
      query.userId = userId;
      return;
    }
    if (route === 'POST /sessions') {
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (body && typeof body === 'object' && body.userId != null && body.userId !== userId)
        throw deny(`the sessions of ${String(body.userId)}`);
      if (body && typeof body === 'object') body.userId = userId;
      return;
    }
    throw httpError(
      403,
      `${route}: needs an admin key (the key ${request.principal!.name} is bound to user ${userId})`,
    );
  }
  for (const name of names) {
    const value = params[name]!;
    if (name === 'userId') {
      if (value !== userId) throw deny(`the data of user ${value}`);
    } else if (name === 'sessionId') {
      const owner = await services.store.getSession(value).then(
        (s) => s.userId,
        (error: unknown) => {
          if (NotFoundError.isInstance(error)) return undefined; // the handler answers 404
          throw error;
        },
      );
      if (owner !== undefined && owner !== userId) throw deny(`session ${value}`);
    } else if (name === 'messageId' && 'sessionId' in params) {
      // The session's owner is checked above or below; the handler answers 404 unless the
      // message belongs to that session, so the session check covers the message.
      continue;
    } else if (name === 'reviewId') {
      const review = await services.db.fork().findOne(CodeReview, value, { populate: ['session'] });
      if (review && review.session.getEntity().userId !== userId) throw deny(`code review ${value}`);
    } else {
      throw httpError(
        403,
        `${route}: needs an admin key (the key ${request.principal!.name} is bound to user ${userId})`,
      );
    }
  }
}

/**
 * API keys on every route but the public ones: `Authorization: Bearer <key>` or `X-API-Key`.
 * In `auto` mode keys are required once one active key exists (none on a fresh embedded setup).
 * A user-bound key is limited to its user's data (403 otherwise); an unknown or revoked key is 401.
 */
export function registerAuth(app: App, services: MemoryServices, mode: AuthMode): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    if (mode === 'off' || isPublic(request)) return;
    const key = keyOf(request);
    if (key) {
      const principal = await findPrincipal(services.db, key);
      if (!principal) throw httpError(401, 'the API key is unknown or revoked: create one with `memory keys create`');
      request.principal = principal;
      return;
    }
    if (mode === 'keys' || (await hasActiveKeys(services.db))) {
      throw httpError(
        401,
        'this service requires an API key: send Authorization: Bearer <key> (create one with `memory keys create --name NAME --admin`)',
      );
    }
  });
  app.addHook('preValidation', async (request) => {
    const principal = request.principal;
    if (!principal || principal.userId === null || isPublic(request)) return;
    await authorizeUser(request, principal.userId, services);
  });
}
