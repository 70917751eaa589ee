import { createHash } from 'node:crypto';
import { InvalidInputError } from '@memory/errors';
import type { MessagePart, MessageRole } from '@memory/models';
import { isUuid, newId } from './ids.js';
import { isPlainObject } from './json-value.js';
import type { MessageRecord, NewMessage } from './types.js';

const PREFIX = '[memory/conversations]';

/**
 * The metadata key under which {@link fromUIMessages} keeps a `UIMessage` id that is not a UUID
 * (the AI SDK's default ids are short random strings; message ids here are UUIDs).
 * {@link toUIMessages} gives it back as the `id` and removes the key.
 */
export const UI_MESSAGE_ID_KEY = 'memory:uiMessageId';

/**
 * The shape of the AI SDK's `UIMessage` (v5 and later), structurally: any `UIMessage` is one, and
 * {@link toUIMessages} returns values that are `UIMessage`s (pass `UIMessage` as the type
 * argument to get that type).
 */
export interface UIMessageLike {
  id: string;
  role: 'system' | 'user' | 'assistant';
  metadata?: unknown;
  parts: MessagePart[];
}

/** A content part of a `ModelMessage` (text, file, reasoning, tool-call, tool-result, ...), structurally. */
export interface ModelContentPartLike {
  type: string;
}

/** The shape of the AI SDK's `ModelMessage`, structurally: any `ModelMessage` is one. */
export interface ModelMessageLike {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | readonly ModelContentPartLike[];
  providerOptions?: unknown;
}

/** A content part with its fields readable. */
type ContentPart = ModelContentPartLike & Record<string, unknown>;

/** The fields of a stored message the converters read ({@link MessageRecord} has them all). */
export type StoredMessageLike = Pick<MessageRecord, 'id' | 'role' | 'content' | 'parts' | 'metadata'>;

