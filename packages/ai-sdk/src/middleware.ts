import type { ContextBudget } from '@memory/context';
import type { ConversationStore, HistoryOptions, HistoryPage } from '@memory/conversations';
import { InvalidInputError } from '@memory/errors';
import type { LanguageModelMiddleware } from 'ai';
import { externalIdToUuid, turnMessageId } from './ids.js';
import type { Memory, MemoryMessage } from './memory.js';
import {
  AnswerCollector,
  blockMessages,
  deriveTurnKey,
  promptMessageText,
  splitTurn,
  type CallParams,
  type StreamPart,
  type TurnSplit,
} from './turn.js';

/**
 * Per-call memory options, passed as `providerOptions: { memory: { ... } }` of `generateText` /
 * `streamText`; they override the middleware's own. The middleware removes them before the
 * provider sees the call.
 */
export interface MemoryCallOptions {
  /** The conversation; any string (a non-UUID id is mapped with `externalIdToUuid('chat', id)`). */
  sessionId?: string;
  /** Whose long-term memory to use; also the owner of a session created by this call. */
  userId?: string;
  /**
   * The idempotency key of this turn (e.g. the id of the user's `UIMessage`, or a request id).
   * Every message of the turn gets an id derived from it, so a retried call records nothing
   * twice. Default: derived from the call (see the README); pass one when the caller sends only
   * the newest message rather than the conversation so far.
   */
  turnKey?: string;
  /** `false` to leave this call's prompt as it is. */
  context?: boolean;
  /** `false` to record nothing for this call. */
  record?: boolean;
}

/** Options of {@link memoryMiddleware}. */
export interface MemoryMiddlewareOptions extends MemoryCallOptions {
  memory: Memory;
  /** Size limit of the added context (a number means characters); default 8,000 characters. */
  budget?: ContextBudget | number;
  /** Recent messages of the session to consider for the context, default 20. */
  maxMessages?: number;
  /** Recalled messages from earlier conversations (needs `embeddings`): `false` for none. */
  recall?: false | { topK?: number; neighbours?: number; minScore?: number; share?: number };
  /**
   * Called when building the context or recording fails. The model call goes on (without
   * context, or unrecorded): memory trouble does not break a user's chat. Default: `console.warn`
   * of the error message (never the prompt).
   */
  onError?: (error: unknown, phase: 'context' | 'record') => void;
  /** Called after a call's messages are stored, with what was inserted and skipped. */
  onRecorded?: (event: RecordedEvent) => void;
}

/** What {@link MemoryMiddlewareOptions.onRecorded} receives. */
export interface RecordedEvent {
  sessionId: string;
  turnKey: string;
  /** How the model call ended. */
  status: 'complete' | 'error' | 'aborted';
  insertedIds: string[];
  existingIds: string[];
}

interface TurnState {
  sessionId: string;
  userId: string | undefined;
  turnKey: string;
  split: TurnSplit;
  record: boolean;
  modelId: string;
}

/**
 * AI SDK middleware that puts memory inside the model call (use it with `wrapLanguageModel`):
 *
 * - before the call it adds one system message with the turn's memory context (profile, relevant
 *   knowledge, summaries, the session's recent messages, and messages recalled from earlier
 *   conversations with their neighbours) within `budget`. Messages the caller already sent are
 *   not repeated: the newest stored messages, as many as the caller resent, are left out of the
 *   recent-messages section;
 * - after the call (generate or stream, also when the stream fails or is aborted) it records the
 *   turn's new messages: the user message(s), tool results of earlier steps, and the assistant's
 *   answer with its reasoning and tool calls as parts. Ids come from the turn key, so a retried
 *   call inserts nothing twice, and a user who really repeats a message is still recorded twice.
 *
 * @example
 * ```ts
 * const model = wrapLanguageModel({ model: openai('gpt-4o'), middleware: memoryMiddleware({ memory, userId: 'u1' }) });
 * await generateText({ model, prompt: 'Where do I live?', providerOptions: { memory: { sessionId: chatId, turnKey: messageId } } });
 * ```
 */
