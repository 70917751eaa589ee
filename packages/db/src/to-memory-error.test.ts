import { describe, expect, it } from 'vitest';
import { DatabaseError } from '@memory/errors';
import { parseDatabaseUrl } from './database-url.js';
import { toMemoryError } from './to-memory-error.js';

const target = parseDatabaseUrl('postgres://app:s3cret-pw@db.example:5433/memory');

describe('toMemoryError', () => {
  it.each(['Connection terminated unexpectedly', 'Connection terminated', 'Client was closed and is not queryable'])(
    'turns pg’s code-less connection loss (%s) into a DatabaseError with SQLSTATE 08006',
    (message) => {
      const error = toMemoryError(new Error(message), target, 'scope');
      expect(DatabaseError.isInstance(error)).toBe(true);
      const e = error as DatabaseError;
      expect(e.message).toContain('[memory/db] scope: the connection to PostgreSQL at db.example:5433');
      expect(e.message).toContain('retry the operation');
      expect(e.message).not.toContain('s3cret-pw');
      expect(e.details).toMatchObject({ code: '08006', host: 'db.example', port: 5433 });
    },
  );

  it('leaves a plain error of the caller’s own code as it is', () => {
    const own = new Error('my handler failed');
    expect(toMemoryError(own, target, 'scope')).toBe(own);
  });
});
