// The entry point and what it takes and returns.
export { createArchiver, type Archiver, type ArchiverOptions } from './create-archiver.js';
export { DEFAULT_BATCH_SIZE, type RunArchiveOptions, type ArchiveRunResult } from './run-archive.js';
export type { ArchivePlan, TransitionCounts } from './plan-archive.js';
export type { RestoreOptions, RestoreResult } from './restore-session.js';
export { ARCHIVE_AUDIT_ACTION } from './cold-to-deep.js';
export { DELETE_AUDIT_ACTION } from './deep-to-deleted.js';
export { RESTORE_AUDIT_ACTION } from './restore-session.js';

// The policy, progress accounting, and the export format's building blocks.
export {
  DEFAULT_ARCHIVE_POLICY,
  resolveArchivePolicy,
  archiveCutoffs,
  dueStatus,
  type ArchivePolicy,
  type ArchiveCutoffs,
} from './policy.js';
export type { ArchivePhase, ArchiveProgress } from './progress.js';
export { archiveObjectKeys, MESSAGES_OBJECT, SUMMARIES_OBJECT, MANIFEST_OBJECT } from './object-layout.js';
export {
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  parseManifest,
  type ArchiveManifest,
  type ManifestFile,
} from './export-manifest.js';
export {
  encodeMessageLine,
  encodeSummaryLine,
  parseMessageLine,
  parseSummaryLine,
  type MessageExportRow,
  type SummaryExportRow,
  type ExportedMessage,
  type ExportedSummary,
} from './export-lines.js';
export {
  buildSessionExport,
  readSessionExport,
  writeAndVerifySessionExport,
  type SessionExport,
  type SessionExportInput,
  type ExportObject,
  type VerifiedSessionExport,
} from './session-export.js';
