import { createHash, randomUUID } from 'node:crypto';
import { ConflictError, InvalidInputError, UnsupportedError } from '@memory/errors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareKeys, knowledgeKey, profileKey } from '../keys.js';
import type { LongTermStorage } from '../types.js';

/** What the factory given to {@link runStorageConformance} returns for each test. */
export interface ConformanceSubject {
  /** A working storage; each test writes under its own random prefix inside it. */
  storage: LongTermStorage;
  /** Called after the test (after its keys are deleted): stop servers, remove directories. */
  cleanup?: () => Promise<void> | void;
}

/** The cases of the suite, by name, for {@link ConformanceOptions.skip}. */
export type ConformanceCase =
  | 'round-trip-utf8'
  | 'round-trip-binary'
  | 'empty-object'
  | 'large-object'
  | 'missing-key'
  | 'max-bytes'
  | 'delete-idempotent'
  | 'put-delete-race'
  | 'overwrite'
  | 'listing-pagination'
  | 'listing-prefix-semantics'
  | 'unusual-keys'
  | 'content-type'
  | 'head'
  | 'etag-changes'
  | 'invalid-key'
  | 'conditional-if-match'
  | 'conditional-if-match-missing'
  | 'conditional-if-none-match'
  | 'conditional-concurrent-if-match'
  | 'conditional-concurrent-create'
  | 'unsupported-conditional';

/** Options of {@link runStorageConformance}; every one has a default that suits a local backend. */
export interface ConformanceOptions {
  /**
   * Whether the backend must honour `ifMatch`/`ifNoneMatch` (runs the conditional cases) or
   * must refuse them with `UnsupportedError`. Default: what `storage.capabilities` says; when
   * given, the suite also checks that `capabilities.conditionalWrites` says the same.
   */
  conditionalWrites?: boolean;
  /** Size of the large-object round trip, bytes (default 10 MiB). */
  largeObjectBytes?: number;
  /** Keys written for the listing test; keep it above your backend's page size (default 1050). */
  listingKeys?: number;
  /** Parallel requests when writing and deleting many keys (default 32). */
  concurrency?: number;
  /** Writers racing in the concurrent conditional-write cases (default 8). */
  racers?: number;
  /** Per-test timeout, ms (default 120 000: the listing case makes ~2 100 requests on remote backends). */
  timeoutMs?: number;
  /** Cases to leave out, each with the reason printed in the test name (e.g. a server limitation). */
  skip?: Partial<Record<ConformanceCase, string>>;
  /** Allowed clock difference between this machine and the backend for `lastModified` (default 15 min). */
  clockSkewMs?: number;
}

/**
 * Registers the shared contract tests (vitest `describe`/`it`) for one `LongTermStorage`
 * implementation. Call it at the top level of a test file. The factory runs before each test;
 * each test works under its own random key prefix and deletes what it wrote, so the suite can
 * run against a shared live bucket.
 *
 * @example
 * ```ts
 * import { runStorageConformance } from '@memory/longterm-core/testing';
 * runStorageConformance('InMemoryLongTermStorage', async () => ({ storage: new InMemoryLongTermStorage() }));
 * ```
 */
