// The public surface: profile and knowledge stores on any LongTermStorage, their option and
// result types, and the two file formats. The merge rules, the schemas and the retry loop stay
// inside their modules (tests import them from there). `foldText` and `tripleIdentityHash` are
// public for @memory/retrieval and @memory/knowledge-index (see their `@remarks`).
export type { Triple, TripleMetadata } from './triple.js';
export { foldText } from './fold.js';
export { parseTriples, serializeTriples, type ParseTriplesOptions, type SkippedLine } from './triples-format.js';
export { parseProfile, serializeProfile, validateProfile, type ProfileFormatOptions } from './profile-format.js';
export type { ProfileTraits, UserProfile } from './profile-schema.js';
export type { RetryOptions } from './retry.js';
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
export { tripleIdentityHash, type MergeTriplesOptions } from './merge-triples.js';
