import type { LongTermStorage } from '@memory/longterm-core';
import { TripleIndex, type Analyzer } from './triple-index.js';
import { DEFAULT_MAX_KNOWLEDGE_BYTES, type SkippedLine } from '@memory/semantics';
import { parseSharedTriples } from './share-fields.js';

/** Limits of a {@link KnowledgeIndexCache}. */
export interface KnowledgeIndexCacheOptions {
  /** Most indexes kept (default 256). */
  maxEntries?: number;
  /**
   * Most stored bytes (the sum of the indexed objects' sizes) kept, default 256 MiB. An index
   * takes several times its object's size in memory; size the limit with that in mind.
   */
  maxBytes?: number;
}

interface Entry {
  etag: string;
  bytes: number;
  index: TripleIndex;
}

/**
 * Parsed and indexed triples, per storage backend, key and etag, least recently used evicted
 * first. A lookup costs one `headObject`; the object is downloaded and indexed again only when
 * its etag changed. Concurrent lookups of the same version share one download.
 *
 * @example
 * ```ts
 * const retriever = createRetriever({ cache: new KnowledgeIndexCache({ maxEntries: 1000, maxBytes: 512 * 2 ** 20 }) });
 * await retriever.retrieve(storage, 'u1', 'coffee');
 * ```
 */
export class KnowledgeIndexCache {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<TripleIndex>>();
  #bytes = 0;
  // Storages and analyzers by number, for the cache keys (held weakly).
  #nextId = 1;
  readonly #ids = new WeakMap<object, number>();
  /** Downloads and index builds since creation, for tests and monitoring. */
  loads = 0;

  constructor(options: KnowledgeIndexCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 256;
    this.maxBytes = options.maxBytes ?? 256 * 2 ** 20;
  }

  /** Number of cached indexes. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The index of the object under `key` as stored now; an empty index when there is none.
   * With `tolerant`, lines that are not JSON are skipped (and passed to `onSkip` when the object
   * is parsed) instead of failing; tolerant and strict indexes are cached apart.
   */
  async get(
    storage: LongTermStorage,
    key: string,
    analyzer: Analyzer,
    options: { tolerant?: boolean; onSkip?: (skipped: SkippedLine) => void } = {},
  ): Promise<TripleIndex> {
    const id = `${this.#idOf(storage)}\u0000${this.#idOf(analyzer)}\u0000${key}\u0000${options.tolerant ? 'tolerant' : 'strict'}`;
    const head = await storage.headObject(key);
    if (head === null) {
      this.#delete(id);
      return new TripleIndex([], analyzer);
    }
    const hit = this.#entries.get(id);
    if (hit && hit.etag === head.etag) {
      this.#entries.delete(id);
      this.#entries.set(id, hit);
      return hit.index;
    }
    const loadId = `${id}\u0000${head.etag}`;
    let loading = this.#loading.get(loadId);
    if (!loading) {
      loading = this.#load(storage, key, analyzer, id, head.etag, options).finally(() => this.#loading.delete(loadId));
      this.#loading.set(loadId, loading);
    }
    return loading;
  }

  async #load(
    storage: LongTermStorage,
    key: string,
    analyzer: Analyzer,
    id: string,
    etag: string,
    options: { tolerant?: boolean; onSkip?: (skipped: SkippedLine) => void },
  ): Promise<TripleIndex> {
    const bytes = await storage.getObject(key, { maxBytes: DEFAULT_MAX_KNOWLEDGE_BYTES });
    this.loads++;
    // The object may have changed since the head; indexing newer bytes under the older etag
    // is harmless: the next head shows a different etag and loads again.
    const index = new TripleIndex(
      bytes === null ? [] : parseSharedTriples(bytes, { key, tolerant: options.tolerant, onSkip: options.onSkip }),
      analyzer,
    );
    this.#delete(id);
    const size = bytes?.byteLength ?? 0;
    if (size <= this.maxBytes && this.maxEntries > 0) {
      this.#entries.set(id, { etag, bytes: size, index });
      this.#bytes += size;
      for (const [oldest, entry] of this.#entries) {
        if (this.#entries.size <= this.maxEntries && this.#bytes <= this.maxBytes) break;
        this.#entries.delete(oldest);
        this.#bytes -= entry.bytes;
      }
    }
    return index;
  }

  #idOf(o: object): number {
    let id = this.#ids.get(o);
    if (id === undefined) this.#ids.set(o, (id = this.#nextId++));
    return id;
  }

  #delete(id: string): void {
    const entry = this.#entries.get(id);
    if (entry) {
      this.#entries.delete(id);
      this.#bytes -= entry.bytes;
    }
  }

  /** Drops every cached index. */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
