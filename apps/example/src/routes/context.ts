import { buildMemoryContext } from '@memory/context';
import { Type } from 'typebox';
import type { App } from '../app-types.js';
import type { MemoryServices } from '../memory-services.js';
import { ContextBody, SessionParams } from '../schemas.js';

/** The memory context of a chat turn: recent messages, summaries, profile and relevant knowledge within a budget. */
export function registerContextRoutes(app: App, { store, storage }: MemoryServices): void {
  app.post(
    '/sessions/:sessionId/context',
    {
      schema: {
        tags: ['context'],
        summary: 'Build the memory context of the next turn (parts and one system-prompt text)',
        params: SessionParams,
        body: Type.Optional(
          Type.Object({
            query: Type.Optional(Type.String({ description: 'what the turn is about; default the last user message' })),
            maxChars: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
            maxTokens: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
            maxMessages: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
            maxSummaries: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
            maxKnowledge: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
          }),
        ),
        response: { 200: ContextBody },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      const budget =
        body.maxTokens !== undefined
          ? { maxTokens: body.maxTokens }
          : body.maxChars !== undefined
            ? { maxChars: body.maxChars }
            : undefined;
      return buildMemoryContext({
        store,
        storage,
        sessionId: request.params.sessionId,
        ...(body.query !== undefined ? { query: body.query } : {}),
        ...(budget ? { budget } : {}),
        ...(body.maxMessages !== undefined ? { maxMessages: body.maxMessages } : {}),
        ...(body.maxSummaries !== undefined ? { maxSummaries: body.maxSummaries } : {}),
        ...(body.maxKnowledge !== undefined ? { maxKnowledge: body.maxKnowledge } : {}),
      });
    },
  );
}
