import { buildMemoryContext } from '@memory/context';
import type { EmbeddingProvider } from '@memory/embeddings';
import {
  createConversationStore,
  isNoEmbeddingsError,
  type ConversationStore,
  type SessionRecord,
} from '@memory/conversations';
import type { MemoryDb } from '@memory/db';
import { InvalidInputError, MemoryError, NotFoundError } from '@memory/errors';
import type { LongTermStorage } from '@memory/longterm-core';
import { addKnowledgeTriples, loadUserProfile, updateUserProfile, type Triple } from '@memory/semantics';
import { retrieveRelevantKnowledge } from '@memory/retrieval';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** What every MCP connection shares: where memory lives. */
export interface MemoryMcpBackend {
  /** The memory database (after `initDb()`). */
  db: MemoryDb;
  /** A store to use instead of building one on `db`. */
  store?: ConversationStore;
  /** Long-term storage of profiles and knowledge; without it the profile and knowledge tools answer with an error. */
  storage?: LongTermStorage | null;
  /** Embeds queries for message search; without it `search_memory` searches knowledge only. */
  embeddings?: EmbeddingProvider | null;
}

/** Options of {@link createMemoryMcpServer}. */
export interface MemoryMcpServerOptions extends MemoryMcpBackend {
  /**
   * The one user this server (connection) acts for. Every tool and resource is confined to
   * this user's memory; nothing the client sends can change it.
   */
  userId: string;
  /** Server name reported to clients, default `memory`. */
  name?: string;
  /** Server version reported to clients, default `0.0.0`. */
  version?: string;
}

const text = (value: unknown): CallToolResult => ({
  content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) }],
  ...(typeof value === 'object' && value !== null && !Array.isArray(value)
    ? { structuredContent: value as Record<string, unknown> }
    : {}),
});

/** A tool failure as an MCP error result: the client and model read the message; nothing is thrown. */
function errorResult(error: unknown): CallToolResult {
  const message =
    error instanceof Error && MemoryError.isInstance(error)
      ? error.message
      : error instanceof Error
        ? `[memory/mcp] ${error.message}`
        : `[memory/mcp] ${String(error)}`;
  return { isError: true, content: [{ type: 'text', text: message }] };
}

async function run(fn: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    return text(await fn());
  } catch (error) {
    return errorResult(error);
  }
}

/**
 * An MCP server (on the official `@modelcontextprotocol/sdk`) over one user's memory.
 *
 * Tools: `search_memory`, `remember`, `get_profile`, `update_profile`, `list_sessions`,
 * `read_history`, `build_context`. Resources: `memory://profile` (the user's profile) and
 * `memory://sessions/{sessionId}/transcript` (a session's messages). Every read is confined to
 * `userId`: a session of another user is reported as not found, exactly like a missing one.
 * Failures come back as tool results with `isError: true` and a message saying what to do.
 *
 * Connect it to a transport yourself, or use `serveStdio` / `createMcpHttpHandler`.
 *
 * @example
 * ```ts
 * const server = createMemoryMcpServer({ db, storage, userId: 'u1' });
 * await server.connect(new StdioServerTransport());
 * ```
 */
