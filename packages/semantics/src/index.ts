export type { Triple, TripleMetadata } from './triple.js';
export { isEnded } from './triple.js';
export { foldText } from './fold.js';
export { parseTriples, serializeTriples, type ParseTriplesOptions, type SkippedLine } from './triples-format.js';
export { parseProfile, serializeProfile, validateProfile, type ProfileFormatOptions } from './profile-format.js';
export {
  PROFILE_TRAIT_KEYS,
  profileTraitsSchema,
  userProfileSchema,
  type ProfileTraitKey,
  type ProfileTraits,
  type UserProfile,
} from './profile-schema.js';
export { withConflictRetry, type RetryOptions } from './retry.js';
export {
  DEFAULT_MAX_PROFILE_BYTES,
  DEFAULT_MAX_KNOWLEDGE_BYTES,
  DEFAULT_MAX_LINE_BYTES,
  type ReadLimits,
  type LineLimits,
} from './read-limits.js';
export {
  loadUserProfile,
  loadUserProfileVersioned,
  saveUserProfile,
  updateUserProfile,
  type SaveOptions,
  type UpdateProfileResult,
  type VersionedProfile,
} from './profile-store.js';
export {
  loadKnowledgeTriples,
  saveKnowledgeTriples,
  addKnowledgeTriples,
  type LoadTriplesOptions,
  type SaveTriplesOptions,
  type AddTriplesOptions,
  type AddTriplesResult,
  type TriplesSink,
} from './knowledge-store.js';
export {
  mergeTriples,
  tripleIdentity,
  tripleIdentityHash,
  type MergeTriplesOptions,
  type MergeTriplesResult,
} from './merge-triples.js';
