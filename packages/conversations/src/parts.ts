import { InvalidInputError } from '@memory/errors';
import type { MessagePart } from '@memory/models';
import { assertJsonValue, isPlainObject } from './json-value.js';

const PREFIX = '[memory/conversations]';

/**
 * The most parts one message may have (10,000); more is an `InvalidInputError` naming the field.
 *
 * @remarks Exported so a service can state the same limit in its request schema (`maxItems`).
 */
export const MAX_MESSAGE_PARTS = 10_000;

function invalid(message: string, field: string): never {
  throw new InvalidInputError(`${PREFIX} ${message}`, { details: { field } });
}

/** Fields a known part kind must carry as strings, so a misspelt part is refused rather than stored. */
function requiredStrings(type: string): readonly string[] {
  switch (type) {
    case 'text':
    case 'reasoning':
      return ['text'];
    case 'dynamic-tool':
      return ['toolName', 'toolCallId', 'state'];
    case 'file':
      return ['mediaType', 'url'];
    case 'source-url':
      return ['sourceId', 'url'];
    case 'source-document':
      return ['sourceId', 'mediaType', 'title'];
    default:
      return type.startsWith('tool-') ? ['toolCallId', 'state'] : [];
  }
}

/**
 * A copy of `value` without the object properties whose value is `undefined` (the AI SDK leaves
 * optional fields `undefined`; JSON has no such value and `JSON.stringify` drops them too).
 * Anything else is copied as it is and checked by {@link assertJsonValue} afterwards.
 */
function withoutUndefined(value: unknown, depth = 0): unknown {
  if (depth > 64 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => withoutUndefined(item, depth + 1));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) out[key] = withoutUndefined(item, depth + 1);
  }
  return out;
}

/**
 * Checks the parts of a message: an array of plain JSON objects, each with a non-empty string
 * `type`; the known kinds (text, reasoning, tool-*, dynamic-tool, file, source-url,
 * source-document) must have their required string fields. Other kinds are kept as they are.
 * Returns a copy without `undefined` properties.
 */
export function checkParts(value: unknown, field: string): MessagePart[] {
  if (!Array.isArray(value)) invalid(`${field} must be an array of message parts (UIMessage parts)`, field);
  if (value.length > MAX_MESSAGE_PARTS) {
    invalid(`${field} has ${value.length} parts, over the limit of ${MAX_MESSAGE_PARTS}`, field);
  }
  const parts = value.map((part: unknown, i) => {
    const at = `${field}[${i}]`;
    if (!isPlainObject(part)) invalid(`${at} must be an object with a type`, at);
    const type = part.type;
    if (typeof type !== 'string' || type === '') {
      invalid(`${at}.type must be a non-empty string (text, reasoning, tool-<name>, file, ...)`, `${at}.type`);
    }
    for (const name of requiredStrings(type)) {
      if (typeof part[name] !== 'string') {
        invalid(`${at} is a ${type} part without a string ${name}: give it ${name}`, `${at}.${name}`);
      }
    }
    return withoutUndefined(part) as MessagePart;
  });
  assertJsonValue(parts, field);
  return parts;
}

/** Checks a message's metadata: a plain JSON object (`undefined` properties left out). */
export function checkMessageMetadata(value: unknown, field: string): Record<string, unknown> {
  if (!isPlainObject(value)) invalid(`${field} must be a plain JSON object`, field);
  const clean = withoutUndefined(value) as Record<string, unknown>;
  assertJsonValue(clean, field);
  return clean;
}
