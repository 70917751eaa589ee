import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { InvalidInputError, NotFoundError, StorageError } from '@memory/errors';
import type { LongTermStorage } from '@memory/longterm-core';
import {
  joinJsonl,
  parseMessageLine,
  parseSummaryLine,
  splitJsonl,
  type ExportedMessage,
  type ExportedSummary,
} from './export-lines.js';
import {
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  parseManifest,
  type ArchiveManifest,
  type ManifestFile,
} from './export-manifest.js';
import { MESSAGES_OBJECT, SUMMARIES_OBJECT, archiveObjectKeys } from './object-layout.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Largest manifest read back (ours are under 2 kB). Export objects are read with the sizes their
 * manifest states as the limit, compressed and uncompressed, so a damaged or replaced object, or a
 * gzip bomb, is refused without being held in memory.
 */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** One object of an export, ready to be written. */
interface ExportObject {
  key: string;
  body: Uint8Array;
  contentType: string;
}

/** What {@link buildSessionExport} produces: the objects in write order (manifest last). */
export interface SessionExport {
  manifest: ArchiveManifest;
  objects: ExportObject[];
}

/** What the caller knows about the session being exported. */
export interface SessionExportInput {
  sessionId: string;
  userId: string | null;
  /** Message lines from `encodeMessageLine`, in export order. */
  messageLines: readonly string[];
  /** Summary lines from `encodeSummaryLine`. */
  summaryLines: readonly string[];
  exportedAt: Date;
}

async function packFile(name: string, lines: readonly string[]): Promise<{ file: ManifestFile; gz: Uint8Array }> {
  const raw = Buffer.from(joinJsonl(lines), 'utf8');
  const gz = new Uint8Array(await gzipAsync(raw));
  return {
    file: {
      name,
      count: lines.length,
      bytes: raw.byteLength,
      sha256: sha256(raw),
      gzipBytes: gz.byteLength,
      gzipSha256: sha256(gz),
    },
    gz,
  };
}

/**
 * Builds a session's export: `messages.jsonl.gz`, `summaries.jsonl.gz` and `manifest.json`
 * (counts and SHA-256 of the compressed and uncompressed bytes). Gzip output is deterministic,
 * so exporting the same rows twice writes the same data objects.
 */
export async function buildSessionExport(input: SessionExportInput): Promise<SessionExport> {
  const keys = archiveObjectKeys(input.sessionId);
  const [messages, summaries] = await Promise.all([
    packFile(MESSAGES_OBJECT, input.messageLines),
    packFile(SUMMARIES_OBJECT, input.summaryLines),
  ]);
  const manifest: ArchiveManifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    sessionId: input.sessionId,
    userId: input.userId,
    exportedAt: input.exportedAt.toISOString(),
    files: { messages: messages.file, summaries: summaries.file },
  };
  return {
    manifest,
    objects: [
      { key: keys.messages, body: messages.gz, contentType: 'application/gzip' },
      { key: keys.summaries, body: summaries.gz, contentType: 'application/gzip' },
      {
        key: keys.manifest,
        body: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'),
        contentType: 'application/json',
      },
    ],
  };
}

/** A session's export as read back and verified. */
export interface VerifiedSessionExport {
  manifest: ArchiveManifest;
  /** The message lines exactly as stored (for exact re-insertion). */
  messageLines: string[];
  summaryLines: string[];
  messages: ExportedMessage[];
  summaries: ExportedSummary[];
}

