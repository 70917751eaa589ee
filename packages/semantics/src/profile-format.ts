import { InvalidInputError } from '@memory/errors';
import { userProfileSchema, type UserProfile } from './profile-schema.js';
import { pythonJson } from './python-json.js';
import { decodeUtf8 } from './utf8.js';

/** Options of {@link parseProfile} and {@link validateProfile}. */
export interface ProfileFormatOptions {
  /** Named in error messages, e.g. `profiles/u1.json`. Default `profile`. */
  key?: string;
}

/**
 * Parses a stored profile: any JSON object the original wrote, traits of any type included
 * (use {@link validateProfile} to check them). Not JSON, or JSON that is not an object, throws
 * `InvalidInputError` naming the key.
 *
 * @example
 * ```ts
 * parseProfile('{"user_id": "u1", "traits": {"communication_style": "简洁"}}');
 * ```
 */
export function parseProfile(data: Uint8Array | string, options: ProfileFormatOptions = {}): UserProfile {
  const key = options.key ?? 'profile';
  const text = decodeUtf8(data, key);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new InvalidInputError(`[memory/semantics] ${key} is not JSON: ${why}`, { cause, details: { key } });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new InvalidInputError(`[memory/semantics] ${key} must hold a JSON object, found ${kind}`, {
      details: { key },
    });
  }
  return value as UserProfile;
}

/**
 * Checks a profile against {@link userProfileSchema} (known traits typed, unknown keys kept) and
 * returns it. Throws `InvalidInputError` listing each problem with its path.
 */
export function validateProfile(profile: unknown, options: ProfileFormatOptions = {}): UserProfile {
  const result = userProfileSchema.safeParse(profile);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new InvalidInputError(`[memory/semantics] ${options.key ?? 'profile'} is not a valid profile: ${problems}`, {
    details: { key: options.key, issues: result.error.issues },
  });
}

/**
 * Serializes a profile as the original did: one JSON object, UTF-8, non-ASCII kept, Python-style
 * separators (`{"user_id": "u1", "traits": {...}}`).
 *
 * @throws InvalidInputError when `profile` is not a plain object or holds a value JSON cannot.
 */
export function serializeProfile(profile: UserProfile): string {
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) {
    throw new InvalidInputError('[memory/semantics] a profile must be a plain object');
  }
  try {
    return pythonJson(profile);
  } catch (cause) {
    throw new InvalidInputError(`[memory/semantics] profile cannot be serialized: ${(cause as Error).message}`, {
      cause,
    });
  }
}