export function memoryMiddleware(options: MemoryMiddlewareOptions): LanguageModelMiddleware {
  if (!options?.memory) {
    throw new InvalidInputError('[memory/ai-sdk] memoryMiddleware needs { memory } from createMemory()');
  }
  const { memory } = options;
  const onError =
    options.onError ??
    ((error: unknown, phase: string) => {
      console.warn(`[memory/ai-sdk] ${phase} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  const turns = new WeakMap<CallParams, TurnState>();

  const record = async (
    turn: TurnState,
    answer: AnswerCollector | null,
    status: RecordedEvent['status'],
  ): Promise<void> => {
    if (!turn.record) return;
    try {
      const messages: MemoryMessage[] = blockMessages(turn.split.block).map((m, i) => ({
        ...m,
        id: turnMessageId(turn.sessionId, turn.turnKey, i),
      }));
      if (answer && answer.count > 0) {
        const { content, parts } = answer.result();
        messages.push({
          id: turnMessageId(
            turn.sessionId,
            turn.turnKey,
            turn.split.block.length,
            status === 'complete' ? '' : 'partial',
          ),
          role: 'assistant',
          content,
          parts,
          model: turn.modelId.slice(0, 128) || null,
          ...(status === 'complete' ? {} : { metadata: { status } }),
        });
      }
      if (messages.length === 0) return;
      const result = await memory.record(turn.sessionId, messages, { userId: turn.userId });
      options.onRecorded?.({
        sessionId: turn.sessionId,
        turnKey: turn.turnKey,
        status,
        insertedIds: result.insertedIds,
        existingIds: result.existingIds,
      });
    } catch (error) {
      onError(error, 'record');
    }
  };

  return {
    specificationVersion: 'v4',

    transformParams: async ({ params, model }) => {
      const { memory: raw, ...otherProviderOptions } = params.providerOptions ?? {};
      const call: MemoryCallOptions = { ...pick(options), ...(raw as MemoryCallOptions | undefined) };
      const next: CallParams = {
        ...params,
        providerOptions: raw === undefined ? params.providerOptions : otherProviderOptions,
      };
      if (!call.sessionId) return next;
      const sessionId = externalIdToUuid('chat', call.sessionId);
      const split = splitTurn(params.prompt);
      const turnKey = call.turnKey ?? deriveTurnKey(split);
      const turn: TurnState = {
        sessionId,
        userId: call.userId,
        turnKey,
        split,
        record: call.record !== false,
        modelId: model.modelId,
      };
      // wrapGenerate / wrapStream receive the very object returned here.
      const remember = (out: CallParams) => (turns.set(out, turn), out);
      if (call.context === false) return remember(next);
      try {
        const turnIds = new Set(split.block.map((_, i) => turnMessageId(sessionId, turnKey, i)));
        const lastUser = [...split.block].reverse().find((m) => m.role === 'user');
        const ctx = await memory.contextFor({
          sessionId,
          userId: call.userId,
          query: lastUser ? [...promptMessageText(lastUser)].slice(0, 500).join('') : undefined,
          budget: options.budget,
          maxMessages: options.maxMessages,
          recall: options.recall,
          store: hidingStore(memory.store, split.history.length, turnIds),
        });
        if (!ctx.text) return remember(next);
        const prompt = [...params.prompt];
        prompt.splice(split.leadingSystem, 0, { role: 'system', content: ctx.text });
        return remember({ ...next, prompt });
      } catch (error) {
        onError(error, 'context');
        return remember(next);
      }
    },

    wrapGenerate: async ({ doGenerate, params }) => {
      const turn = turns.get(params);
      if (!turn) return doGenerate();
      let result;
      try {
        result = await doGenerate();
      } catch (error) {
        await record(turn, null, params.abortSignal?.aborted ? 'aborted' : 'error');
        throw error;
      }
      const answer = new AnswerCollector();
      for (const part of result.content) answer.addContent(part);
      await record(turn, answer, 'complete');
      return result;
    },

    wrapStream: async ({ doStream, params }) => {
      const turn = turns.get(params);
      if (!turn) return doStream();
      let result;
      try {
        result = await doStream();
      } catch (error) {
        await record(turn, null, params.abortSignal?.aborted ? 'aborted' : 'error');
        throw error;
      }
      const answer = new AnswerCollector();
      let sawError = false;
      let finished: Promise<void> | null = null;
      const finish = (status: RecordedEvent['status']) => (finished ??= record(turn, answer, status));
      const reader = result.stream.getReader();
      const onAbort = () => void finish('aborted');
      params.abortSignal?.addEventListener('abort', onAbort, { once: true });
      const stream = new ReadableStream<StreamPart>({
        async pull(controller) {
          let next: Awaited<ReturnType<typeof reader.read>>;
          try {
            next = await reader.read();
          } catch (error) {
            params.abortSignal?.removeEventListener('abort', onAbort);
            await finish(params.abortSignal?.aborted ? 'aborted' : 'error');
            controller.error(error);
            return;
          }
          if (next.done) {
            params.abortSignal?.removeEventListener('abort', onAbort);
            await finish(sawError ? 'error' : 'complete');
            controller.close();
            return;
          }
          if (next.value.type === 'error') sawError = true;
          answer.addStreamPart(next.value);
          controller.enqueue(next.value);
        },
        async cancel(reason) {
          params.abortSignal?.removeEventListener('abort', onAbort);
          await finish('aborted');
          await reader.cancel(reason);
        },
      });
      return { ...result, stream };
    },
  };
}

function pick(options: MemoryMiddlewareOptions): MemoryCallOptions {
  const { sessionId, userId, turnKey, context, record } = options;
  return Object.fromEntries(
    Object.entries({ sessionId, userId, turnKey, context, record }).filter(([, v]) => v !== undefined),
  );
}

/**
 * The store as the context should see it: the turn's own messages (by id) and the newest
 * `resent` other messages (those the caller sent again in its prompt) are left out of history
 * pages, so the recent-messages section never repeats what the model already gets. Counting,
 * not comparing contents: the caller's history is the session's newest messages.
 */
function hidingStore(store: ConversationStore, resent: number, turnIds: ReadonlySet<string>): ConversationStore {
  if (resent === 0 && turnIds.size === 0) return store;
  const getHistory = async (sessionId: string, historyOptions: HistoryOptions = {}): Promise<HistoryPage> => {
    const limit = historyOptions.limit ?? 50;
    const page = await store.getHistory(sessionId, {
      ...historyOptions,
      limit: Math.min(1000, limit + resent + turnIds.size),
    });
    const others = page.messages.filter((m) => !turnIds.has(m.id));
    const kept = others.slice(0, Math.max(0, others.length - resent)).slice(-limit);
    return { ...page, messages: kept };
  };
  return Object.assign(Object.create(store) as ConversationStore, { getHistory });
}
