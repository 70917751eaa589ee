import type { MessagePart, MessageRecord } from '@memory/conversations';
import { InvalidInputError } from '@memory/errors';
import type { UIMessage } from 'ai';
import { externalIdToUuid } from './ids.js';
import type { Memory, MemoryMessage } from './memory.js';

/** Where the original AI SDK ids are kept in the session's metadata. */
const META_KEY = 'aiSdk';

/** Options of {@link createChatStore}. */
export interface ChatStoreOptions {
  memory: Memory;
}

/** Options of {@link ChatStore.saveChat}. */
export interface SaveChatOptions {
  /** Owner of the chat's session when it is created. */
  userId?: string | null;
  /** Title of the chat's session when it is created. */
  title?: string | null;
}

/** What {@link ChatStore.saveChat} did. */
export interface SaveChatResult {
  /** The session id the chat is stored under. */
  sessionId: string;
  /** `UIMessage` ids stored now. */
  inserted: string[];
  /** `UIMessage` ids that were already stored (left as they were). */
  existing: string[];
}

/** Loads and saves `useChat` conversations; see {@link createChatStore}. */
export interface ChatStore {
  /** The chat's messages, oldest first, with their original ids; `[]` for an unknown chat. */
  loadChat(chatId: string): Promise<UIMessage[]>;
  /** Stores the messages not stored yet (by id); the order given is the order kept. */
  saveChat(chatId: string, messages: readonly UIMessage[], options?: SaveChatOptions): Promise<SaveChatResult>;
  /** The session id of a chat id. */
  sessionIdOf(chatId: string): string;
}

/**
 * Chat persistence for AI SDK `useChat` apps: `loadChat(id)` in the page or route that opens a
 * chat, `saveChat(id, messages)` in `onFinish` of `toUIMessageStreamResponse`.
 *
 * Ids: the AI SDK's chat and message ids are short random strings, the tables' ids are UUIDs.
 * Each is mapped with UUIDv5 in this package's namespace (`externalIdToUuid`), which is
 * deterministic (a retried save finds the same rows, no lookup table to keep consistent) and
 * needs no new column; the original id is kept beside the row so it comes back unchanged: the
 * chat id in the session's metadata (`aiSdk.chatId`), a message id in the message's own
 * `metadata.uiMessageId`. Message ids are mapped within their chat (the table's message ids are
 * unique across all sessions, the AI SDK's need not be).
 *
 * Messages are append-only: a message already stored is not rewritten when it comes again with
 * changed parts. Record a conversation either with this store or with `memoryMiddleware`, not
 * both (or give the middleware `record: false`): they do not share message ids.
 *
 * @example
 * ```ts
 * const chats = createChatStore({ memory });
 * const messages = await chats.loadChat(chatId);
 * // ... streamText(...).toUIMessageStreamResponse({ originalMessages: messages, onFinish: ({ messages }) => chats.saveChat(chatId, messages, { userId }) })
 * ```
 */
export function createChatStore(options: ChatStoreOptions): ChatStore {
  const { memory } = options;
  if (!memory) throw new InvalidInputError('[memory/ai-sdk] createChatStore needs { memory }');

  const sessionIdOf = (chatId: string): string => {
    if (typeof chatId !== 'string' || chatId === '' || chatId.length > 512) {
      throw new InvalidInputError('[memory/ai-sdk] a chat id must be a non-empty string of at most 512 characters');
    }
    return externalIdToUuid('chat', chatId);
  };

  return {
    sessionIdOf,

    async loadChat(chatId) {
      const sessionId = sessionIdOf(chatId);
      const session = await memory.findSession(sessionId);
      if (!session) return [];
      const pages: MessageRecord[][] = [];
      let page = await memory.store.getHistory(sessionId, { limit: 1000 });
      pages.unshift(page.messages);
      while (page.hasOlder && page.olderCursor) {
        page = await memory.store.getHistory(sessionId, { limit: 1000, before: page.olderCursor });
        pages.unshift(page.messages);
      }
      return pages
        .flat()
        .filter((m) => m.role === 'user' || m.role === 'assistant' || m.role === 'system')
        .map(toUIMessage);
    },

    async saveChat(chatId, messages, saveOptions = {}) {
      const sessionId = sessionIdOf(chatId);
      if (!Array.isArray(messages)) throw new InvalidInputError('[memory/ai-sdk] saveChat needs an array of UIMessage');
      const rows: MemoryMessage[] = messages.map((m, i) => {
        if (!m || typeof m.id !== 'string' || m.id === '' || !Array.isArray(m.parts)) {
          throw new InvalidInputError(`[memory/ai-sdk] messages[${i}] is not a UIMessage (needs id and parts)`);
        }
        if (m.role !== 'user' && m.role !== 'assistant' && m.role !== 'system') {
          throw new InvalidInputError(`[memory/ai-sdk] messages[${i}].role must be user, assistant or system`);
        }
        return {
          id: externalIdToUuid('message', m.id, chatId),
          role: m.role,
          content: (m.parts as ReadonlyArray<{ type: string; text?: string }>)
            .filter((p) => p.type === 'text')
            .map((p) => p.text ?? '')
            .join('\n'),
          parts: m.parts as MessagePart[],
          metadata: { ...(isObject(m.metadata) ? m.metadata : {}), uiMessageId: m.id },
        };
      });
      if (rows.length === 0) return { sessionId, inserted: [], existing: [] };
      const original = new Map(rows.map((r, i) => [r.id!, messages[i]!.id]));
      const inserted: string[] = [];
      const existing: string[] = [];
      for (let i = 0; i < rows.length; i += 500) {
        const result = await memory.record(sessionId, rows.slice(i, i + 500), saveOptions);
        inserted.push(...result.insertedIds);
        existing.push(...result.existingIds);
      }
      if (inserted.length > 0 && (await memory.findSession(sessionId))?.metadata?.[META_KEY] === undefined) {
        await memory.store.patchSessionMetadata(sessionId, { [META_KEY]: { chatId } });
      }
      return {
        sessionId,
        inserted: inserted.map((id) => original.get(id)!),
        existing: existing.map((id) => original.get(id)!),
      };
    },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A stored message as a `UIMessage`: its parts and metadata, or (for a message written without parts) its text. */
function toUIMessage(row: MessageRecord): UIMessage {
  const m = row;
  const metadata = isObject(row.metadata) ? { ...row.metadata } : undefined;
  const uiId = (typeof metadata?.uiMessageId === 'string' ? metadata.uiMessageId : undefined) ?? m.id;
  if (metadata) delete metadata.uiMessageId;
  const parts =
    Array.isArray(row.parts) && row.parts.length > 0
      ? (row.parts as unknown as UIMessage['parts'])
      : [{ type: 'text' as const, text: m.content }];
  return {
    id: uiId,
    role: m.role as UIMessage['role'],
    parts,
    ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}
