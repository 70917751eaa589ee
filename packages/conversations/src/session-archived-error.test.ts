import { describe, expect, it } from 'vitest';
import { ConflictError } from '@memory/errors';
import { isSessionArchivedError, sessionArchivedError } from './session-archived-error.js';

describe('isSessionArchivedError', () => {
  it('tells the archived-session conflict from other conflicts', () => {
    const e = sessionArchivedError('s1', 2);
    expect(ConflictError.isInstance(e)).toBe(true);
    expect(isSessionArchivedError(e)).toBe(true);
    expect(e.message).toContain('restore it first');
    expect(e.details).toEqual({ reason: 'session_archived', sessionId: 's1', status: 2 });
    expect(isSessionArchivedError(new ConflictError('[memory/x] stale'))).toBe(false);
    expect(isSessionArchivedError(new Error('x'))).toBe(false);
    expect(sessionArchivedError('s1', 3, true).message).toContain('still archived');
  });
});
