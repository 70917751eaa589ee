// The public surface: the archiver factory, the option and result types of its methods, and
// `readSessionExport` to read a deep export back. The export format's encoders, the object
// layout, the policy arithmetic, the audit action names and the batch default stay inside their
// modules (tests import them from there); the README documents the format and the values.
export { createArchiver, type Archiver, type ArchiverOptions } from './create-archiver.js';
export type { RunArchiveOptions, ArchiveRunResult } from './run-archive.js';
export type { ArchivePlan, TransitionCounts } from './plan-archive.js';
export type { RestoreOptions, RestoreResult } from './restore-session.js';
export type { ArchivePolicy, ArchiveCutoffs } from './policy.js';
export type { ArchivePhase, ArchiveProgress } from './progress.js';
export { readSessionExport, type VerifiedSessionExport } from './session-export.js';
export type { ArchiveManifest, ManifestFile } from './export-manifest.js';
export type { ExportedMessage, ExportedSummary } from './export-lines.js';
