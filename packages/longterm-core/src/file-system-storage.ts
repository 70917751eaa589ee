import { randomUUID } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { createHash } from 'node:crypto';
import { ConflictError, InvalidInputError, MemoryError, StorageError, UnsupportedError } from '@memory/errors';
import {
  DEFAULT_CONTENT_TYPE,
  checkPutOptions,
  md5Etag,
  objectTooLarge,
  readLimit,
  sameEtag,
  toBytes,
} from './body.js';
import { withFileLock } from './file-lock.js';
import { withKeyLock } from './key-lock.js';
import { compareKeys, validateObjectKey } from './keys.js';
import type {
  GetObjectOptions,
  LongTermStorage,
  ObjectBody,
  ObjectHead,
  PutObjectOptions,
  PutObjectResult,
  StorageCapabilities,
} from './types.js';

/** Names starting with this are the backend's own files (metadata, temp files), never keys. */
export const RESERVED_NAME_PREFIX = '.memory-';
const META_PREFIX = `${RESERVED_NAME_PREFIX}meta.`;
/**
 * The longest name (one `/`-separated part of a key) the backend stores, in UTF-8 bytes: a file
 * name is at most 255 bytes on Linux, macOS and Windows, and the side file that holds the ETag is
 * `.memory-meta.<name>.json`. So a user id is at most 232 bytes here (`<id>.json`).
 */
const MAX_NAME_BYTES = 255 - META_PREFIX.length - '.json'.length;
const TMP_PREFIX = `${RESERVED_NAME_PREFIX}tmp-`;

/**
 * How often a write makes its folder again when a delete in the same folder removed it (empty)
 * between the write's mkdir and its lock file. Each retry needs another delete to win that
 * narrow window, so running out means something else keeps removing the folder.
 */
const FOLDER_ATTEMPTS = 100;

/** Options of {@link FileSystemLongTermStorage}. */
export interface FileSystemLongTermStorageOptions {
  /** `fsync` each file before renaming it into place, so a crash cannot leave an empty object (default `true`). */
  fsync?: boolean;
  /** How long a write waits for another process's lock on the same key, ms (default 10 000). */
  lockTimeoutMs?: number;
}

interface Sidecar {
  etag: string;
  contentType: string;
  size: number;
  mtimeMs: number;
}

/**
 * Stores each object as a file under `rootDir`, at its key's path (`profiles/u1.json` is
 * `<rootDir>/profiles/u1.json`), so the tree can be inspected and backed up with ordinary tools.
 * The embedded default for local use.
 *
 * - Writes are atomic: a temp file in the same directory, fsync'd, then renamed over the target.
 * - Content type and etag live in a sidecar `.memory-meta.<name>.json` beside the file; names
 *   starting with `.memory-` are reserved and never listed. A file placed by other tools is
 *   served too (etag computed from its bytes, content type `application/octet-stream`).
 * - Etags are the quoted MD5 of the content, as S3's: rewriting identical bytes keeps the etag.
 * - Writes and deletes of a key are serialized by an in-process queue and a lock file
 *   (`.memory-lock.<name>`, created exclusively, removed after the write), so compare-and-swap
 *   holds between processes on one machine too. A lock left by a crashed process is taken over
 *   (its pid is gone, or it is older than a minute). Not for network filesystems.
 * - No key escapes the root: absolute keys, `.`/`..`/empty segments, `\`, NUL and reserved names
 *   are refused with `InvalidInputError`.
 * - A key cannot be both an object and a "directory" of other keys (`a` and `a/b`); such a write
 *   fails with `UnsupportedError`.
 * - A delete removes the folders it leaves empty, up to (not including) the root, so a deleted
 *   key's path segments (a purged session's `archive/<sessionId>/`) do not stay behind as folder
 *   names. A write into a folder that a concurrent delete is removing makes the folder again.
 *
 * @example
 * ```ts
 * const storage = new FileSystemLongTermStorage('./.data/long-term');
 * await storage.putObject('profiles/u1.json', '{}', { contentType: 'application/json' });
 * ```
 */
export class FileSystemLongTermStorage implements LongTermStorage {
  readonly capabilities: StorageCapabilities = { conditionalWrites: true };
  /** The absolute root directory. */
  readonly rootDir: string;
  readonly #fsync: boolean;
  readonly #lockTimeoutMs: number;

