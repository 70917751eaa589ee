import { createHash } from 'node:crypto';
import type { MessagePart } from '@memory/conversations';
import type { LanguageModelMiddleware } from 'ai';
import type { MemoryMessage } from './memory.js';

/** The options a model call receives (the AI SDK's `LanguageModelV4CallOptions`). */
export type CallParams = Parameters<NonNullable<LanguageModelMiddleware['transformParams']>>[0]['params'];
/** One message of a model prompt. */
export type PromptMessage = CallParams['prompt'][number];
/** The result of `doGenerate`. */
type GenerateResult = Awaited<ReturnType<NonNullable<LanguageModelMiddleware['wrapGenerate']>>>;
/** The result of `doStream`. */
type StreamResult = Awaited<ReturnType<NonNullable<LanguageModelMiddleware['wrapStream']>>>;
/** One part of a model stream. */
export type StreamPart = StreamResult['stream'] extends ReadableStream<infer P> ? P : never;
/** One content part of a generate result. */
export type ContentPart = GenerateResult['content'][number];

/** How a prompt divides into what the caller had sent before and this turn's own messages. */
export interface TurnSplit {
  /** Non-system messages before the turn (earlier conversation the caller resent). */
  history: PromptMessage[];
  /**
   * The turn: the last run of user messages and everything after it (in a multi-step call, the
   * assistant tool calls and tool results of the earlier steps).
   */
  block: PromptMessage[];
  /** How many system messages lead the prompt (memory context goes right after them). */
  leadingSystem: number;
}

/** Splits a prompt into the caller's earlier history and the current turn. */
export function splitTurn(prompt: readonly PromptMessage[]): TurnSplit {
  let leadingSystem = 0;
  while (leadingSystem < prompt.length && prompt[leadingSystem]!.role === 'system') leadingSystem += 1;
  let lastUser = -1;
  for (let i = prompt.length - 1; i >= 0; i -= 1) {
    if (prompt[i]!.role === 'user') {
      lastUser = i;
      break;
    }
  }
  if (lastUser < 0) {
    return { history: prompt.filter((m) => m.role !== 'system'), block: [], leadingSystem };
  }
  let start = lastUser;
  while (start > 0 && prompt[start - 1]!.role === 'user') start -= 1;
  return {
    history: prompt.slice(0, start).filter((m) => m.role !== 'system'),
    block: prompt.slice(start).filter((m) => m.role !== 'system'),
    leadingSystem,
  };
}

/**
 * A turn key derived from the call: a hash of the history the caller sent and the turn's user
 * messages. A retried call (same prompt) gets the same key; a later turn gets another one
 * because its history differs. A caller that sends only the newest message (leaving the history
 * to memory) cannot be told apart from a retry this way and should pass its own turn key.
 */
export function deriveTurnKey(split: TurnSplit): string {
  const users: PromptMessage[] = [];
  for (const m of split.block) {
    if (m.role !== 'user') break;
    users.push(m);
  }
  const hash = createHash('sha256');
  for (const m of [...split.history, ...users]) {
    hash.update(m.role);
    hash.update('\u0000');
    hash.update(JSON.stringify(m.content, (_k, v: unknown) => (v instanceof Uint8Array ? `bytes:${v.length}` : v)));
    hash.update('\u0001');
  }
  return `derived:${hash.digest('hex').slice(0, 32)}`;
}

/** The text of a prompt message (text parts joined by newlines; tool results as JSON). */
export function promptMessageText(m: PromptMessage): string {
  if (m.role === 'system') return m.content;
  const texts: string[] = [];
  for (const part of m.content) {
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'tool-result') texts.push(toolOutputText(part.output));
  }
  return texts.join('\n');
}

