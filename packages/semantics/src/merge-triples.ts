import { createHash } from 'node:crypto';
import { InvalidInputError } from '@memory/errors';
import { foldText } from './fold.js';
import type { Triple, TripleMetadata } from './triple.js';

/** Options of {@link mergeTriples}. */
export interface MergeTriplesOptions {
  /**
   * Predicates that hold one value at a time per subject (`lives in`, `职位`): a newer triple
   * with the same subject and predicate supersedes the older one, which is kept with an
   * `endTime`. Compared after folding. A list, or a test function on the folded predicate.
   */
  singleValued?: readonly string[] | ((foldedPredicate: string) => boolean);
  /** Merged into every added triple's metadata (e.g. `{ sessionId }`); the triple's own wins. */
  metadata?: TripleMetadata;
  /** The time stamped on added triples without one, and the default end time. Default: now. */
  now?: Date;
}

/** What {@link mergeTriples} did. */
export interface MergeTriplesResult {
  /** Existing triples (superseded ones with an end time) followed by the added ones. */
  triples: Triple[];
  /** Triples appended. */
  added: number;
  /** Incoming triples dropped as duplicates of a current triple or of an earlier incoming one. */
  duplicates: number;
  /** Existing or incoming triples that received an end time because a newer value arrived. */
  superseded: number;
}

/** The identity of a triple for de-duplication: subject, predicate and object after {@link foldText}. */
function tripleIdentity(t: Triple): string {
  return `${foldText(t[0])}\u0000${foldText(t[1])}\u0000${foldText(t[2])}`;
}

/**
 * Hex SHA-256 of {@link tripleIdentity}: a fixed-length key, used by the Postgres knowledge index.
 *
 * @remarks Public because `@memory/knowledge-index` and `@memory/retrieval` key triples by it
 * (index rows, cached lookups); one function keeps the keys of both equal.
 */
export function tripleIdentityHash(t: Triple): string {
  return createHash('sha256').update(tripleIdentity(t)).digest('hex');
}

function validate(t: Triple, i: number): void {
  if (!Array.isArray(t) || typeof t[0] !== 'string' || typeof t[1] !== 'string' || typeof t[2] !== 'string') {
    throw new InvalidInputError(`[memory/semantics] triple ${i} must be [subject, predicate, object] strings`, {
      details: { index: i },
    });
  }
}

const timeOf = (t: Triple): number => {
  const ms = Date.parse(t[3]?.time ?? '');
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
};

/**
 * Merges new triples into a list without losing anything: exact duplicates (after NFKC, case
 * and whitespace folding) of current triples are dropped; for single-valued predicates a newer
 * value ends the older one (its metadata gets `endTime`) instead of replacing it. An incoming
 * triple whose `time` is older than the current value is itself stored as already ended.
 * The input arrays are not modified. New triples are stamped with `time` unless they have one.
 *
 * @example
 * ```ts
 * const { triples } = mergeTriples([['u', 'lives in', 'Berlin', { time: '2024-01-01T00:00:00Z' }]],
 *   [['u', 'lives in', 'Paris']], { singleValued: ['lives in'] });
 * // Berlin now has endTime; Paris is current
 * ```
 */
export function mergeTriples(
  existing: readonly Triple[],
  incoming: readonly Triple[],
  options: MergeTriplesOptions = {},
): MergeTriplesResult {
  const nowIso = (options.now ?? new Date()).toISOString();
  const sv = options.singleValued;
  const svSet = Array.isArray(sv) ? new Set(sv.map(foldText)) : undefined;
  const isSingle = (p: string) => (typeof sv === 'function' ? sv(p) : (svSet?.has(p) ?? false));

  const triples: Triple[] = existing.map((t) => [...t] as Triple);
  const current = new Map<string, number>();
  const everSeen = new Set<string>();
  const bySubjectPredicate = new Map<string, Set<number>>();
  const register = (idx: number) => {
    const t = triples[idx]!;
    const id = tripleIdentity(t);
    everSeen.add(id);
    if (t[3]?.endTime !== undefined) return;
    current.set(id, idx);
    const sp = `${foldText(t[0])}\u0000${foldText(t[1])}`;
    let set = bySubjectPredicate.get(sp);
    if (!set) bySubjectPredicate.set(sp, (set = new Set()));
    set.add(idx);
  };
  triples.forEach((_, i) => register(i));

  let added = 0;
  let duplicates = 0;
  let superseded = 0;
  incoming.forEach((t, i) => {
    validate(t, i);
    const meta: TripleMetadata = { ...options.metadata, ...t[3] };
    meta.time ??= nowIso;
    const next: Triple = [t[0], t[1], t[2], meta];
    const id = tripleIdentity(next);
    if (current.has(id) || (meta.endTime !== undefined && everSeen.has(id))) {
      duplicates++;
      return;
    }
    const folded = foldText(next[1]);
    if (meta.endTime === undefined && isSingle(folded)) {
      const sp = `${foldText(next[0])}\u0000${folded}`;
      const nextTime = timeOf(next);
      for (const idx of [...(bySubjectPredicate.get(sp) ?? [])]) {
        const old = triples[idx]!;
        if (timeOf(old) > nextTime) {
          meta.endTime = old[3]!.time!;
          superseded++;
          break;
        }
        triples[idx] = [old[0], old[1], old[2], { ...old[3], endTime: meta.time }];
        bySubjectPredicate.get(sp)!.delete(idx);
        current.delete(tripleIdentity(old));
        superseded++;
      }
    }
    triples.push(next);
    register(triples.length - 1);
    added++;
  });
  return { triples, added, duplicates, superseded };
}