/** A UUID (version 5 layout) derived from `name`: the same name always gives the same id. */
function nameUuid(name: string): string {
  const hash = createHash('sha1').update('memory:ui-message:').update(name).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Stored messages (a history page's `messages`, search hits' `message`) as AI SDK `UIMessage`s,
 * for `useChat`'s initial messages or `convertToModelMessages`.
 *
 * - `parts` are given back as stored; a message without parts (every row the original library
 *   wrote) becomes one `text` part with its content (none when the content is empty).
 * - `metadata` is the stored metadata (left out when `null`); the id a non-UUID `UIMessage` had
 *   comes back as `id` (see {@link UI_MESSAGE_ID_KEY}).
 * - `UIMessage` has no `tool` role: a stored `tool` message becomes an `assistant` message.
 *
 * @example
 * ```ts
 * import type { UIMessage } from 'ai';
 * const { messages } = await store.getHistory(sessionId);
 * const initialMessages = toUIMessages<UIMessage>(messages);
 * ```
 */
export function toUIMessages<M = UIMessageLike>(records: readonly StoredMessageLike[]): M[] {
  return records.map((record) => {
    let id = record.id;
    let metadata: Record<string, unknown> | null = record.metadata;
    if (metadata && typeof metadata[UI_MESSAGE_ID_KEY] === 'string') {
      id = metadata[UI_MESSAGE_ID_KEY];
      const { [UI_MESSAGE_ID_KEY]: _id, ...rest } = metadata;
      metadata = Object.keys(rest).length > 0 ? rest : null;
    }
    const parts: MessagePart[] =
      record.parts ?? (record.content === '' ? [] : [{ type: 'text', text: record.content }]);
    const role = record.role === 'system' || record.role === 'user' ? record.role : 'assistant';
    return { id, role, ...(metadata === null ? {} : { metadata }), parts } as M;
  });
}

/** Options of {@link fromUIMessages}. */
export interface FromUIMessagesOptions {
  /**
   * Where the non-UUID ids are unique, usually the session id: the derived message ids are made
   * from it and the id, so two chats that both have a message `msg-1` do not collide. Leave it out
   * only when the ids are unique everywhere (the AI SDK's default random ids are).
   */
  scope?: string;
}

/**
 * AI SDK `UIMessage`s as messages to append (`store.appendMessages(sessionId, fromUIMessages(ui))`),
 * keeping every part, the metadata and the id: a UUID id is the message id (so appending the same
 * messages again skips them); any other id gives a UUID derived from it (the same one every time,
 * so retries stay safe) and is kept in the metadata under {@link UI_MESSAGE_ID_KEY}.
 * `content` is left out: it becomes the text of the parts. `metadata` must be a plain object when
 * present.
 *
 * @example
 * ```ts
 * // In a chat route, after streaming: store the whole turn.
 * onFinish: async ({ messages }) => { await store.appendMessages(chatId, fromUIMessages(messages, { scope: chatId })); }
 * ```
 */
export function fromUIMessages(messages: readonly UIMessageLike[], options: FromUIMessagesOptions = {}): NewMessage[] {
  const scope = options.scope === undefined ? '' : `${String(options.scope)}\u0000`;
  if (!Array.isArray(messages)) throw new InvalidInputError(`${PREFIX} fromUIMessages takes an array of UIMessage`);
  return messages.map((message: unknown, i) => {
    const at = `messages[${i}]`;
    if (!isPlainObject(message)) throw new InvalidInputError(`${PREFIX} ${at} must be a UIMessage object`);
    const { id, role, metadata, parts } = message;
    if (role !== 'system' && role !== 'user' && role !== 'assistant') {
      throw new InvalidInputError(
        `${PREFIX} ${at}.role is ${JSON.stringify(role)}: a UIMessage is system, user or assistant`,
      );
    }
    if (typeof id !== 'string' || id === '') {
      throw new InvalidInputError(`${PREFIX} ${at}.id must be a non-empty string`);
    }
    if (metadata !== undefined && metadata !== null && !isPlainObject(metadata)) {
      throw new InvalidInputError(
        `${PREFIX} ${at}.metadata must be a plain object to be stored (messages.metadata is a JSON object)`,
      );
    }
    const uuid = isUuid(id);
    const stored: Record<string, unknown> | null = uuid
      ? ((metadata as Record<string, unknown> | undefined) ?? null)
      : { ...(metadata as Record<string, unknown> | undefined), [UI_MESSAGE_ID_KEY]: id };
    return {
      id: uuid ? id : nameUuid(scope + id),
      role: role as MessageRole,
      parts: parts as MessagePart[],
      metadata: stored,
    };
  });
}

/**
 * Stored messages as AI SDK `ModelMessage`s, for `generateText` / `streamText`. The conversion
 * is the AI SDK's own: pass its `convertToModelMessages` (this package has no runtime
 * dependency on `ai`, and the model format changes between its major versions), and its options
 * (`tools`, `convertDataPart`, `ignoreIncompleteToolCalls`) if you use them.
 *
 * @example
 * ```ts
 * import { convertToModelMessages, streamText } from 'ai';
 * const { messages } = await store.getHistory(sessionId);
 * const result = streamText({ model, messages: await toModelMessages(messages, convertToModelMessages) });
 * ```
 */
export async function toModelMessages<M = ModelMessageLike, O = never>(
  records: readonly StoredMessageLike[],
  // `never`: any converter of UIMessage arrays fits, whatever the SDK version's exact types.
  convert: (messages: never, options?: O) => M[] | Promise<M[]>,
  options?: O,
): Promise<M[]> {
  if (typeof convert !== 'function') {
    throw new InvalidInputError(
      `${PREFIX} toModelMessages needs the AI SDK's convertToModelMessages: toModelMessages(records, convertToModelMessages)`,
    );
  }
  return convert(toUIMessages(records) as never, options);
}

type ToolPart = MessagePart & { toolCallId: string; state: string; approval?: Record<string, unknown> };

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The URL of a model file part's data (URL, data URL, or base64 / bytes turned into a data URL). */
function fileUrl(data: unknown, mediaType: string): { url: string; providerReference?: unknown } {
  if (data instanceof URL) return { url: data.href };
  if (data instanceof Uint8Array) return { url: `data:${mediaType};base64,${base64(data)}` };
  if (data instanceof ArrayBuffer) return { url: `data:${mediaType};base64,${base64(new Uint8Array(data))}` };
  if (typeof data === 'string') {
    return { url: /^(https?|data|blob|file):/i.test(data) ? data : `data:${mediaType};base64,${data}` };
  }
  if (isPlainObject(data)) {
    if (data.type === 'url') return { url: String(data.url instanceof URL ? data.url.href : data.url) };
    if (data.type === 'reference') return { url: '', providerReference: data.reference };
    if ('data' in data) return fileUrl(data.data, mediaType);
  }
  throw new InvalidInputError(`${PREFIX} a file part's data is neither a URL, a string nor bytes`);
}

function withProvider(key: string, value: unknown): Record<string, unknown> {
  return value === undefined || value === null ? {} : { [key]: value };
}

function userPart(part: ContentPart): MessagePart {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: String(part.text), ...withProvider('providerMetadata', part.providerOptions) };
    case 'image':
    case 'file': {
      const mediaType = String(part.mediaType ?? (part.type === 'image' ? 'image/*' : 'application/octet-stream'));
      const { url, providerReference } = fileUrl(part.type === 'image' ? part.image : part.data, mediaType);
      return {
        type: 'file',
        mediaType,
        url,
        ...withProvider('filename', part.filename),
        ...withProvider('providerReference', providerReference),
        ...withProvider('providerMetadata', part.providerOptions),
      };
    }
    default:
      return { ...part };
  }
}

