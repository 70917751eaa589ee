export {
  DEFAULT_ARCHIVE_POLICY,
  resolveArchivePolicy,
  archiveCutoffs,
  dueStatus,
  type ArchivePolicy,
  type ArchiveCutoffs,
} from './policy.js';
export { ProgressTracker, type ArchivePhase, type ArchiveProgress } from './progress.js';
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
