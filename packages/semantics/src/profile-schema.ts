import { z } from 'zod';

/**
 * The conventional trait keys of the original, under `profile.traits`.
 *
 * @example
 * ```ts
 * for (const k of PROFILE_TRAIT_KEYS) console.log(k, profile.traits?.[k]);
 * ```
 */
export const PROFILE_TRAIT_KEYS = [
  'communication_style',
  'emotional_tone',
  'preferred_topics',
  'decision_making',
] as const;

/**
 * Schema of `profile.traits`: the known traits typed (free text, or for `preferred_topics` a
 * list of topics or a single string), any other key kept as it is.
 */
const profileTraitsSchema = z.looseObject({
  communication_style: z.string().optional(),
  emotional_tone: z.string().optional(),
  preferred_topics: z
    .union([z.array(z.string()), z.string()], { error: 'expected a list of strings or one string' })
    .optional(),
  decision_making: z.string().optional(),
});

/**
 * Schema of a user profile: `user_id`, `traits` ({@link profileTraitsSchema}), and any other key
 * the application keeps there, which is preserved.
 *
 * @example
 * ```ts
 * const profile = userProfileSchema.parse({ user_id: 'u1', traits: { communication_style: 'concise' }, plan: 'pro' });
 * profile.plan; // 'pro', unknown keys survive
 * ```
 */
export const userProfileSchema = z.looseObject({
  user_id: z.string().optional(),
  traits: profileTraitsSchema.optional(),
});

/** The known traits of a profile; other keys allowed. */
export type ProfileTraits = z.infer<typeof profileTraitsSchema>;

/** A user profile as stored under `profiles/{userId}.json`; other keys allowed. */
export type UserProfile = z.infer<typeof userProfileSchema>;
