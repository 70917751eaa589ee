import type { EmbeddingProvider } from '@memory/embeddings';
import { buildMemoryContext, estimateTokens, type ContextBudget, type MemoryContext } from '@memory/context';
import {
  createConversationStore,
  type AppendResult,
  type ConversationStore,
  type MessageRecord,
  isNoEmbeddingsError,
  type NewMessage,
  type SessionRecord,
} from '@memory/conversations';
import type { MemoryDb } from '@memory/db';
import { ConfigurationError, InvalidInputError, NotFoundError } from '@memory/errors';
import type { LongTermStorage } from '@memory/longterm-core';
import { partsText } from '@memory/models';
import type { LanguageModel } from 'ai';
import { extractMemories, type ExtractionInputMessage, type ExtractMemoriesResult } from './extract.js';
import {
  addKnowledgeTriples,
  loadKnowledgeTriples,
  loadUserProfile,
  updateUserProfile,
  type AddTriplesOptions,
  type AddTriplesResult,
  type Triple,
  type UserProfile,
} from '@memory/semantics';
import { retrieveRelevantKnowledge } from '@memory/retrieval';

/**
 * A message to record: a `NewMessage` of `@memory/conversations`, with the AI SDK `UIMessage`
 * parts (text, reasoning, tool calls with their results) and metadata it came with.
 */
export type MemoryMessage = NewMessage;

/** Options of {@link createMemory}. */
export interface CreateMemoryOptions {
  /** The memory database (`createMemoryDb`, after `initDb()`). */
  db: MemoryDb;
  /** Long-term storage of profiles and knowledge; without it `profile`, `knowledge` and the long-term context are off. */
  storage?: LongTermStorage | null;
  /**
   * Turns texts into vectors (`@memory/semantics` providers, e.g. `createHashingEmbedder`): recorded
   * messages are embedded and `recall` searches them. Its dimension must be the database's.
   */
  embeddings?: EmbeddingProvider | null;
  /** A store to use instead of building one on `db` (to share its options, e.g. an archive `restore` hook). */
  store?: ConversationStore;
  /** The model (and single-valued predicates) `extract` uses (see `extractMemories`). */
  extractor?: { model: LanguageModel; singleValued?: readonly string[] } | null;
}

/** Options of {@link Memory.record}. */
export interface RecordOptions {
  /** Owner of the session when it has to be created. */
  userId?: string | null;
  /** Title of the session when it has to be created. */
  title?: string | null;
}

/** Options of {@link Memory.recall}. */
export interface RecallOptions {
  /** Search this user's sessions (or give `sessionId`). */
  userId?: string;
  /** Search one session. */
  sessionId?: string;
  /** How many hits, default 5. */
  topK?: number;
  /** How many messages before and after each hit to return with it, default 1 (0 for none). */
  neighbours?: number;
  /** Drop hits with a similarity below this (cosine, -1..1); default none. */
  minScore?: number;
  /** Leave these message ids out of the hits (e.g. messages already in the prompt). */
  excludeIds?: Iterable<string>;
  /** Leave out hits of this session (e.g. the current one, whose recent messages are shown anyway). */
  excludeSessionId?: string;
}

/** A recalled message with the messages around it in its session. */
export interface RecalledMessage {
  message: MessageRecord;
  /** Cosine similarity to the query. */
  score: number;
  /** Up to `neighbours` messages before it, oldest first. */
  before: MessageRecord[];
  /** Up to `neighbours` messages after it, oldest first. */
  after: MessageRecord[];
}

/** Options of {@link Memory.contextFor}. */
export interface ContextForOptions {
  sessionId?: string | null;
  userId?: string | null;
  /** What the turn is about (knowledge retrieval and recall); default the session's last user message. */
  query?: string | null;
  /** The whole budget; a number means characters. Default 8,000 characters. */
  budget?: ContextBudget | number;
  /** Recent messages to consider, default 20. */
  maxMessages?: number;
  /** Recalled messages (with neighbours) from the user's other sessions: `false` for none; default `{ topK: 3, neighbours: 1 }` when embeddings are configured. */
  recall?: false | { topK?: number; neighbours?: number; minScore?: number; share?: number };
  /** Store to read the conversation through (the middleware passes one that hides what the caller already sent). */
  store?: ConversationStore;
  /** Message ids the recall section must not repeat. */
  excludeIds?: Iterable<string>;
}

