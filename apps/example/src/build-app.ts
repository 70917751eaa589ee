import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { App } from './app-types.js';
import type { AppConfig } from './config.js';
import { loadDemoData } from './demo-data.js';
import { handleError } from './http-errors.js';
import { ErrorResponse } from './schemas.js';
import { openMemoryServices, type MemoryServices, type OpenServicesOptions } from './memory-services.js';
import { registerArchiveRoutes } from './routes/archive.js';
import { mcpTokensFromEnv, registerMcpRoutes } from './routes/mcp.js';
import { chatModelFromEnv, registerChatRoutes, type ChatModelConfig } from './routes/chat.js';
import { registerCodeReviewRoutes } from './routes/code-reviews.js';
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
      },
      requestIdHeader: 'x-request-id',
      genReqId: () => randomUUID(),
      bodyLimit: 10 * 1024 * 1024,
      ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

    app.setErrorHandler(handleError);
    app.setNotFoundHandler((request, reply) =>
      reply.code(404).send({
        error: 'NOT_FOUND',
        message: `no route ${request.method} ${request.url.split('?')[0]}: see /docs`,
        requestId: String(request.id),
      }),
    );
    app.addHook('onSend', async (request, reply) => {
      reply.header('x-request-id', String(request.id));
    });
    app.addHook('onClose', async () => services.close());

    // Every route documents the one error shape (the handler in http-errors.ts produces it).
    app.addSchema(ErrorResponse);
    app.addHook('onRoute', (route) => {
      if (!route.schema || (route.schema as { hide?: boolean }).hide) return;
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
    await app.register(swaggerUi, { routePrefix: '/docs' });
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
    await app.ready();
    return { app, services };
  } catch (error) {
    await services.close().catch(() => undefined);
    throw error;
  }
}
