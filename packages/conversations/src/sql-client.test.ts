import { describe, expect, it } from 'vitest';
import { ConflictError, DatabaseError, InvalidInputError, NotFoundError } from '@memory/errors';
import { toStoreError } from './sql-client.js';

const driverError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('toStoreError', () => {
  it('maps SQLSTATEs to what a caller handles differently', () => {
    expect(
      toStoreError(driverError('23505', 'duplicate key value violates unique constraint "sessions_pkey"')),
    ).toBeInstanceOf(ConflictError);
    expect(toStoreError(driverError('40P01'))).toBeInstanceOf(ConflictError);
    expect(toStoreError(driverError('40001'))).toBeInstanceOf(ConflictError);
    expect(toStoreError(driverError('22021'))).toBeInstanceOf(InvalidInputError);
    expect(toStoreError(driverError('22P02'))).toBeInstanceOf(InvalidInputError);
    const other = toStoreError(driverError('XX000', 'internal\n  error')) as DatabaseError;
    expect(other).toBeInstanceOf(DatabaseError);
    expect(other.message).toBe('[memory/conversations] statement failed: internal error (XX000)');
    expect(other.details).toEqual({ code: 'XX000' });
  });

  it('finds the code under wrappers and leaves memory errors alone', () => {
    const wrapped = new Error('wrapper', { cause: driverError('23505') });
    expect(toStoreError(wrapped)).toBeInstanceOf(ConflictError);
    const own = new NotFoundError('[memory/conversations] x');
    expect(toStoreError(own)).toBe(own);
    expect(toStoreError('text')).toBeInstanceOf(DatabaseError);
  });
});
