import { describe, expect, it } from 'vitest';
import { ConflictError, MemoryError, NotFoundError, StorageError, redactUrl } from './index.js';

describe('MemoryError', () => {
  it('brands subclasses so isInstance tells them apart', () => {
    const e = new ConflictError('[memory/test] stale etag', { details: { key: 'k' } });
    expect(e).toBeInstanceOf(MemoryError);
    expect(e.name).toBe('ConflictError');
    expect(e.code).toBe('CONFLICT');
    expect(e.details).toEqual({ key: 'k' });
    expect(MemoryError.isInstance(e)).toBe(true);
    expect(ConflictError.isInstance(e)).toBe(true);
    expect(NotFoundError.isInstance(e)).toBe(false);
    expect(MemoryError.isInstance(new Error('x'))).toBe(false);
    expect(MemoryError.isInstance(null)).toBe(false);
  });

  it('recognises an error from another copy of the package by its brand', () => {
    const foreign = Object.assign(new Error('x'), { code: 'STORAGE', [Symbol.for('@memory/error')]: true });
    expect(StorageError.isInstance(foreign)).toBe(true);
    expect(ConflictError.isInstance(foreign)).toBe(false);
  });

  it('keeps the cause', () => {
    const cause = new Error('socket hang up');
    expect(new StorageError('[memory/s3] failed', { cause }).cause).toBe(cause);
  });
});

describe('redactUrl', () => {
  it('masks passwords and secret-looking query parameters', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/mem')).toBe('postgres://app:***@db:5432/mem');
    expect(redactUrl('s3://b?secretKey=abc&region=x')).toBe('s3://b?secretKey=***&region=x');
    expect(redactUrl('not a url //u:pw@h')).toBe('not a url //u:***@h');
    expect(redactUrl('postgres://db/mem')).toBe('postgres://db/mem');
  });
});