/** Sets a tool part's result from a model `tool-result` part. */
function applyResult(tool: ToolPart, result: ContentPart): void {
  const output = isPlainObject(result.output) ? result.output : { type: 'json', value: result.output };
  const value = output.value;
  if (tool.providerExecuted === true && result.providerOptions !== undefined) {
    tool.resultProviderMetadata = result.providerOptions;
  }
  switch (output.type) {
    case 'error-text':
    case 'error-json':
      tool.state = 'output-error';
      tool.errorText = typeof value === 'string' ? value : JSON.stringify(value);
      return;
    case 'execution-denied':
      if (tool.approval) {
        tool.state = 'approval-responded';
        tool.approval = { ...tool.approval, approved: false, ...withProvider('reason', output.reason) };
      } else {
        tool.state = 'output-denied';
        tool.approval = { id: '', approved: false, ...withProvider('reason', output.reason) };
      }
      return;
    default:
      // json, text, content: the tool's output as the UI keeps it.
      tool.state = 'output-available';
      tool.output = value;
  }
}

/**
 * AI SDK `ModelMessage`s (a `generateText` result's `response.messages`, a prompt you built) as
 * messages to append, in the `UIMessage` form the store keeps: an `assistant` message and the
 * `tool` messages that answer its calls become one assistant message whose tool parts carry
 * their results (`state: 'output-available'` or `'output-error'`), each model step starting with
 * a `step-start` part, as `useChat` builds it. So
 * `toModelMessages(stored, convertToModelMessages)` gives the model messages back.
 *
 * What the `UIMessage` form has no place for comes back differently: a `content` tool output
 * returns as `json`, an `error-json` one as `error-text`, and a dynamic tool call as a static one
 * (the model sees the same call). Message ids are new random UUIDs.
 *
 * @example
 * ```ts
 * const { response } = await generateText({ model, messages: prompt, tools });
 * await store.appendMessages(sessionId, fromModelMessages(response.messages));
 * ```
 */
