import { InvalidInputError } from '@memory/errors';
import type { Triple } from '@memory/semantics';
import { tool, type Tool } from 'ai';
import { z } from 'zod';
import { externalIdToUuid } from './ids.js';
import type { Memory } from './memory.js';

/** Options of {@link memoryTools}. */
export interface MemoryToolsOptions {
  memory: Memory;
  /** The user whose memory the tools read and change: fixed here, never taken from the model. */
  userId: string;
  /** The conversation the tools run in: stored as the provenance of remembered facts. */
  sessionId?: string;
  /** Predicates that hold one value at a time (a new value supersedes the old), e.g. `['lives in']`. */
  singleValued?: readonly string[];
}

/** What a memory tool returns when it fails: a result the model can read, not a thrown error. */
export interface ToolErrorResult {
  error: string;
}

/** The tools {@link memoryTools} returns, by name. */
export type MemoryTools = {
  recall_memory: Tool<
    { query: string; limit?: number },
    | { profile: Record<string, unknown>; facts: Array<{ subject: string; predicate: string; object: string }> }
    | ToolErrorResult
  >;
  remember_fact: Tool<
    { subject: string; predicate: string; object: string; replacesPrevious?: boolean; confidence?: number },
    { added: number; duplicates: number; superseded: number } | ToolErrorResult
  >;
  update_profile: Tool<
    { trait: string; value: string | string[] | null },
    { traits: Record<string, unknown> } | ToolErrorResult
  >;
  search_conversations: Tool<
    { query: string; limit?: number },
    | {
        hits: Array<{
          sessionId: string;
          at: string;
          score: number;
          messages: Array<{ role: string; content: string }>;
        }>;
      }
    | ToolErrorResult
  >;
};

const toError = (error: unknown): ToolErrorResult => ({
  error: error instanceof Error ? error.message : String(error),
});

async function safely<T>(run: () => Promise<T>): Promise<T | ToolErrorResult> {
  try {
    return await run();
  } catch (error) {
    return toError(error);
  }
}

const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * AI SDK tools with which an agent manages its own memory:
 *
 * - `recall_memory`: the user's profile traits and the facts relevant to a query;
 * - `remember_fact`: stores a fact as a `[subject, predicate, object]` triple through the
 *   deterministic merge (dedupe, supersede), with provenance (session, tool call, time);
 * - `update_profile`: sets or removes one profile trait;
 * - `search_conversations`: messages of past conversations similar to a query, with neighbours
 *   (needs the memory's embeddings).
 *
 * The user is bound when the tools are made; the model cannot name another user. A failure
 * (bad input, storage down, no embeddings configured) comes back as `{ error }`, which the model
 * reads and can act on, instead of an exception that ends the run.
 *
 * @example
 * ```ts
 * const result = await generateText({ model, tools: memoryTools({ memory, userId: 'u1', sessionId }), prompt });
 * ```
 */
export function memoryTools(options: MemoryToolsOptions): MemoryTools {
  const { memory, userId } = options;
  if (!memory || typeof userId !== 'string' || userId === '') {
    throw new InvalidInputError('[memory/ai-sdk] memoryTools needs { memory, userId }');
  }
  const sessionId = options.sessionId ? externalIdToUuid('chat', options.sessionId) : undefined;

  return {
    recall_memory: tool({
      description:
        "Look up what is remembered about the user: profile traits and the stored facts most relevant to the query. Use before answering questions about the user's preferences, history or circumstances.",
      inputSchema: z.object({
        query: text(500).describe('What to look up, in a few words'),
        limit: z.number().int().min(1).max(50).optional().describe('How many facts at most (default 8)'),
      }),
      execute: async ({ query, limit }) =>
        safely(async () => {
          const [profile, facts] = await Promise.all([
            memory.profile.get(userId),
            memory.knowledge.search(userId, query, limit ?? 8),
          ]);
          return {
            profile: (profile?.traits as Record<string, unknown> | undefined) ?? {},
            facts: facts.map(([subject, predicate, object]) => ({ subject, predicate, object })),
          };
        }),
    }),

    remember_fact: tool({
      description:
        'Remember a durable fact about the user as subject, predicate, object (e.g. "user", "lives in", "Lyon"). Set replacesPrevious when the predicate holds one value at a time, so the new value supersedes the old one.',
      inputSchema: z.object({
        subject: text(200),
        predicate: text(200),
        object: text(1000),
        replacesPrevious: z.boolean().optional().describe('The predicate has one current value (e.g. "lives in")'),
        confidence: z.number().min(0).max(1).optional(),
      }),
      execute: async ({ subject, predicate, object, replacesPrevious, confidence }, { toolCallId }) =>
        safely(async () => {
          const triple: Triple = [
            subject,
            predicate,
            object,
            {
              ...(sessionId ? { sessionId } : {}),
              source: 'tool:remember_fact',
              toolCallId,
              ...(confidence === undefined ? {} : { confidence }),
            },
          ];
          const single = new Set(options.singleValued ?? []);
          if (replacesPrevious) single.add(predicate);
          const result = await memory.knowledge.add(userId, [triple], { singleValued: [...single] });
          return { added: result.added, duplicates: result.duplicates, superseded: result.superseded };
        }),
    }),

    update_profile: tool({
      description:
        'Set one trait of the user profile (e.g. communication_style, preferred_topics), or remove it with value null.',
      inputSchema: z.object({
        trait: z
          .string()
          .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a snake_case name such as communication_style')
          .describe('snake_case trait name'),
        value: z.union([text(1000), z.array(text(200)).max(50), z.null()]),
      }),
      execute: async ({ trait, value }) =>
        safely(async () => {
          const profile = await memory.profile.updateTraits(userId, { [trait]: value });
          return { traits: (profile.traits as Record<string, unknown> | undefined) ?? {} };
        }),
    }),

    search_conversations: tool({
      description:
        'Search past conversations with the user for messages similar to the query; returns each hit with the messages around it.',
      inputSchema: z.object({
        query: text(500),
        limit: z.number().int().min(1).max(20).optional().describe('How many hits (default 5)'),
      }),
      execute: async ({ query, limit }) =>
        safely(async () => {
          const hits = await memory.recall(query, { userId, topK: limit ?? 5, neighbours: 1 });
          return {
            hits: hits.map((h) => ({
              sessionId: h.message.sessionId,
              at: h.message.createdAt.toISOString(),
              score: Math.round(h.score * 1000) / 1000,
              messages: [...h.before, h.message, ...h.after].map((m) => ({ role: m.role, content: m.content })),
            })),
          };
        }),
    }),
  };
}