async function readFile(
  storage: LongTermStorage,
  key: string,
  file: ManifestFile,
  sessionId: string,
): Promise<string[]> {
  const gz = await storage.getObject(key, { maxBytes: Math.max(file.gzipBytes, 1) }).catch((error: unknown) => {
    if (!InvalidInputError.isInstance(error)) throw error;
    throw new StorageError(
      `[memory/archive] export object ${key} is larger than the ${file.gzipBytes} bytes its manifest states: the stored object is damaged or was replaced; restore it from a backup`,
      { cause: error, details: { key, sessionId, expectedBytes: file.gzipBytes } },
    );
  });
  if (gz === null) {
    throw new StorageError(
      `[memory/archive] export object ${key} of session ${sessionId} is missing: restore it from a backup`,
      {
        details: { key, sessionId },
      },
    );
  }
  if (gz.byteLength !== file.gzipBytes || sha256(gz) !== file.gzipSha256) {
    throw new StorageError(
      `[memory/archive] export object ${key} does not match its manifest checksum: the stored object is damaged; restore it from a backup`,
      {
        details: { key, sessionId, expectedBytes: file.gzipBytes, actualBytes: gz.byteLength },
      },
    );
  }
  let raw: Buffer;
  try {
    raw = await gunzipAsync(gz, { maxOutputLength: Math.max(file.bytes, 1) });
  } catch (cause) {
    if ((cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new StorageError(
        `[memory/archive] export object ${key} unpacks to more than the ${file.bytes} bytes its manifest states: refused without unpacking it whole; restore it from a backup`,
        { cause, details: { key, sessionId, expectedBytes: file.bytes } },
      );
    }
    throw new StorageError(`[memory/archive] export object ${key} is not valid gzip: restore it from a backup`, {
      cause,
      details: { key },
    });
  }
  if (raw.byteLength !== file.bytes || sha256(raw) !== file.sha256) {
    throw new StorageError(
      `[memory/archive] uncompressed ${key} does not match its manifest checksum: restore it from a backup`,
      {
        details: { key, sessionId },
      },
    );
  }
  const lines = splitJsonl(raw.toString('utf8'), key);
  if (lines.length !== file.count) {
    throw new StorageError(
      `[memory/archive] ${key} holds ${lines.length} rows, its manifest says ${file.count}: restore it from a backup`,
      {
        details: { key, sessionId },
      },
    );
  }
  return lines;
}

/**
 * Reads a session's export back and verifies it: the manifest, then each object's size and
 * SHA-256 (compressed and uncompressed), its row count, and every line's shape and session id.
 *
 * @throws NotFoundError when the session has no manifest (never exported, or already deleted).
 * @throws StorageError when an object is missing or does not match the manifest.
 */
export async function readSessionExport(storage: LongTermStorage, sessionId: string): Promise<VerifiedSessionExport> {
  const keys = archiveObjectKeys(sessionId);
  const manifestBytes = await storage
    .getObject(keys.manifest, { maxBytes: MAX_MANIFEST_BYTES })
    .catch((error: unknown) => {
      if (!InvalidInputError.isInstance(error)) throw error;
      throw new StorageError(
        `[memory/archive] manifest ${keys.manifest} of session ${sessionId} is over ${MAX_MANIFEST_BYTES} bytes: it is not one this library wrote; restore it from a backup`,
        { cause: error, details: { key: keys.manifest, sessionId } },
      );
    });
  if (manifestBytes === null) {
    throw new NotFoundError(
      `[memory/archive] session ${sessionId} has no export at ${keys.manifest}: check the storage backend and prefix`,
      {
        details: { sessionId, key: keys.manifest },
      },
    );
  }
  const manifest = parseManifest(manifestBytes, sessionId);
  const [messageLines, summaryLines] = await Promise.all([
    readFile(storage, keys.messages, manifest.files.messages, sessionId),
    readFile(storage, keys.summaries, manifest.files.summaries, sessionId),
  ]);
  const check = <T extends { session_id: string }>(row: T, key: string, i: number): T => {
    if (row.session_id !== sessionId) {
      throw new StorageError(
        `[memory/archive] ${key} line ${i + 1} belongs to session ${row.session_id}, not ${sessionId}: the export is misplaced`,
      );
    }
    return row;
  };
  const messages = messageLines.map((l, i) =>
    check(parseMessageLine(l, `${keys.messages} line ${i + 1}`), keys.messages, i),
  );
  const summaries = summaryLines.map((l, i) =>
    check(parseSummaryLine(l, `${keys.summaries} line ${i + 1}`), keys.summaries, i),
  );
  return { manifest, messageLines, summaryLines, messages, summaries };
}

/**
 * Writes an export (data objects first, manifest last), reads it back and verifies it against
 * what was built. Safe to repeat: the same keys are overwritten with the same data.
 *
 * @throws StorageError when the read-back does not match.
 */
export async function writeAndVerifySessionExport(
  storage: LongTermStorage,
  built: SessionExport,
): Promise<VerifiedSessionExport> {
  for (const object of built.objects) {
    await storage.putObject(object.key, object.body, { contentType: object.contentType });
  }
  const sessionId = built.manifest.sessionId;
  const verified = await readSessionExport(storage, sessionId);
  const expected = built.manifest.files;
  const actual = verified.manifest.files;
  if (
    actual.messages.sha256 !== expected.messages.sha256 ||
    actual.summaries.sha256 !== expected.summaries.sha256 ||
    actual.messages.count !== expected.messages.count ||
    actual.summaries.count !== expected.summaries.count
  ) {
    throw new StorageError(
      `[memory/archive] export of session ${sessionId} read back differently from what was written: check the storage backend (another writer?)`,
      {
        details: { sessionId },
      },
    );
  }
  return verified;
}

/**
 * Removes every object under a session's archive folder, the manifest first (so a folder
 * interrupted half way never looks like a complete export). Returns how many were removed.
 */
export async function removeSessionObjects(storage: LongTermStorage, sessionId: string): Promise<number> {
  const keys = archiveObjectKeys(sessionId);
  const listed = await storage.listPrefix(keys.prefix);
  const ordered = [...listed.filter((k) => k === keys.manifest), ...listed.filter((k) => k !== keys.manifest)];
  for (const key of ordered) await storage.deleteObject(key);
  return ordered.length;
}
