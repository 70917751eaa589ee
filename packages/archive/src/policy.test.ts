import { InvalidInputError } from '@memory/errors';
import { SessionStatus } from '@memory/models';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARCHIVE_POLICY, archiveCutoffs, dueStatus, resolveArchivePolicy } from './policy.js';

const now = new Date('2026-06-01T00:00:00.000Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

describe('archive policy', () => {
  it('defaults to the original ages', () => {
    expect(resolveArchivePolicy()).toEqual({ coldAfterDays: 7, deepAfterDays: 180, deleteAfterDays: 1095 });
    expect(DEFAULT_ARCHIVE_POLICY).toEqual(resolveArchivePolicy({}));
  });

  it('takes every session idle past a later threshold through the earlier ones (no window gap)', () => {
    const p = resolveArchivePolicy();
    expect(dueStatus(p, daysAgo(1), now)).toBe(SessionStatus.ACTIVE);
    expect(dueStatus(p, daysAgo(7), now)).toBe(SessionStatus.COLD_ARCHIVED);
    expect(dueStatus(p, daysAgo(30), now)).toBe(SessionStatus.COLD_ARCHIVED);
    // The original's windows (7–180, 180–1095) lost this one: still active at 200 days.
    expect(dueStatus(p, daysAgo(200), now)).toBe(SessionStatus.DEEP_ARCHIVED);
    expect(dueStatus(p, daysAgo(1095), now)).toBe(SessionStatus.DELETED);
    expect(dueStatus(p, daysAgo(5000), now)).toBe(SessionStatus.DELETED);
  });

  it('computes cutoffs from now and disables a step with Infinity', () => {
    const c = archiveCutoffs(resolveArchivePolicy({ deleteAfterDays: Infinity }), now);
    expect(c.cold?.toISOString()).toBe('2026-05-25T00:00:00.000Z');
    expect(c.deep?.toISOString()).toBe(daysAgo(180).toISOString());
    expect(c.deleted).toBeNull();
    expect(dueStatus(resolveArchivePolicy({ deleteAfterDays: Infinity }), daysAgo(9000), now)).toBe(
      SessionStatus.DEEP_ARCHIVED,
    );
  });

  it('refuses a now whose cutoffs fall before the year 1, or a now past 9999, naming now (found by the HTTP fuzzer)', () => {
    const p = resolveArchivePolicy({});
    // `GET /archive/plan?now=0000-01-01T00:00:00Z` reached PostgreSQL as "-000001-12-25T…" and came back a 503.
    const early = new Date('0000-01-01T00:00:00Z');
    expect(() => archiveCutoffs(p, early)).toThrow(/now must fall between the years 1 and 9999/);
    const justAfter = new Date('0001-06-01T00:00:00Z');
    let error: unknown;
    try {
      archiveCutoffs(p, justAfter);
    } catch (e) {
      error = e;
    }
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as InvalidInputError).details).toMatchObject({ field: 'now', step: 'deep' });
    expect(() => archiveCutoffs(p, new Date('+010000-01-01T00:00:00Z'))).toThrow(/between the years 1 and 9999/);
    expect(archiveCutoffs(p, new Date('0005-01-01T00:00:00Z')).deleted?.toISOString()).toBe('0002-01-02T00:00:00.000Z');
  });

  it('accepts fractional days', () => {
    const c = archiveCutoffs(resolveArchivePolicy({ coldAfterDays: 0.5 }), now);
    expect(c.cold?.toISOString()).toBe('2026-05-31T12:00:00.000Z');
  });

  it('refuses non-positive, non-numeric and out-of-order thresholds', () => {
    expect(() => resolveArchivePolicy({ coldAfterDays: 0 })).toThrow(InvalidInputError);
    expect(() => resolveArchivePolicy({ coldAfterDays: -1 })).toThrow(/coldAfterDays must be a positive number/);
    expect(() => resolveArchivePolicy({ deepAfterDays: Number.NaN })).toThrow(InvalidInputError);
    expect(() => resolveArchivePolicy({ deepAfterDays: '180' as unknown as number })).toThrow(InvalidInputError);
    expect(() => resolveArchivePolicy({ coldAfterDays: 200 })).toThrow(
      /coldAfterDays <= deepAfterDays <= deleteAfterDays/,
    );
    expect(() => resolveArchivePolicy({ deepAfterDays: Infinity })).toThrow(InvalidInputError);
    expect(resolveArchivePolicy({ deepAfterDays: Infinity, deleteAfterDays: Infinity }).deepAfterDays).toBe(Infinity);
  });

  it('refuses an invalid now', () => {
    expect(() => archiveCutoffs(DEFAULT_ARCHIVE_POLICY, new Date('nope'))).toThrow(/now must be a valid Date/);
  });
});
