/**
 * The parts of a message, shaped like the AI SDK's `UIMessage` parts (`ai` v5 and later), stored
 * as they are in `messages.parts` (jsonb). These are structural types: this package does not
 * depend on `ai`, and any `UIMessage['parts']` value is assignable to `MessagePart[]`.
 *
 * Part kinds this version does not know (a newer AI SDK's, or an application's own) are kept as
 * they are ({@link MessageOtherPart}); a known kind keeps every field, including ones added later.
 */

/** Provider-specific data on a part (`providerMetadata`, `callProviderMetadata`): JSON by provider name. */
export type MessageProviderMetadata = Record<string, Record<string, unknown>>;

/** Text the model or the user wrote. Its `text` makes up the message's `content`. */
export interface MessageTextPart {
  type: 'text';
  text: string;
  /** `streaming` while a stream is still writing it. */
  state?: 'streaming' | 'done';
  providerMetadata?: MessageProviderMetadata;
  [extra: string]: unknown;
}

/** The model's reasoning. Not part of `content`. */
export interface MessageReasoningPart {
  type: 'reasoning';
  text: string;
  state?: 'streaming' | 'done';
  providerMetadata?: MessageProviderMetadata;
  [extra: string]: unknown;
}

/**
 * The states of a tool call: `input-streaming`, `input-available`, `approval-requested`,
 * `approval-responded`, `output-available`, `output-error`, `output-denied` (AI SDK v6 and
 * later added the approval ones).
 */
export type MessageToolState =
  | 'input-streaming'
  | 'input-available'
  | 'approval-requested'
  | 'approval-responded'
  | 'output-available'
  | 'output-error'
  | 'output-denied';

/** A call of a tool known when the message was typed (`type` is `tool-<name>`), with its result once there is one. */
export interface MessageToolPart {
  type: `tool-${string}`;
  toolCallId: string;
  state: MessageToolState;
  input?: unknown;
  /** The tool's result, in state `output-available`. */
  output?: unknown;
  /** Why the call failed, in state `output-error`. */
  errorText?: string;
  providerExecuted?: boolean;
  callProviderMetadata?: MessageProviderMetadata;
  [extra: string]: unknown;
}

/** A call of a tool known only at run time (MCP tools, for example): the name is in `toolName`. */
export interface MessageDynamicToolPart {
  type: 'dynamic-tool';
  toolName: string;
  toolCallId: string;
  state: MessageToolState;
  input?: unknown;
  output?: unknown;
  errorText?: string;
  providerExecuted?: boolean;
  callProviderMetadata?: MessageProviderMetadata;
  [extra: string]: unknown;
}

/** A file: `url` is a URL or a `data:` URL. */
export interface MessageFilePart {
  type: 'file';
  mediaType: string;
  url: string;
  filename?: string;
  providerMetadata?: MessageProviderMetadata;
  [extra: string]: unknown;
}

/** A web page the answer cites. */
export interface MessageSourceUrlPart {
  type: 'source-url';
  sourceId: string;
  url: string;
  title?: string;
  providerMetadata?: MessageProviderMetadata;
  [extra: string]: unknown;
}

/** A document the answer cites. */
export interface MessageSourceDocumentPart {
  type: 'source-document';
  sourceId: string;
  mediaType: string;
  title: string;
  filename?: string;
  providerMetadata?: MessageProviderMetadata;
  [extra: string]: unknown;
}

/** Where a new step (model call) of a multi-step turn begins. */
export interface MessageStepStartPart {
  type: 'step-start';
  [extra: string]: unknown;
}

/** Application data streamed with the message (`type` is `data-<name>`). */
export interface MessageDataPart {
  type: `data-${string}`;
  id?: string;
  data: unknown;
  [extra: string]: unknown;
}

/** A part of another kind (a newer AI SDK's, e.g. `reasoning-file`, or an application's own): kept as it is. */
export interface MessageOtherPart {
  type: string;
  [extra: string]: unknown;
}

/**
 * One part of a message, as the AI SDK's `UIMessage.parts` holds it. Stored losslessly in
 * `messages.parts` (as JSON: a property whose value is `undefined` is left out, as
 * `JSON.stringify` does).
 *
 * @example
 * ```ts
 * const parts: MessagePart[] = [
 *   { type: 'step-start' },
 *   { type: 'tool-weather', toolCallId: 'call_1', state: 'output-available', input: { city: 'Kyoto' }, output: { c: 21 } },
 *   { type: 'text', text: 'It is 21 °C in Kyoto.' },
 * ];
 * ```
 */
export type MessagePart =
  | MessageTextPart
  | MessageReasoningPart
  | MessageToolPart
  | MessageDynamicToolPart
  | MessageFilePart
  | MessageSourceUrlPart
  | MessageSourceDocumentPart
  | MessageStepStartPart
  | MessageDataPart
  | MessageOtherPart;

/** Separator between the text parts of a message in its `content`. */
export const PARTS_TEXT_SEPARATOR = '\n\n';

/**
 * The text projection of a message's parts, which is what `messages.content` holds: the `text`
 * of its `text` parts, in order, separated by a blank line (the parts of different steps of one
 * turn). Reasoning, tool calls, files, sources and data give no text, so a message of tool parts
 * only projects to `''`.
 *
 * @example
 * ```ts
 * partsText([{ type: 'step-start' }, { type: 'text', text: 'Hi' }]); // 'Hi'
 * ```
 */
export function partsText(parts: readonly MessagePart[]): string {
  const texts: string[] = [];
  for (const part of parts) {
    if (part.type === 'text' && typeof part.text === 'string' && part.text !== '') texts.push(part.text);
  }
  return texts.join(PARTS_TEXT_SEPARATOR);
}
