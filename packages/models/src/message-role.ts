/**
 * Who wrote a message, stored in `messages.role` (`varchar(32)`). The original used `user`,
 * `assistant` and `system`; `tool` is new (tool-call results).
 *
 * @example
 * ```ts
 * em.create(Message, { session: sessionId, role: MessageRole.USER, content: 'hi' });
 * ```
 */
export const MessageRole = {
  USER: 'user',
  ASSISTANT: 'assistant',
  SYSTEM: 'system',
  TOOL: 'tool',
} as const;

/** One of the {@link MessageRole} values: `'user' | 'assistant' | 'system' | 'tool'`. */
export type MessageRole = (typeof MessageRole)[keyof typeof MessageRole];

const ROLE_VALUES: ReadonlySet<string> = new Set(Object.values(MessageRole));

/** True when `value` is one of the {@link MessageRole} strings. */
export function isMessageRole(value: unknown): value is MessageRole {
  return typeof value === 'string' && ROLE_VALUES.has(value);
}
