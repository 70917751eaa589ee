import { StorageError } from '@memory/errors';
import { MESSAGES_OBJECT, SUMMARIES_OBJECT } from './object-layout.js';

/** The `format` of every manifest this package writes. */
export const MANIFEST_FORMAT = 'memory-archive-session';
/** The manifest version this package writes and reads. */
export const MANIFEST_VERSION = 1;

/** What the manifest records about one exported file. */
export interface ManifestFile {
  /** File name inside the session's folder (`messages.jsonl.gz`). */
  name: string;
  /** Number of JSONL lines (rows). */
  count: number;
  /** Size of the uncompressed JSONL in bytes. */
  bytes: number;
  /** SHA-256 (hex) of the uncompressed JSONL. */
  sha256: string;
  /** Size of the stored gzip object in bytes. */
  gzipBytes: number;
  /** SHA-256 (hex) of the stored gzip object. */
  gzipSha256: string;
}

/**
 * `archive/{sessionId}/manifest.json`: what a deep-archive export holds, with counts and
 * checksums to verify it by.
 */
export interface ArchiveManifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  sessionId: string;
  /** The session's owner when known (`sessions.user_id`). */
  userId: string | null;
  /** ISO 8601: when the export was written. */
  exportedAt: string;
  files: { messages: ManifestFile; summaries: ManifestFile };
}

const HEX64 = /^[0-9a-f]{64}$/;

function checkFile(value: unknown, name: string): ManifestFile {
  const f = value as Partial<ManifestFile> | null;
  const count = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (
    typeof f !== 'object' ||
    f === null ||
    f.name !== name ||
    !count(f.count) ||
    !count(f.bytes) ||
    !count(f.gzipBytes) ||
    typeof f.sha256 !== 'string' ||
    !HEX64.test(f.sha256) ||
    typeof f.gzipSha256 !== 'string' ||
    !HEX64.test(f.gzipSha256)
  ) {
    throw new StorageError(
      `[memory/archive] manifest entry for ${name} is malformed: the export is damaged; restore it from a backup`,
    );
  }
  return f as ManifestFile;
}

/**
 * Parses and checks a manifest's bytes.
 *
 * @throws StorageError when it is not a version-1 manifest of `sessionId`.
 */
export function parseManifest(bytes: Uint8Array, sessionId: string): ArchiveManifest {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new StorageError(
      `[memory/archive] manifest of session ${sessionId} is not JSON: the export is damaged; restore it from a backup`,
      { cause },
    );
  }
  const m = value as Partial<ArchiveManifest> | null;
  if (typeof m !== 'object' || m === null || m.format !== MANIFEST_FORMAT) {
    throw new StorageError(
      `[memory/archive] object is not a session archive manifest (format "${MANIFEST_FORMAT}"): check the storage prefix`,
    );
  }
  if (m.version !== MANIFEST_VERSION) {
    throw new StorageError(
      `[memory/archive] manifest version ${String(m.version)} is not supported (expected ${MANIFEST_VERSION}): upgrade @memory/archive`,
    );
  }
  if (m.sessionId !== sessionId) {
    throw new StorageError(
      `[memory/archive] manifest names session ${String(m.sessionId)}, expected ${sessionId}: the export is misplaced`,
    );
  }
  const files = m.files as Partial<ArchiveManifest['files']> | undefined;
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    sessionId,
    userId: typeof m.userId === 'string' ? m.userId : null,
    exportedAt: typeof m.exportedAt === 'string' ? m.exportedAt : '',
    files: {
      messages: checkFile(files?.messages, MESSAGES_OBJECT),
      summaries: checkFile(files?.summaries, SUMMARIES_OBJECT),
    },
  };
}