export function createMemoryMcpServer(options: MemoryMcpServerOptions): McpServer {
  const { db, userId } = options;
  if (!db) throw new InvalidInputError('[memory/mcp] createMemoryMcpServer needs { db }');
  if (typeof userId !== 'string' || userId.trim() === '') {
    throw new InvalidInputError('[memory/mcp] createMemoryMcpServer needs the userId the connection acts for');
  }
  const store = options.store ?? createConversationStore(db);
  const storage = options.storage ?? null;
  const embeddings = options.embeddings ?? null;
  const server = new McpServer(
    { name: options.name ?? 'memory', version: options.version ?? '0.0.0' },
    { instructions: `Long-term memory of user ${userId}: profile, facts, and past conversations.` },
  );

  const needStorage = (): LongTermStorage => {
    if (!storage) {
      throw new InvalidInputError(
        '[memory/mcp] this server has no long-term storage configured: start it with a storage URL (--storage)',
      );
    }
    return storage;
  };

  /** The session if it belongs to the bound user; otherwise the same not-found as for a missing one. */
  const ownSession = async (sessionId: string): Promise<SessionRecord> => {
    const notFound = () =>
      new NotFoundError(`[memory/mcp] session ${sessionId} not found: list_sessions shows the sessions you can read`);
    let session: SessionRecord;
    try {
      session = await store.getSession(sessionId);
    } catch (error) {
      if (NotFoundError.isInstance(error) || InvalidInputError.isInstance(error)) throw notFound();
      throw error;
    }
    if (session.userId !== userId) throw notFound();
    return session;
  };

  server.registerTool(
    'search_memory',
    {
      title: 'Search memory',
      description:
        "Search the user's memory: stored facts relevant to the query, and (when embeddings are configured) messages of past conversations.",
      inputSchema: {
        query: z.string().min(1).max(500).describe('What to look for'),
        limit: z.number().int().min(1).max(50).optional().describe('How many results of each kind (default 5)'),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ query, limit }) =>
      run(async () => {
        const topK = limit ?? 5;
        const facts = storage
          ? await retrieveRelevantKnowledge(storage, userId, query, { topK, includeEnded: false })
          : [];
        let unembedded = false;
        const hits = embeddings
          ? await store.searchMessages({ text: query, provider: embeddings, userId, topK }).catch((error: unknown) => {
              if (!isNoEmbeddingsError(error)) throw error;
              unembedded = true;
              return [];
            })
          : [];
        return {
          facts: facts.map(([subject, predicate, object]) => ({ subject, predicate, object })),
          messages: hits.map((h) => ({
            sessionId: h.message.sessionId,
            messageId: h.message.id,
            role: h.message.role,
            content: h.message.content,
            at: h.message.createdAt.toISOString(),
            score: Math.round(h.score * 1000) / 1000,
          })),
          notes: [
            ...(storage ? [] : ['no long-term storage configured: facts not searched']),
            ...(embeddings ? [] : ['no embeddings configured: messages not searched']),
            ...(unembedded ? ["none of the user's messages has an embedding yet: messages not searched"] : []),
          ],
        };
      }),
  );

  server.registerTool(
    'remember',
    {
      title: 'Remember a fact',
      description:
        'Store a durable fact about the user as subject, predicate, object. Duplicates are ignored; with replacesPrevious a new value of the predicate supersedes the old one (kept as history).',
      inputSchema: {
        subject: z.string().min(1).max(200),
        predicate: z.string().min(1).max(200),
        object: z.string().min(1).max(1000),
        replacesPrevious: z.boolean().optional(),
        sessionId: z.string().uuid().optional().describe('The conversation the fact comes from (provenance)'),
      },
    },
    async ({ subject, predicate, object, replacesPrevious, sessionId }) =>
      run(async () => {
        if (sessionId) await ownSession(sessionId);
        const triple: Triple = [subject, predicate, object, { source: 'mcp', ...(sessionId ? { sessionId } : {}) }];
        const r = await addKnowledgeTriples(needStorage(), userId, [triple], {
          singleValued: replacesPrevious ? [predicate] : [],
        });
        return { added: r.added, duplicates: r.duplicates, superseded: r.superseded };
      }),
  );

  server.registerTool(
    'get_profile',
    {
      title: 'Get profile',
      description: "The user's profile traits.",
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    async () =>
      run(async () => {
        const profile = await loadUserProfile(needStorage(), userId);
        return { traits: (profile?.traits as Record<string, unknown> | undefined) ?? {} };
      }),
  );

  server.registerTool(
    'update_profile',
    {
      title: 'Update profile',
      description: 'Set profile traits (snake_case names); a null value removes the trait. Other traits are kept.',
      inputSchema: {
        traits: z
          .record(
            z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
            z.union([z.string().max(1000), z.array(z.string().max(200)).max(50), z.null()]),
          )
          .refine((t) => Object.keys(t).length > 0, 'give at least one trait'),
      },
    },
    async ({ traits }) =>
      run(async () => {
        const { profile } = await updateUserProfile(needStorage(), userId, (p) => {
          const next: Record<string, unknown> = { ...(p.traits ?? {}) };
          for (const [k, v] of Object.entries(traits)) {
            if (v === null) delete next[k];
            else next[k] = v;
          }
          p.traits = next;
        });
        return { traits: (profile.traits as Record<string, unknown> | undefined) ?? {} };
      }),
  );

  server.registerTool(
    'list_sessions',
    {
      title: 'List sessions',
      description:
        "The user's conversations, most recent activity first, with the start of their first and last message.",
      inputSchema: {
        limit: z.number().int().min(1).max(100).optional(),
        cursor: z.string().optional().describe('nextCursor of the previous page'),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ limit, cursor }) =>
      run(async () => {
        const page = await store.listSessions({ userId, limit: limit ?? 20, cursor: cursor ?? null });
        return {
          sessions: page.sessions.map((s) => ({
            id: s.id,
            title: s.title,
            updatedAt: s.updatedAt.toISOString(),
            firstMessage: s.firstMessage?.content ?? null,
            lastMessage: s.lastMessage?.content ?? null,
          })),
          nextCursor: page.nextCursor,
        };
      }),
  );

  server.registerTool(
    'read_history',
    {
      title: 'Read history',
      description: 'Messages of one of the user\'s sessions, oldest first (the newest page; pass "before" to go back).',
      inputSchema: {
        sessionId: z.string().min(1),
        limit: z.number().int().min(1).max(200).optional(),
        before: z.string().optional().describe('olderCursor of the previous page'),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ sessionId, limit, before }) =>
      run(async () => {
        await ownSession(sessionId);
        const page = await store.getHistory(sessionId, { limit: limit ?? 50, before: before ?? null });
        return {
          messages: page.messages.map((m) => ({
            id: m.id,
            role: m.role,
            content: m.content,
            at: m.createdAt.toISOString(),
          })),
          olderCursor: page.hasOlder ? page.olderCursor : null,
        };
      }),
  );

  server.registerTool(
    'build_context',
    {
      title: 'Build context',
      description:
        'The memory context for a turn as one text: profile, relevant facts, summaries of earlier conversations and the recent messages of a session, within a budget.',
      inputSchema: {
        sessionId: z.string().optional(),
        query: z.string().max(500).optional().describe('What the turn is about'),
        maxTokens: z.number().int().min(50).max(32000).optional().describe('Budget (default 1500 tokens)'),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ sessionId, query, maxTokens }) =>
      run(async () => {
        if (sessionId) await ownSession(sessionId);
        const ctx = await buildMemoryContext({
          store,
          storage: storage ?? undefined,
          userId,
          sessionId: sessionId ?? null,
          query: query ?? undefined,
          budget: { maxTokens: maxTokens ?? 1500 },
        });
        return { text: ctx.text, usage: ctx.usage, dropped: ctx.dropped };
      }),
  );

  server.registerResource(
    'profile',
    'memory://profile',
    { title: "The user's profile", mimeType: 'application/json' },
    async (uri) => {
      const profile = storage ? await loadUserProfile(storage, userId) : null;
      return {
        contents: [
          { uri: uri.href, mimeType: 'application/json', text: JSON.stringify(profile?.traits ?? {}, null, 2) },
        ],
      };
    },
  );

  server.registerResource(
    'transcript',
    new ResourceTemplate('memory://sessions/{sessionId}/transcript', {
      list: async () => {
        const page = await store.listSessions({ userId, limit: 50 });
        return {
          resources: page.sessions.map((s) => ({
            uri: `memory://sessions/${s.id}/transcript`,
            name: s.title ?? s.id,
            mimeType: 'text/markdown',
          })),
        };
      },
    }),
    { title: 'A session transcript', mimeType: 'text/markdown' },
    async (uri, { sessionId }) => {
      const id = String(sessionId);
      const session = await ownSession(id);
      const page = await store.getHistory(id, { limit: 1000 });
      const lines = page.messages.map((m) => `**${m.role}** (${m.createdAt.toISOString()}): ${m.content}`);
      return {
        contents: [
          {
            uri: uri.href,
            mimeType: 'text/markdown',
            text: `# ${session.title ?? session.id}\n\n${page.hasOlder ? '(older messages omitted)\n\n' : ''}${lines.join('\n\n')}`,
          },
        ],
      };
    },
  );

  return server;
}
