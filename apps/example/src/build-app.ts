import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv, type Options as AjvOptions } from 'ajv';
import addFormats from 'ajv-formats';
import { InvalidInputError } from '@memory/errors';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { App } from './app-types.js';
import type { AppConfig } from './config.js';
import { loadDemoData } from './demo-data.js';
import { parseDatabaseUrl } from '@memory/db';
import { hashApiKey } from './api-keys.js';
import { inputProblem, MAX_BODY_DEPTH } from './input-limits.js';
import { actorOf, registerAuth } from './auth.js';
import { createErrorHandler, createFrameworkErrorHandler } from './http-errors.js';
import { prettyLogStream } from './pretty-log.js';
import { RouteTable } from './route-table.js';
import { ErrorResponse } from './schemas.js';
import { openMemoryServices, type MemoryServices, type OpenServicesOptions } from './memory-services.js';
import { registerArchiveRoutes } from './routes/archive.js';
import { mcpTokensFromEnv, registerMcpRoutes } from './routes/mcp.js';
import { chatModelFromEnv, registerChatRoutes, type ChatModelConfig } from './routes/chat.js';
import { registerCodeReviewRoutes } from './routes/code-reviews.js';
import { registerConsoleApiRoutes } from './routes/console-api.js';
import { registerConsoleRoutes } from './routes/console.js';
import { registerContextRoutes } from './routes/context.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerLongTermRoutes } from './routes/long-term.js';
import { registerMessageRoutes } from './routes/messages.js';
import { registerSearchRoutes } from './routes/search.js';
import { registerSessionRoutes } from './routes/sessions.js';
import { registerSummaryRoutes } from './routes/summaries.js';
import { registerUserRoutes } from './routes/users.js';

/** Options of {@link buildApp} beyond the configuration. */
export interface BuildAppOptions extends OpenServicesOptions {
  /** Fastify's logger option; default pino at `config.logLevel`, headers with credentials redacted. */
  logger?: FastifyServerOptions['logger'];
  /** The chat model of `POST /chat/:sessionId`; default from `MEMORY_CHAT_*` (`null`: none, the route answers 503). */
  chatModel?: ChatModelConfig | null;
  /** Bearer tokens (`token → userId`) of the MCP endpoint at `/mcp`; default from `MEMORY_MCP_TOKENS` (none: not mounted). */
  mcpTokens?: Record<string, string> | null;
}

/** The service and what it runs on (the routes' services, for tests and for shutdown). */
export interface MemoryApp {
  app: App;
  services: MemoryServices;
  /** Every route Fastify registered (method and URL pattern), from its `onRoute` hook. */
  routes: RouteTable;
}

/**
 * Marks every object schema with named properties as closed (`additionalProperties: false`)
 * unless it says otherwise, so an unknown field is a 400 naming it, not silently dropped.
 */
function closeObjectSchemas(schema: unknown): void {
  if (!schema || typeof schema !== 'object') return;
  const s = schema as Record<string, unknown>;
  if (s.type === 'object' && s.properties && s.additionalProperties === undefined && !s.patternProperties)
    s.additionalProperties = false;
  for (const key of ['properties', 'patternProperties']) {
    const children = s[key];
    if (children && typeof children === 'object')
      for (const child of Object.values(children)) closeObjectSchemas(child);
  }
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf', 'prefixItems']) {
    const child = s[key];
    if (Array.isArray(child)) child.forEach(closeObjectSchemas);
    else closeObjectSchemas(child);
  }
}

/** The longest path parameter the router takes, percent-encoded (a 512-byte user id and then some). */
const MAX_PARAM_LENGTH = 2048;

function makeAjv(options: AjvOptions) {
  const ajv = new Ajv({ removeAdditional: false, useDefaults: true, strict: false, allErrors: false, ...options });
  addFormats.default(ajv);
  return ajv;
}