/** What {@link Memory.contextFor} returns: the context package's result plus the recalled messages. */
export interface TurnContext extends MemoryContext {
  /** Messages of earlier conversations similar to the query, with their neighbours, as placed in `text`. */
  recalled: RecalledMessage[];
}

/** A user's profile, read and changed through {@link Memory.profile}. */
export interface ProfileApi {
  /** The stored profile, or `null`. */
  get(userId: string): Promise<UserProfile | null>;
  /** Sets (or with `null` removes) traits, keeping concurrent changes (compare-and-swap with retries). */
  updateTraits(userId: string, traits: Record<string, unknown>): Promise<UserProfile>;
}

/** A user's knowledge triples, through {@link Memory.knowledge}. */
export interface KnowledgeApi {
  /** Every stored triple. */
  list(userId: string): Promise<Triple[]>;
  /** The triples most relevant to `query`, best first (superseded ones left out). */
  search(userId: string, query: string, topK?: number): Promise<Triple[]>;
  /** Adds triples through the deterministic merge (dedupe, supersede, provenance). */
  add(userId: string, triples: readonly Triple[], options?: AddTriplesOptions): Promise<AddTriplesResult>;
}

/** One object for what a chat turn needs from memory; see {@link createMemory}. */
export interface Memory {
  readonly db: MemoryDb;
  readonly store: ConversationStore;
  readonly storage: LongTermStorage | null;
  readonly embeddings: EmbeddingProvider | null;
  readonly extractor: CreateMemoryOptions['extractor'];
  /**
   * Appends messages to a session, creating the session (with `userId`) when it does not exist.
   * Messages with ids already stored are skipped (retry-safe). With embeddings configured, each
   * message's text is embedded and stored with it.
   */
  record(sessionId: string, messages: readonly MemoryMessage[], options?: RecordOptions): Promise<AppendResult>;
  /** Messages similar to `query` (semantic search), each with its neighbours. Needs `embeddings`. */
  recall(query: string, options: RecallOptions): Promise<RecalledMessage[]>;
  /** The memory context of a turn within a budget (see `@memory/context`), plus recalled messages. */
  contextFor(options: ContextForOptions): Promise<TurnContext>;
  /** The session, or `null` when it does not exist. */
  findSession(sessionId: string): Promise<SessionRecord | null>;
  readonly profile: ProfileApi;
  readonly knowledge: KnowledgeApi;
  /**
   * Extracts facts and profile changes from messages with the configured `extractor` model (one
   * call for the batch) and applies them for `userId`. See `extractMemories`.
   */
  extract(
    messages: readonly ExtractionInputMessage[],
    options: { userId: string; sessionId?: string },
  ): Promise<ExtractMemoriesResult>;
}

const RECALL_HEADING = 'Related messages from earlier conversations';

/**
 * One memory object on the existing packages: conversations (`record`, `recall`), the turn's
 * context (`contextFor`), and long-term `profile` and `knowledge`. Each underlying package is
 * still usable on its own; this only saves the wiring.
 *
 * @example
 * ```ts
 * const memory = createMemory({ db, storage, embeddings: createHashingEmbedder({ dimensions: 1024 }) });
 * await memory.record(sessionId, [{ role: 'user', content: 'I moved to Paris' }], { userId: 'u1' });
 * const ctx = await memory.contextFor({ sessionId, budget: { maxTokens: 1500 } });
 * ```
 */