  constructor(rootDir: string, options: FileSystemLongTermStorageOptions = {}) {
    if (typeof rootDir !== 'string' || rootDir.length === 0) {
      throw new InvalidInputError('[memory/fs] rootDir must be a non-empty path');
    }
    this.rootDir = resolve(rootDir);
    this.#fsync = options.fsync ?? true;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  }

  async getObject(key: string, options?: GetObjectOptions): Promise<Uint8Array | null> {
    const path = this.#pathOf(key);
    const max = readLimit(options, 'fs');
    try {
      return max === undefined ? new Uint8Array(await readFile(path)) : await this.#readAtMost(key, path, max);
    } catch (error) {
      if (MemoryError.isInstance(error)) throw error;
      if (isMissing(error)) return null;
      throw this.#fail('read', key, error);
    }
  }

  /**
   * Reads a file of at most `max` bytes: refused by its size before any byte is read, and never
   * more than `max + 1` bytes held if it grows while being read.
   */
  async #readAtMost(key: string, path: string, max: number): Promise<Uint8Array> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      if (size > max) throw objectTooLarge('fs', key, size, max);
      let buffer = new Uint8Array(size + 1);
      let length = 0;
      for (;;) {
        if (length === buffer.length) {
          if (length > max) throw objectTooLarge('fs', key, undefined, max);
          const bigger = new Uint8Array(Math.min(buffer.length * 2, max + 1));
          bigger.set(buffer);
          buffer = bigger;
        }
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) return buffer.subarray(0, length);
        length += bytesRead;
      }
    } finally {
      await handle.close();
    }
  }

  async putObject(key: string, body: ObjectBody, options: PutObjectOptions = {}): Promise<PutObjectResult> {
    const path = this.#pathOf(key);
    checkPutOptions(options, true, 'fs');
    const bytes = toBytes(body);
    return withKeyLock(path, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.#putLocked(key, path, bytes, options);
        } catch (error) {
          // A delete of the folder's last object removed the folder after our mkdir and before our
          // lock file was in it (once the lock file is there, the folder is not empty and stays).
          if (!hasCode(error, 'ENOENT')) throw MemoryError.isInstance(error) ? error : this.#fail('lock', key, error);
          if (attempt >= FOLDER_ATTEMPTS) {
            throw new StorageError(
              `[memory/fs] write of "${key}" under ${this.rootDir} failed: its folder was removed ${FOLDER_ATTEMPTS} times while the write was making it; check what else deletes folders under the root`,
              { cause: error, details: { key, rootDir: this.rootDir } },
            );
          }
        }
      }
    });
  }

  /** One attempt of a write; a raw `ENOENT` means the folder went away before the lock was taken. */
  async #putLocked(key: string, path: string, bytes: Uint8Array, options: PutObjectOptions): Promise<PutObjectResult> {
    await this.#ensureParent(key, path);
    return withFileLock(lockPath(path), this.#lockOptions(key), async () => {
      if (options.ifMatch !== undefined || options.ifNoneMatch !== undefined) {
        const current = await this.#head(key, path);
        if (options.ifNoneMatch === '*' && current) {
          throw new ConflictError(`[memory/fs] object "${key}" already exists (ifNoneMatch '*')`, { details: { key } });
        }
        if (options.ifMatch !== undefined && (!current || !sameEtag(options.ifMatch, current.etag))) {
          throw new ConflictError(
            `[memory/fs] object "${key}" ${current ? 'changed' : 'does not exist'} (ifMatch ${options.ifMatch}): re-read and retry`,
            { details: { key, ifMatch: options.ifMatch } },
          );
        }
      }
      const etag = md5Etag(bytes);
      try {
        await this.#writeAtomic(path, bytes);
        const { size, mtimeMs } = await stat(path);
        const sidecar: Sidecar = { etag, contentType: options.contentType ?? DEFAULT_CONTENT_TYPE, size, mtimeMs };
        await this.#writeAtomic(sidecarPath(path), new TextEncoder().encode(JSON.stringify(sidecar)));
      } catch (error) {
        if (hasCode(error, 'EISDIR')) throw this.#objectAndPrefix(key, error);
        throw this.#fail('write', key, error);
      }
      return { etag };
    });
  }

  async deleteObject(key: string): Promise<void> {
    const path = this.#pathOf(key);
    await withKeyLock(path, async () => {
      if (await this.#isFile(key, path)) {
        await withFileLock(lockPath(path), this.#lockOptions(key), async () => {
          try {
            await unlink(path);
            await rm(sidecarPath(path), { force: true });
          } catch (error) {
            if (isMissing(error)) return;
            throw this.#fail('delete', key, error);
          }
        }).catch((error: unknown) => {
          if (isMissing(error)) return; // the directory went away with the object
          throw MemoryError.isInstance(error) ? error : this.#fail('lock', key, error);
        });
      }
      // Also when the object was already gone: a delete interrupted before this point (a crash)
      // is finished by the next one.
      await this.#removeEmptyFolders(key, path);
    });
  }

  /**
   * Removes the folders above `path` that are empty, deepest first, up to (not including) the
   * root: folder names are part of keys (`archive/<sessionId>/`), so they must go with the last
   * object in them. A folder that is not empty (another object, a lock or temp file of a write
   * in progress) stops the walk; a write that made its folder just before it went makes it again.
   */
  async #removeEmptyFolders(key: string, path: string): Promise<void> {
    for (let dir = dirname(path); dir.startsWith(this.rootDir + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch (error) {
        if (hasCode(error, 'ENOENT')) continue; // removed by a concurrent delete: look further up
        if (hasCode(error, 'ENOTEMPTY') || hasCode(error, 'EEXIST')) return;
        const code = (error as { code?: string } | null)?.code;
        throw new StorageError(
          `[memory/fs] "${key}" is deleted, but its empty folder ${dir} could not be removed${code ? ` (${code})` : ''}: check the folder's permissions, then delete the key again to finish`,
          { cause: error, details: { key, rootDir: this.rootDir, code } },
        );
      }
    }
  }

  async #isFile(key: string, path: string): Promise<boolean> {
    try {
      return (await stat(path)).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw this.#fail('stat', key, error);
    }
  }

  async #ensureParent(key: string, path: string): Promise<void> {
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (error) {
      if (hasCode(error, 'ENOTDIR') || hasCode(error, 'EEXIST')) throw this.#objectAndPrefix(key, error);
      if (hasCode(error, 'ENOENT')) throw error; // a concurrent delete removed a folder on the way: the caller retries
      throw this.#fail('write', key, error);
    }
  }

  #objectAndPrefix(key: string, cause: unknown): UnsupportedError {
    return new UnsupportedError(
      `[memory/fs] cannot store "${key}": a key cannot be both an object and a prefix of other keys on the filesystem backend`,
      { details: { key }, cause },
    );
  }

  #lockOptions(key: string) {
    return { timeoutMs: this.#lockTimeoutMs, staleMs: 60_000, describe: `"${key}" under ${this.rootDir}` };
  }

  async headObject(key: string): Promise<ObjectHead | null> {
    return this.#head(key, this.#pathOf(key));
  }

  async listPrefix(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const key of this.iteratePrefix(prefix)) keys.push(key);
    return keys;
  }

  /** Walks the tree in key order (UTF-8 bytes, as S3), one directory at a time. */
  async *iteratePrefix(prefix: string): AsyncIterable<string> {
    if (typeof prefix !== 'string') throw new InvalidInputError('[memory/fs] prefix must be a string');
    const cut = prefix.lastIndexOf('/') + 1;
    const base = prefix.slice(0, cut);
    if (base.length > 0 && !isSafeRelative(base.slice(0, -1))) return;
    yield* this.#walk(base, prefix);
  }

  async *#walk(dirKey: string, prefix: string): AsyncGenerator<string> {
    let entries: Dirent[];
    try {
      entries = await readdir(join(this.rootDir, ...dirKey.split('/').filter(Boolean)), { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw this.#fail('list', dirKey, error);
    }
    const named = entries
      .filter((e) => !e.name.startsWith(RESERVED_NAME_PREFIX) && (e.isFile() || e.isDirectory()))
      .map((e) => ({ key: dirKey + e.name + (e.isDirectory() ? '/' : ''), dir: e.isDirectory() }))
      .sort((a, b) => compareKeys(a.key, b.key));
    for (const entry of named) {
      if (entry.dir) {
        if (entry.key.startsWith(prefix) || prefix.startsWith(entry.key)) yield* this.#walk(entry.key, prefix);
      } else if (entry.key.startsWith(prefix)) {
        yield entry.key;
      }
    }
  }

  async #head(key: string, path: string): Promise<ObjectHead | null> {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      if (isMissing(error)) return null;
      throw this.#fail('stat', key, error);
    }
    if (!info.isFile()) return null;
    const sidecar = await readSidecar(path);
    // The sidecar is trusted only while it describes the file as it is now (a crash between the
    // two renames, or an edit by another tool, leaves it stale): otherwise hash the bytes.
    if (sidecar && sidecar.size === info.size && sidecar.mtimeMs === info.mtimeMs) {
      return { etag: sidecar.etag, size: info.size, lastModified: info.mtime, contentType: sidecar.contentType };
    }
    const etag = await hashFile(path).catch((error: unknown) => {
      if (isMissing(error)) return null;
      throw this.#fail('read', key, error);
    });
    if (etag === null) return null;
    return { etag, size: info.size, lastModified: info.mtime, contentType: DEFAULT_CONTENT_TYPE };
  }

  async #writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
    const tmp = join(dirname(path), `${TMP_PREFIX}${randomUUID()}`);
    const handle = await open(tmp, 'wx');
    try {
      try {
        await handle.writeFile(bytes);
        if (this.#fsync) await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, path);
    } catch (error) {
      // A failed write (ENOSPC, EIO) must not leave a partial temp file taking the space.
      await rm(tmp, { force: true });
      throw error;
    }
  }

  #pathOf(key: string): string {
    validateObjectKey(key);
    if (isAbsolute(key) || key.startsWith('/')) {
      throw new InvalidInputError(`[memory/fs] key ${JSON.stringify(key)} is absolute: keys are relative to the root`, {
        details: { field: 'key', key },
      });
    }
    if (!isSafeRelative(key)) {
      throw new InvalidInputError(
        `[memory/fs] key ${JSON.stringify(key)} is not a safe relative path: no \\, no empty, "." or ".." segments, no names starting with "${RESERVED_NAME_PREFIX}"`,
        { details: { field: 'key', key } },
      );
    }
    for (const name of key.split('/')) {
      const bytes = Buffer.byteLength(name, 'utf8');
      if (bytes > MAX_NAME_BYTES) {
        // The filesystem refuses it anyway (ENAMETOOLONG), which came back as a storage fault.
        throw new InvalidInputError(
          `[memory/fs] key ${JSON.stringify(`${key.slice(0, 64)}…`)} has a name of ${bytes} bytes in UTF-8, over the ${MAX_NAME_BYTES} this backend stores (a file name is at most 255 bytes, less the ${RESERVED_NAME_PREFIX}meta. side file's additions): use a shorter id, or an object-store backend (S3, BOS)`,
          { details: { field: 'key', key: key.slice(0, 300), nameBytes: bytes, maxNameBytes: MAX_NAME_BYTES } },
        );
      }
    }
    const path = join(this.rootDir, ...key.split('/'));
    if (!path.startsWith(this.rootDir + sep)) {
      throw new InvalidInputError(`[memory/fs] key ${JSON.stringify(key)} escapes the root directory`, {
        details: { field: 'key', key },
      });
    }
    return path;
  }

  #fail(action: string, key: string, error: unknown): StorageError {
    const code = (error as { code?: string } | null)?.code;
    return new StorageError(
      `[memory/fs] ${action} of "${key}" under ${this.rootDir} failed${code ? ` (${code})` : ''}: check the directory and its permissions`,
      {
        cause: error,
        details: { key, rootDir: this.rootDir, code },
      },
    );
  }
}