/**
 * Builds the HTTP service on `config` without listening: connects and initializes the database,
 * loads the demo conversation when `config.demoData`, registers the routes and the OpenAPI
 * document (`/openapi.json`, browsable at `/docs`). `app.close()` closes the database too.
 *
 * @example
 * ```ts
 * const { app } = await buildApp(loadConfig());
 * await app.listen({ port: 3000 });
 * ```
 */
export async function buildApp(config: AppConfig, options: BuildAppOptions = {}): Promise<MemoryApp> {
  const services = await openMemoryServices(config, options);
  try {
    if (config.demoData) await loadDemoData(services);
    const app = Fastify({
      logger: options.logger ?? {
        level: config.logLevel,
        redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
        ...(config.logFormat === 'pretty' ? { stream: prettyLogStream() } : {}),
      },
      requestIdHeader: 'x-request-id',
      genReqId: () => randomUUID(),
      bodyLimit: config.bodyLimit,
      // A user id may be 512 UTF-8 bytes, i.e. up to 1536 characters percent-encoded; Fastify's
      // default of 100 answered 414 to valid ids.
      routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
      frameworkErrors: createFrameworkErrorHandler({ maxParamLength: MAX_PARAM_LENGTH }),
    }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

    // Bodies are JSON and keep their types (a number where a string belongs is a 400, not
    // coerced); path, query and headers are text, so they are coerced to the declared types.
    const strictAjv = makeAjv({ coerceTypes: false });
    const coercingAjv = makeAjv({ coerceTypes: 'array' });
    app.setValidatorCompiler(({ schema, httpPart }) =>
      (httpPart === 'body' ? strictAjv : coercingAjv).compile(schema as object),
    );

    // Refused on every route, before validation: bodies nested deeper than MAX_BODY_DEPTH (recursive
    // code behind the routes overflowed the stack) and NUL in any string (PostgreSQL cannot hold it).
    app.addHook('preValidation', async (request) => {
      for (const [part, value] of [
        ['params', request.params],
        ['querystring', request.query],
        ['body', request.body],
      ] as const) {
        const problem = inputProblem(value);
        if (!problem) continue;
        const at = problem.at.slice(0, 200);
        const field = part === 'body' ? `body${at}` : at.slice(1) || part;
        throw new InvalidInputError(
          problem.kind === 'nul'
            ? `${field} contains a NUL character (\\u0000), which the service does not store or search: strip it`
            : `the body nests deeper than ${MAX_BODY_DEPTH} levels (at ${at}): send a flatter body`,
          {
            details: {
              field,
              in: part,
              problem: problem.kind,
              ...(problem.kind === 'too-deep' ? { maxDepth: MAX_BODY_DEPTH } : {}),
            },
          },
        );
      }
    });

    const routes = new RouteTable();
    app.setErrorHandler(
      createErrorHandler({ bodyLimit: config.bodyLimit, database: parseDatabaseUrl(config.databaseUrl) }),
    );
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0]!;
      const allowed = routes.methodsFor(path);
      if (allowed.length > 0) {
        return reply
          .code(405)
          .header('allow', allowed.join(', '))
          .send({
            error: 'METHOD_NOT_ALLOWED',
            message: `${request.method} is not allowed on ${path}: use ${allowed.join(', ')} (see /docs)`,
            requestId: String(request.id),
            details: { allowed },
          });
      }
      return reply.code(404).send({
        error: 'NOT_FOUND',
        message: `no route ${request.method} ${path}: see /docs for the routes`,
        requestId: String(request.id),
      });
    });
    app.addHook('onSend', async (request, reply) => {
      reply.header('x-request-id', String(request.id));
    });
    app.addHook('onClose', async () => services.close());

    // Every route documents the one error shape (the handler in http-errors.ts produces it).
    app.addSchema(ErrorResponse);
    app.addHook('onRoute', (route) => {
      const hidden = !route.schema || Boolean((route.schema as { hide?: boolean }).hide);
      routes.add(route.method, route.url, hidden, route.schema as Record<string, unknown> | undefined);
      if (!route.schema || hidden) return;
      closeObjectSchemas(route.schema.body);
      closeObjectSchemas(route.schema.querystring);
      const error = { $ref: 'ErrorResponse#' };
      route.schema.response = { '4XX': error, '5XX': error, ...(route.schema.response as object | undefined) };
    });

    await app.register(swagger, {
      // Shared schemas keep their $id as the component name (ErrorResponse, not def-0).
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
      },
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'memory example service',
          version: '0.0.0',
          description:
            'Conversation memory for AI agents: sessions, messages, summaries, semantic search, long-term user memory, archive.',
        },
      },
    });
    // Security headers; the CSP allows only this origin's scripts (docs and console included).
    await app.register(helmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
        },
      },
    });
    if (config.rateLimitPerMinute > 0) {
      await app.register(rateLimit, {
        max: config.rateLimitPerMinute,
        timeWindow: '1 minute',
        keyGenerator: (request) => {
          const key = request.headers.authorization ?? request.headers['x-api-key'];
          return typeof key === 'string' ? `key:${hashApiKey(key)}` : `ip:${request.ip}`;
        },
        errorResponseBuilder: (_request, context) =>
          Object.assign(
            new Error(
              `rate limit reached: at most ${context.max} requests a minute per key (or address); retry in ${Math.ceil(context.ttl / 1000)} s`,
            ),
            { statusCode: 429 },
          ),
      });
    }
    registerAuth(app, services, config.authMode);
    // Every successful write is in the audit log with its actor (the key's name): one row a write.
    // Routes whose operation audits itself in its own transaction (`config.ownAudit`: editing or
    // deleting a message, code reviews, deleting a session, purging a user) get no second row here.
    // Written before the answer leaves, so a client's next request (a purge) sees the row.
    app.addHook('onSend', async (request, reply, payload) => {
      const url = request.routeOptions.url;
      if (!url || !['POST', 'PATCH', 'PUT', 'DELETE'].includes(request.method) || reply.statusCode >= 300)
        return payload;
      if (request.routeOptions.config.ownAudit) return payload;
      const params = (request.params ?? {}) as Record<string, string>;
      try {
        await services.db.scope(async (em) =>
          services.db.logAudit(em, {
            action: 'api_write',
            resourceType: params.sessionId ? 'session' : params.userId ? 'user' : 'api',
            resourceId: params.sessionId ?? null,
            actor: actorOf(request),
            details: {
              route: `${request.method} ${url}`,
              status: reply.statusCode,
              requestId: String(request.id),
              ...(params.userId ? { userId: params.userId } : {}),
            },
          }),
        );
      } catch (error) {
        request.log.error({ err: error }, 'writing the audit row failed');
      }
      return payload;
    });
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
    if (config.corsOrigins.length > 0) {
      await app.register(cors, {
        origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
        methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
        exposedHeaders: ['etag', 'x-request-id'],
      });
    }
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

    registerHealthRoutes(app, services);
    registerSessionRoutes(app, services);
    registerMessageRoutes(app, services);
    registerSummaryRoutes(app, services);
    registerSearchRoutes(app, services);
    registerLongTermRoutes(app, services);
    registerContextRoutes(app, services);
    registerArchiveRoutes(app, services);
    registerUserRoutes(app, services);
    registerCodeReviewRoutes(app, services);
    registerChatRoutes(
      app,
      services,
      options.chatModel !== undefined ? options.chatModel : chatModelFromEnv(process.env),
    );
    registerMcpRoutes(
      app,
      services,
      options.mcpTokens !== undefined ? options.mcpTokens : mcpTokensFromEnv(process.env),
    );
    registerConsoleApiRoutes(app, services);
    registerConsoleRoutes(app);
    await app.ready();
    return { app, services, routes };
  } catch (error) {
    await services.close().catch(() => undefined);
    throw error;
  }
}