export function createMemory(options: CreateMemoryOptions): Memory {
  if (!options || typeof options !== 'object' || !options.db) {
    throw new InvalidInputError('[memory/ai-sdk] createMemory needs { db }: a MemoryDb from createMemoryDb()');
  }
  const db = options.db;
  const store = options.store ?? createConversationStore(db);
  const storage = options.storage ?? null;
  const embeddings = options.embeddings ?? null;

  const needStorage = (what: string): LongTermStorage => {
    if (!storage) {
      throw new ConfigurationError(
        `[memory/ai-sdk] ${what} needs long-term storage: pass createMemory({ storage }) (e.g. createLongTermStorage('file://...'))`,
      );
    }
    return storage;
  };

  const findSession = async (sessionId: string): Promise<SessionRecord | null> => {
    try {
      return await store.getSession(sessionId);
    } catch (error) {
      if (NotFoundError.isInstance(error)) return null;
      throw error;
    }
  };

  const record: Memory['record'] = async (sessionId, messages, recordOptions = {}) => {
    if (messages.length === 0) {
      return { messages: [], insertedIds: [], existingIds: [], restored: false };
    }
    if (!(await findSession(sessionId))) {
      try {
        await store.createSession({ id: sessionId, userId: recordOptions.userId ?? null, title: recordOptions.title });
      } catch (error) {
        // Two turns of a new session racing: the other one created it.
        if (!(await findSession(sessionId))) throw error;
      }
    }
    let toAppend: readonly NewMessage[] = messages;
    if (embeddings) {
      const texts = messages.map((m) => m.content || (m.parts ? partsText(m.parts) : ''));
      const nonEmpty = texts.map((t, i) => [t, i] as const).filter(([t]) => t.trim() !== '');
      if (nonEmpty.length > 0) {
        const vectors = await embeddings.embed(nonEmpty.map(([t]) => t));
        const byIndex = new Map(nonEmpty.map(([, i], k) => [i, vectors[k]]));
        toAppend = messages.map((m, i) => (byIndex.has(i) ? { ...m, embedding: byIndex.get(i) } : m));
      }
    }
    return store.appendMessages(sessionId, toAppend, { restore: true });
  };

  const recall: Memory['recall'] = async (query, recallOptions) => {
    if (!embeddings) {
      throw new ConfigurationError(
        '[memory/ai-sdk] recall needs an embedding provider: pass createMemory({ embeddings }) (e.g. createHashingEmbedder)',
      );
    }
    if (!recallOptions.userId && !recallOptions.sessionId) {
      throw new InvalidInputError('[memory/ai-sdk] recall needs userId or sessionId to scope the search');
    }
    if (!query.trim()) return [];
    const topK = recallOptions.topK ?? 5;
    const neighbours = recallOptions.neighbours ?? 1;
    if (!Number.isInteger(neighbours) || neighbours < 0 || neighbours > 20) {
      throw new InvalidInputError(
        `[memory/ai-sdk] recall neighbours must be an integer from 0 to 20, got ${neighbours}`,
      );
    }
    const exclude = new Set(recallOptions.excludeIds ?? []);
    const hits = await store
      .searchMessages({
        text: query,
        provider: embeddings,
        userId: recallOptions.userId,
        sessionId: recallOptions.sessionId,
        // Chat sessions have ids derived from chat ids, not the user's shard key: on Citus the
        // user's messages are searched on every shard (docs/citus.md); no effect on one server.
        allShards: true,
        // Room for the hits that are filtered out below.
        topK: Math.min(1000, topK * (recallOptions.excludeSessionId ? 4 : 1) + exclude.size),
      })
      // Nothing in scope has an embedding yet (a new user, or messages stored without a
      // provider): there is nothing to recall, which is not an error for a chat turn.
      .catch((error: unknown) => (isNoEmbeddingsError(error) ? [] : Promise.reject(error)));
    const kept = hits
      .filter((h) => !exclude.has(h.message.id) && h.message.sessionId !== recallOptions.excludeSessionId)
      .filter((h) => recallOptions.minScore === undefined || h.score >= recallOptions.minScore)
      .slice(0, topK);
    return Promise.all(
      kept.map(async (hit) => {
        if (neighbours === 0) return { message: hit.message, score: hit.score, before: [], after: [] };
        const [before, after] = await Promise.all([
          store.getHistory(hit.message.sessionId, { before: hit.message.cursor, limit: neighbours }),
          store.getHistory(hit.message.sessionId, { after: hit.message.cursor, limit: neighbours }),
        ]);
        return { message: hit.message, score: hit.score, before: before.messages, after: after.messages };
      }),
    );
  };

  const contextFor: Memory['contextFor'] = async (ctxOptions) => {
    const budget = ctxOptions.budget ?? 8000;
    const measure = measurer(budget);
    const limit = typeof budget === 'number' ? budget : (budget.maxTokens ?? budget.maxChars ?? 8000);
    const recallConfig = ctxOptions.recall === false ? null : (ctxOptions.recall ?? {});
    const sessionLookup = ctxOptions.sessionId ? findSession(ctxOptions.sessionId) : Promise.resolve(null);
    // The recall section and the rest are built at the same time (one round of waiting, not
    // two), so the recall section gets a fixed share of the budget: what it leaves unused is
    // not passed on.
    const recallUser = async () => ctxOptions.userId ?? (await sessionLookup)?.userId ?? null;
    const canRecall = Boolean(recallConfig && embeddings && ctxOptions.query?.trim());
    const room = canRecall ? Math.floor(limit * (recallConfig?.share ?? 0.2)) : 0;

    const recalling = (async () => {
      const userId = canRecall ? await recallUser() : null;
      if (!userId || !recallConfig) return { items: [] as RecalledMessage[], text: '' };
      const found = await recall(ctxOptions.query!, {
        userId,
        topK: recallConfig.topK ?? 3,
        neighbours: recallConfig.neighbours ?? 1,
        minScore: recallConfig.minScore,
        excludeIds: ctxOptions.excludeIds,
        // Messages of the current session are the recent-messages section's job.
        excludeSessionId: ctxOptions.sessionId ?? undefined,
      });
      return fitRecalled(found, Math.max(0, room - measure('\n\n')), measure);
    })();

    const rest = Math.max(1, limit - room);
    const restBudget: ContextBudget | number =
      typeof budget === 'number'
        ? rest
        : budget.maxTokens !== undefined
          ? { ...budget, maxTokens: rest }
          : { ...budget, maxChars: rest };
    const building = sessionLookup.then((session) =>
      buildMemoryContext({
        store: ctxOptions.store ?? store,
        storage: storage ?? undefined,
        sessionId: session?.id ?? null,
        userId: ctxOptions.userId ?? session?.userId ?? null,
        query: ctxOptions.query ?? undefined,
        budget: restBudget,
        maxMessages: ctxOptions.maxMessages,
      }),
    );
    const [ctx, placed] = await Promise.all([building, recalling]);
    const text = [ctx.text, placed.text].filter(Boolean).join('\n\n');
    return {
      ...ctx,
      text,
      usage: { ...ctx.usage, used: measure(text), limit },
      recalled: placed.items,
    };
  };

  const profile: ProfileApi = {
    get: (userId) => loadUserProfile(needStorage('profile.get'), userId),
    updateTraits: async (userId, traits) => {
      const result = await updateUserProfile(needStorage('profile.updateTraits'), userId, (p) => {
        const next: Record<string, unknown> = { ...(p.traits ?? {}) };
        for (const [k, v] of Object.entries(traits)) {
          if (v === null) delete next[k];
          else next[k] = v;
        }
        p.traits = next;
      });
      return result.profile;
    },
  };

  const knowledge: KnowledgeApi = {
    list: (userId) => loadKnowledgeTriples(needStorage('knowledge.list'), userId),
    search: (userId, query, topK = 5) =>
      retrieveRelevantKnowledge(needStorage('knowledge.search'), userId, query, { topK, includeEnded: false }),
    add: (userId, triples, addOptions) =>
      addKnowledgeTriples(needStorage('knowledge.add'), userId, triples, addOptions),
  };

  const self: Memory = {
    db,
    store,
    storage,
    embeddings,
    extractor: options.extractor ?? null,
    extract: (messages, extractOptions) => {
      if (!options.extractor) {
        throw new ConfigurationError(
          '[memory/ai-sdk] extract needs a model: pass createMemory({ extractor: { model } })',
        );
      }
      return extractMemories({
        model: options.extractor.model,
        singleValued: options.extractor.singleValued,
        messages,
        memory: self,
        ...extractOptions,
      });
    },
    record,
    recall,
    contextFor,
    findSession,
    profile,
    knowledge,
  };
  return self;
}