function isSafeRelative(key: string): boolean {
  if (key.includes('\\') || key.includes('\0')) return false;
  return key.split('/').every((s) => s.length > 0 && s !== '.' && s !== '..' && !s.startsWith(RESERVED_NAME_PREFIX));
}

function lockPath(path: string): string {
  const slash = path.lastIndexOf(sep);
  return `${path.slice(0, slash + 1)}${RESERVED_NAME_PREFIX}lock.${path.slice(slash + 1)}`;
}

function sidecarPath(path: string): string {
  const slash = path.lastIndexOf(sep);
  return path.slice(0, slash + 1) + META_PREFIX + path.slice(slash + 1) + '.json';
}

async function readSidecar(path: string): Promise<Sidecar | null> {
  try {
    const parsed = JSON.parse(await readFile(sidecarPath(path), 'utf8')) as Partial<Sidecar>;
    if (typeof parsed.etag !== 'string' || typeof parsed.size !== 'number' || typeof parsed.mtimeMs !== 'number')
      return null;
    return {
      etag: parsed.etag,
      size: parsed.size,
      mtimeMs: parsed.mtimeMs,
      contentType: parsed.contentType ?? DEFAULT_CONTENT_TYPE,
    };
  } catch {
    return null;
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `"${hash.digest('hex')}"`;
}

function hasCode(error: unknown, code: string): boolean {
  return (error as { code?: string } | null)?.code === code;
}

function isMissing(error: unknown): boolean {
  return hasCode(error, 'ENOENT') || hasCode(error, 'ENOTDIR') || hasCode(error, 'EISDIR');
}