export function fromModelMessages(messages: readonly ModelMessageLike[]): NewMessage[] {
  if (!Array.isArray(messages)) {
    throw new InvalidInputError(`${PREFIX} fromModelMessages takes an array of ModelMessage`);
  }
  const out: NewMessage[] = [];
  let assistant: { parts: MessagePart[] } | null = null;
  const tools = new Map<string, ToolPart>();
  const flush = () => {
    if (assistant) out.push({ id: newId(), role: 'assistant', parts: assistant.parts });
    assistant = null;
    tools.clear();
  };
  messages.forEach((message: unknown, i) => {
    if (!isPlainObject(message)) throw new InvalidInputError(`${PREFIX} messages[${i}] must be a ModelMessage object`);
    const content: ContentPart[] =
      typeof message.content === 'string'
        ? [{ type: 'text', text: message.content }]
        : Array.isArray(message.content)
          ? (message.content as ContentPart[])
          : [];
    switch (message.role) {
      case 'system':
        flush();
        out.push({
          id: newId(),
          role: 'system',
          parts: [
            {
              type: 'text',
              text: String(message.content),
              ...withProvider('providerMetadata', message.providerOptions),
            },
          ],
        });
        return;
      case 'user':
        flush();
        out.push({ id: newId(), role: 'user', parts: content.map(userPart) });
        return;
      case 'assistant': {
        assistant ??= { parts: [] };
        const parts = assistant.parts;
        parts.push({ type: 'step-start' });
        for (const part of content) {
          switch (part.type) {
            case 'text':
              parts.push({
                type: 'text',
                text: String(part.text),
                ...withProvider('providerMetadata', part.providerOptions),
              });
              break;
            case 'reasoning':
              parts.push({
                type: 'reasoning',
                text: String(part.text),
                ...withProvider('providerMetadata', part.providerOptions),
              });
              break;
            case 'reasoning-file': {
              const mediaType = String(part.mediaType);
              parts.push({
                type: 'reasoning-file',
                mediaType,
                url: fileUrl(part.data, mediaType).url,
                ...withProvider('providerMetadata', part.providerOptions),
              });
              break;
            }
            case 'custom':
              parts.push({
                type: 'custom',
                kind: part.kind,
                ...withProvider('providerMetadata', part.providerOptions),
              });
              break;
            case 'tool-call': {
              const tool: ToolPart = {
                type: `tool-${String(part.toolName)}`,
                toolCallId: String(part.toolCallId),
                state: 'input-available',
                input: part.input,
                ...withProvider('providerExecuted', part.providerExecuted),
                ...withProvider('callProviderMetadata', part.providerOptions),
              };
              tools.set(tool.toolCallId, tool);
              parts.push(tool);
              break;
            }
            case 'tool-approval-request': {
              const tool = tools.get(String(part.toolCallId));
              if (!tool) throw unknownCall(i, part.toolCallId);
              tool.state = 'approval-requested';
              tool.approval = {
                id: part.approvalId,
                ...withProvider('isAutomatic', part.isAutomatic),
                ...withProvider('requestReason', part.reason),
                ...withProvider('signature', part.signature),
                ...('inputSchemaInput' in part ? { inputSchemaInput: part.inputSchemaInput } : {}),
              };
              break;
            }
            case 'tool-result': {
              const tool = tools.get(String(part.toolCallId));
              if (!tool) throw unknownCall(i, part.toolCallId);
              applyResult(tool, part);
              break;
            }
            default:
              if (part.type === 'file' || part.type === 'image') parts.push(userPart(part));
              else parts.push({ ...part });
          }
        }
        return;
      }
      case 'tool':
        for (const part of content) {
          if (part.type === 'tool-result') {
            const tool = tools.get(String(part.toolCallId));
            if (!tool) throw unknownCall(i, part.toolCallId);
            applyResult(tool, part);
          } else if (part.type === 'tool-approval-response') {
            // An approval response names the approval, not the call.
            const tool = [...tools.values()].find((t) => t.approval?.id === part.approvalId);
            if (!tool) throw unknownCall(i, part.approvalId);
            tool.state = 'approval-responded';
            tool.approval = {
              ...tool.approval,
              id: part.approvalId,
              approved: part.approved,
              ...withProvider('reason', part.reason),
            };
          }
        }
        return;
      default:
        throw new InvalidInputError(
          `${PREFIX} messages[${i}].role is ${JSON.stringify(message.role)}: a ModelMessage is system, user, assistant or tool`,
        );
    }
  });
  flush();
  return out;
}

function unknownCall(i: number, toolCallId: unknown): InvalidInputError {
  return new InvalidInputError(
    `${PREFIX} messages[${i}] answers tool call ${JSON.stringify(toolCallId)}, which no earlier assistant message of the turn made: pass the assistant message with its tool-call too`,
  );
}