export function runStorageConformance(
  name: string,
  factory: () => Promise<ConformanceSubject> | ConformanceSubject,
  options: ConformanceOptions = {},
): void {
  const timeout = options.timeoutMs ?? 120_000;
  const concurrency = options.concurrency ?? 32;
  const racers = options.racers ?? 8;
  const largeBytes = options.largeObjectBytes ?? 10 * 1024 * 1024;
  const listingKeys = options.listingKeys ?? 1050;
  const skewMs = options.clockSkewMs ?? 15 * 60_000;

  describe(`LongTermStorage conformance: ${name}`, () => {
    let subject: ConformanceSubject | undefined;
    let storage: LongTermStorage;
    let ns: string;

    beforeEach(async () => {
      subject = await factory();
      storage = subject.storage;
      ns = `conformance-${randomUUID().slice(0, 8)}/`;
    }, timeout);

    afterEach(async () => {
      try {
        if (subject) await mapLimit(await storage.listPrefix(ns), concurrency, (k) => storage.deleteObject(k));
      } finally {
        await subject?.cleanup?.();
        subject = undefined;
      }
    }, timeout);

    const supportsConditional = () => options.conditionalWrites ?? storage.capabilities.conditionalWrites;
    type Body = (ctx: { skip: (note?: string) => void }) => Promise<void>;
    const test = (id: ConformanceCase, title: string, body: Body) => {
      const reason = options.skip?.[id];
      if (reason !== undefined) it.skip(`${title} (skipped: ${reason})`, () => {});
      else it(title, (ctx) => body(ctx as unknown as { skip: (note?: string) => void }), timeout);
    };
    // Applicability is known up front when `conditionalWrites` is given, otherwise only once the
    // factory has run: then the test skips itself at run time.
    const whenConditional = (wanted: boolean) => (id: ConformanceCase, title: string, body: Body) => {
      if (options.conditionalWrites !== undefined && options.conditionalWrites !== wanted) {
        it.skip(`${title} (not applicable: conditionalWrites ${options.conditionalWrites})`, () => {});
        return;
      }
      test(id, title, async (ctx) => {
        if (supportsConditional() !== wanted)
          return ctx.skip(`not applicable: conditionalWrites ${supportsConditional()}`);
        await body(ctx);
      });
    };
    const conditionalTest = whenConditional(true);
    // Create-only writes may be atomic on a backend without compare-and-swap (BOS).
    const createOnly = () => storage.capabilities.ifNoneMatch ?? supportsConditional();
    const createOnlyTest = (id: ConformanceCase, title: string, body: Body) =>
      test(id, title, async (ctx) => {
        if (!createOnly()) return ctx.skip('not applicable: no atomic ifNoneMatch');
        await body(ctx);
      });
    const unconditionalTest = whenConditional(false);
    const text = (bytes: Uint8Array | null) => (bytes === null ? null : new TextDecoder().decode(bytes));

    it('declares its capabilities', () => {
      expect(typeof storage.capabilities.conditionalWrites).toBe('boolean');
      if (options.conditionalWrites !== undefined)
        expect(storage.capabilities.conditionalWrites).toBe(options.conditionalWrites);
    });

    test('round-trip-utf8', 'round-trips a UTF-8 string', async () => {
      const body = '{"user_id":"中文用户","note":"héllo 🎉","traits":{}}';
      await storage.putObject(`${ns}profile.json`, body);
      const got = await storage.getObject(`${ns}profile.json`);
      expect(got).toBeInstanceOf(Uint8Array);
      expect(text(got)).toBe(body);
    });

    test('round-trip-binary', 'round-trips bytes including NUL and 0xFF exactly', async () => {
      const body = new Uint8Array(256).map((_, i) => i);
      const { etag } = await storage.putObject(`${ns}bytes.bin`, body);
      body[0] = 42; // the stored copy must not change with the caller's buffer
      const got = await storage.getObject(`${ns}bytes.bin`);
      expect([...got!]).toEqual([...new Uint8Array(256).map((_, i) => i)]);
      expect(typeof etag).toBe('string');
      expect(etag.length).toBeGreaterThan(0);
    });

    test('empty-object', 'stores an empty object (empty bytes, not null)', async () => {
      await storage.putObject(`${ns}knowledge/empty.jsonl`, '');
      const got = await storage.getObject(`${ns}knowledge/empty.jsonl`);
      expect(got).not.toBeNull();
      expect(got!.byteLength).toBe(0);
      expect((await storage.headObject(`${ns}knowledge/empty.jsonl`))?.size).toBe(0);
      expect(await storage.listPrefix(`${ns}knowledge/`)).toEqual([`${ns}knowledge/empty.jsonl`]);
    });

    test('large-object', `round-trips a ${Math.round(largeBytes / 1024 / 1024)} MiB object`, async () => {
      const body = new Uint8Array(largeBytes);
      for (let i = 0; i < body.length; i += 4096) body[i] = (i / 4096) % 251;
      body[body.length - 1] = 7;
      await storage.putObject(`${ns}large.bin`, body);
      const got = await storage.getObject(`${ns}large.bin`);
      expect(got!.byteLength).toBe(largeBytes);
      expect(sha256(got!)).toBe(sha256(body));
      expect((await storage.headObject(`${ns}large.bin`))?.size).toBe(largeBytes);
    });

    test('missing-key', 'returns null for a missing key', async () => {
      expect(await storage.getObject(`${ns}nope.json`)).toBeNull();
      expect(await storage.headObject(`${ns}nope.json`)).toBeNull();
      expect(await storage.listPrefix(`${ns}nothing-here/`)).toEqual([]);
    });

    test('max-bytes', 'refuses an object over maxBytes with a typed error naming the key and the limit', async () => {
      const key = `${ns}knowledge/limit.jsonl`;
      const body = 'x'.repeat(5000);
      await storage.putObject(key, body);
      expect(text(await storage.getObject(key, { maxBytes: 5000 }))).toBe(body);
      const error = await storage.getObject(key, { maxBytes: 4999 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('limit.jsonl');
      expect((error as Error).message).toContain('4999');
      expect((error as InvalidInputError).details).toMatchObject({ maxBytes: 4999 });
      await storage.putObject(`${ns}empty`, '');
      expect((await storage.getObject(`${ns}empty`, { maxBytes: 1 }))?.byteLength).toBe(0);
      expect(await storage.getObject(`${ns}nope.json`, { maxBytes: 10 })).toBeNull();
      for (const maxBytes of [0, -1, 1.5, Number.NaN])
        await expect(storage.getObject(key, { maxBytes })).rejects.toSatisfy((e) => InvalidInputError.isInstance(e));
    });

    test('delete-idempotent', 'deletes, and deleting a missing key succeeds', async () => {
      await storage.deleteObject(`${ns}never-written`);
      await storage.putObject(`${ns}gone.json`, '{}');
      await storage.deleteObject(`${ns}gone.json`);
      expect(await storage.getObject(`${ns}gone.json`)).toBeNull();
      expect(await storage.headObject(`${ns}gone.json`)).toBeNull();
      expect(await storage.listPrefix(ns)).toEqual([]);
      await storage.deleteObject(`${ns}gone.json`);
    });

    test(
      'put-delete-race',
      'a write racing the delete of the only other key under its prefix both take effect',
      async () => {
        // Backends with real folders (the filesystem) remove a folder with its last object; a write
        // into it at that moment must still land.
        for (let round = 0; round < 20; round++) {
          await storage.putObject(`${ns}race/old`, 'x');
          await Promise.all([storage.putObject(`${ns}race/new`, `v${round}`), storage.deleteObject(`${ns}race/old`)]);
          expect(await storage.listPrefix(`${ns}race/`)).toEqual([`${ns}race/new`]);
          expect(text(await storage.getObject(`${ns}race/new`))).toBe(`v${round}`);
          await storage.deleteObject(`${ns}race/new`);
        }
        expect(await storage.listPrefix(ns)).toEqual([]);
      },
    );

    test('overwrite', 'overwrites: the last write wins', async () => {
      await storage.putObject(`${ns}k`, 'first, longer body');
      await storage.putObject(`${ns}k`, 'second');
      expect(text(await storage.getObject(`${ns}k`))).toBe('second');
      expect((await storage.headObject(`${ns}k`))?.size).toBe(6);
    });

    test(
      'listing-pagination',
      `lists ${listingKeys} keys under a prefix, past one page, sorted, and nothing outside it`,
      async () => {
        const keys = Array.from({ length: listingKeys }, (_, i) => `${ns}many/item-${String(i).padStart(5, '0')}.json`);
        await mapLimit(keys, concurrency, (k) => storage.putObject(k, `{"i":"${k}"}`).then(() => undefined));
        await storage.putObject(`${ns}many-sibling.json`, 'outside');
        await storage.putObject(`${ns}other/x.json`, 'outside');
        const listed = await storage.listPrefix(`${ns}many/`);
        expect(listed.length).toBe(listingKeys);
        expect(listed).toEqual(keys);
        const iterated: string[] = [];
        for await (const k of storage.iteratePrefix(`${ns}many/`)) iterated.push(k);
        expect(iterated).toEqual(keys);
        const everything = await storage.listPrefix(ns);
        expect(everything).toEqual([...keys, `${ns}many-sibling.json`, `${ns}other/x.json`].sort(compareKeys));
      },
    );

    test(
      'listing-prefix-semantics',
      'treats the prefix as a string prefix (not a folder) and sorts by UTF-8 bytes',
      async () => {
        const keys = [
          `${ns}p/u1.json`,
          `${ns}p/u10.json`,
          `${ns}p/u2/x.json`,
          `${ns}p/v.json`,
          `${ns}p/z-\uFF5E.json`,
          `${ns}p/z-\u{1F600}.json`,
        ];
        await Promise.all(keys.map((k) => storage.putObject(k, 'x')));
        expect(await storage.listPrefix(`${ns}p/u`)).toEqual([`${ns}p/u1.json`, `${ns}p/u10.json`, `${ns}p/u2/x.json`]);
        expect(await storage.listPrefix(`${ns}p/u1`)).toEqual([`${ns}p/u1.json`, `${ns}p/u10.json`]);
        // U+FF5E sorts before U+1F600 in UTF-8 (and after it in UTF-16 code units).
        expect(await storage.listPrefix(`${ns}p/`)).toEqual(keys);
      },
    );

    test('unusual-keys', 'handles keys with spaces, non-ASCII and the original key helpers', async () => {
      const keys = [
        `${ns}${profileKey('中文用户')}`,
        `${ns}${knowledgeKey('中文用户')}`,
        `${ns}with space/and more.json`,
        `${ns}emoji 🎉/ünï+cödé=%20&?.txt`,
      ];
      for (const k of keys) await storage.putObject(k, `body of ${k}`);
      for (const k of keys) expect(text(await storage.getObject(k))).toBe(`body of ${k}`);
      expect(await storage.listPrefix(ns)).toEqual([...keys].sort(compareKeys));
      expect(await storage.listPrefix(`${ns}knowledge/中文`)).toEqual([`${ns}knowledge/中文用户.jsonl`]);
    });

    test('content-type', 'keeps the content type; application/octet-stream by default', async () => {
      await storage.putObject(`${ns}a.json`, '{}', { contentType: 'application/json; charset=utf-8' });
      await storage.putObject(`${ns}b.jsonl`, '', { contentType: 'application/x-ndjson' });
      await storage.putObject(`${ns}c.bin`, new Uint8Array([1]));
      expect((await storage.headObject(`${ns}a.json`))?.contentType).toBe('application/json; charset=utf-8');
      expect((await storage.headObject(`${ns}b.jsonl`))?.contentType).toBe('application/x-ndjson');
      expect((await storage.headObject(`${ns}c.bin`))?.contentType).toBe('application/octet-stream');
      expect(await storage.listPrefix(ns)).toEqual([`${ns}a.json`, `${ns}b.jsonl`, `${ns}c.bin`]);
    });

    test('head', 'heads an object: etag of the write, size in bytes, lastModified', async () => {
      const before = Date.now();
      const { etag } = await storage.putObject(`${ns}h.json`, 'ü'); // 2 bytes in UTF-8
      const head = await storage.headObject(`${ns}h.json`);
      expect(head).not.toBeNull();
      expect(head!.etag).toBe(etag);
      expect(head!.size).toBe(2);
      expect(head!.lastModified).toBeInstanceOf(Date);
      expect(Math.abs(head!.lastModified.getTime() - before)).toBeLessThan(skewMs);
    });

    test('etag-changes', 'changes the etag when different content is written', async () => {
      const first = await storage.putObject(`${ns}e`, 'one');
      const second = await storage.putObject(`${ns}e`, 'two');
      expect(second.etag).not.toBe(first.etag);
      expect((await storage.headObject(`${ns}e`))?.etag).toBe(second.etag);
      const other = await storage.putObject(`${ns}f`, 'one');
      expect(typeof other.etag).toBe('string');
    });

    test('invalid-key', 'refuses an empty key with InvalidInputError', async () => {
      await expectError(storage.putObject('', 'x'), InvalidInputError);
      await expectError(storage.getObject(''), InvalidInputError);
    });

    conditionalTest('conditional-if-match', 'ifMatch: writes on the current etag, refuses a stale one', async () => {
      const v1 = await storage.putObject(`${ns}cas.json`, 'v1');
      const v2 = await storage.putObject(`${ns}cas.json`, 'v2', { ifMatch: v1.etag });
      expect(text(await storage.getObject(`${ns}cas.json`))).toBe('v2');
      await expectError(storage.putObject(`${ns}cas.json`, 'stale', { ifMatch: v1.etag }), ConflictError);
      expect(text(await storage.getObject(`${ns}cas.json`))).toBe('v2');
      await storage.putObject(`${ns}cas.json`, 'v3', { ifMatch: v2.etag });
      expect(text(await storage.getObject(`${ns}cas.json`))).toBe('v3');
    });

    conditionalTest('conditional-if-match-missing', 'ifMatch on a missing key is a ConflictError', async () => {
      const { etag } = await storage.putObject(`${ns}exists`, 'x');
      await expectError(storage.putObject(`${ns}missing`, 'y', { ifMatch: etag }), ConflictError);
      expect(await storage.getObject(`${ns}missing`)).toBeNull();
    });

    createOnlyTest('conditional-if-none-match', "ifNoneMatch '*': creates only", async () => {
      await storage.putObject(`${ns}once`, 'first', { ifNoneMatch: '*' });
      await expectError(storage.putObject(`${ns}once`, 'second', { ifNoneMatch: '*' }), ConflictError);
      expect(text(await storage.getObject(`${ns}once`))).toBe('first');
    });

    conditionalTest(
      'conditional-concurrent-if-match',
      `of ${racers} concurrent writers with one ifMatch, exactly one wins`,
      async () => {
        const { etag } = await storage.putObject(`${ns}race.json`, 'base');
        const results = await Promise.allSettled(
          Array.from({ length: racers }, (_, i) =>
            storage.putObject(`${ns}race.json`, `writer ${i}`, { ifMatch: etag }),
          ),
        );
        const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const r of results)
          if (r.status === 'rejected') expect(ConflictError.isInstance(r.reason), String(r.reason)).toBe(true);
        expect(text(await storage.getObject(`${ns}race.json`))).toBe(`writer ${winners[0]}`);
      },
    );

    createOnlyTest(
      'conditional-concurrent-create',
      `of ${racers} concurrent ifNoneMatch '*' creators, exactly one wins`,
      async () => {
        const results = await Promise.allSettled(
          Array.from({ length: racers }, (_, i) =>
            storage.putObject(`${ns}new.json`, `creator ${i}`, { ifNoneMatch: '*' }),
          ),
        );
        const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const r of results)
          if (r.status === 'rejected') expect(ConflictError.isInstance(r.reason), String(r.reason)).toBe(true);
        expect(text(await storage.getObject(`${ns}new.json`))).toBe(`creator ${winners[0]}`);
      },
    );

    unconditionalTest(
      'unsupported-conditional',
      'without conditional writes, refuses ifMatch (and ifNoneMatch unless create-only is atomic) with UnsupportedError and writes nothing',
      async () => {
        const { etag } = await storage.putObject(`${ns}plain`, 'v1');
        await expectError(storage.putObject(`${ns}plain`, 'v2', { ifMatch: etag }), UnsupportedError);
        expect(text(await storage.getObject(`${ns}plain`))).toBe('v1');
        if (!createOnly()) {
          await expectError(storage.putObject(`${ns}fresh`, 'v1', { ifNoneMatch: '*' }), UnsupportedError);
          expect(await storage.getObject(`${ns}fresh`)).toBeNull();
        }
      },
    );
  });
}

async function expectError(
  promise: Promise<unknown>,
  type: { isInstance(value: unknown): boolean; name: string },
): Promise<void> {
  let outcome: unknown;
  try {
    await promise;
    outcome = 'resolved';
  } catch (error) {
    if (type.isInstance(error)) return;
    outcome = error;
  }
  expect.fail(
    `expected ${type.name}, got ${outcome instanceof Error ? `${outcome.name}: ${outcome.message}` : String(outcome)}`,
  );
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight; rejects with the first failure.
 * Exported for test code that writes many keys.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