function toolOutputText(output: unknown): string {
  const o = output as { type?: string; value?: unknown; reason?: string };
  if (o.type === 'text' || o.type === 'error-text') return String(o.value);
  if (o.type === 'execution-denied') return `execution denied${o.reason ? `: ${o.reason}` : ''}`;
  return JSON.stringify(o.value ?? null);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The `UIMessage`-shaped parts of one prompt message: text, files given by URL, reasoning, and
 * tool parts (`tool-<name>`) with their state: `input-available` for a call,
 * `output-available` / `output-error` for a result.
 */
function promptMessageParts(m: PromptMessage): Record<string, unknown>[] {
  if (m.role === 'system') return [{ type: 'text', text: m.content }];
  const parts: Record<string, unknown>[] = [];
  for (const part of m.content) {
    switch (part.type) {
      case 'text':
        parts.push({ type: 'text', text: part.text });
        break;
      case 'reasoning':
        parts.push({ type: 'reasoning', text: part.text });
        break;
      case 'file':
        if (part.data.type === 'url') {
          parts.push({ type: 'file', mediaType: part.mediaType, url: String(part.data.url), filename: part.filename });
        }
        break;
      case 'tool-call':
        parts.push({
          type: `tool-${part.toolName}`,
          toolCallId: part.toolCallId,
          state: 'input-available',
          input: part.input,
          ...(part.providerExecuted ? { providerExecuted: true } : {}),
        });
        break;
      case 'tool-result': {
        const o = part.output as { type: string; value?: unknown };
        const failed = o.type === 'error-text' || o.type === 'error-json' || o.type === 'execution-denied';
        parts.push({
          type: `tool-${part.toolName}`,
          toolCallId: part.toolCallId,
          state: failed ? 'output-error' : 'output-available',
          ...(failed ? { errorText: toolOutputText(o) } : { output: o.type === 'content' ? o.value : o.value }),
        });
        break;
      }
      default:
        break;
    }
  }
  return parts;
}

/** Accumulates a model's answer (generate content or stream parts) as text and parts. */
export class AnswerCollector {
  private readonly parts: Array<Record<string, unknown> & { type: string }> = [];
  private readonly open = new Map<string, Record<string, unknown> & { text: string }>();
  /** How many parts of the answer have arrived (an answer with none is not recorded). */
  count = 0;

  /** Adds one content part of a generate result. */
  addContent(part: ContentPart): void {
    this.count += 1;
    switch (part.type) {
      case 'text':
        this.parts.push({ type: 'text', text: part.text });
        break;
      case 'reasoning':
        this.parts.push({ type: 'reasoning', text: part.text });
        break;
      case 'tool-call':
        this.parts.push({
          type: `tool-${part.toolName}`,
          toolCallId: part.toolCallId,
          state: 'input-available',
          input: parseJson(part.input),
          ...(part.providerExecuted ? { providerExecuted: true } : {}),
        });
        break;
      case 'tool-result':
        this.parts.push({
          type: `tool-${part.toolName}`,
          toolCallId: part.toolCallId,
          state: part.isError ? 'output-error' : 'output-available',
          ...(part.isError ? { errorText: JSON.stringify(part.result) } : { output: part.result }),
          providerExecuted: true,
        });
        break;
      case 'source':
        if (part.sourceType === 'url') {
          this.parts.push({ type: 'source-url', sourceId: part.id, url: part.url, title: part.title });
        }
        break;
      default:
        break;
    }
  }

  /** Adds one stream part. */
  addStreamPart(part: StreamPart): void {
    switch (part.type) {
      case 'text-start':
      case 'reasoning-start': {
        const open = { type: part.type === 'text-start' ? 'text' : 'reasoning', text: '' };
        this.open.set(`${open.type}:${part.id}`, open);
        this.parts.push(open);
        this.count += 1;
        break;
      }
      case 'text-delta':
      case 'reasoning-delta': {
        const key = `${part.type === 'text-delta' ? 'text' : 'reasoning'}:${part.id}`;
        let open = this.open.get(key);
        if (!open) {
          open = { type: key.startsWith('text') ? 'text' : 'reasoning', text: '' };
          this.open.set(key, open);
          this.parts.push(open as Record<string, unknown> & { type: string; text: string });
          this.count += 1;
        }
        open.text += part.delta;
        break;
      }
      case 'tool-call':
      case 'tool-result':
      case 'source':
        this.addContent(part);
        break;
      default:
        break;
    }
  }

  /** The answer's text (its text parts joined) and parts. */
  result(): { content: string; parts: MessagePart[] } {
    const parts = this.parts.filter((p) => !(p.type === 'text' || p.type === 'reasoning') || p.text !== '');
    return {
      content: parts
        .filter((p) => p.type === 'text')
        .map((p) => p.text as string)
        .join(''),
      parts: parts.map((p) => ({ ...p })) as MessagePart[],
    };
  }
}

/** The messages of a turn's prompt side as {@link MemoryMessage}s (without ids). */
export function blockMessages(block: readonly PromptMessage[]): Array<Omit<MemoryMessage, 'id'>> {
  return block.map((m) => ({
    role: m.role,
    content: promptMessageText(m),
    parts: promptMessageParts(m) as MessagePart[],
  }));
}