function measurer(budget: ContextBudget | number): (text: string) => number {
  if (typeof budget === 'number' || budget.maxTokens === undefined) return (t) => [...t].length;
  return budget.countTokens ?? estimateTokens;
}

/** Renders recalled messages (hit plus neighbours) as a section, keeping whole hits while they fit. */
function fitRecalled(
  found: RecalledMessage[],
  room: number,
  measure: (text: string) => number,
): { items: RecalledMessage[]; text: string } {
  const items: RecalledMessage[] = [];
  let text = '';
  const seen = new Set<string>();
  for (const r of found) {
    if (seen.has(r.message.id)) continue;
    const candidate = renderRecalled([...items, r]);
    if (measure(candidate) > room) break;
    items.push(r);
    for (const m of [...r.before, r.message, ...r.after]) seen.add(m.id);
    text = candidate;
  }
  return { items, text };
}

function renderRecalled(items: RecalledMessage[]): string {
  if (items.length === 0) return '';
  const blocks = items.map((r) =>
    [...r.before, r.message, ...r.after]
      .map((m) => `${m.id === r.message.id ? '>' : ' '} ${m.role}: ${m.content}`)
      .join('\n'),
  );
  return `## ${RECALL_HEADING}\n${blocks.join('\n---\n')}`;
}
