import { describe, expect, it } from 'vitest';
import { MessageRole, isMessageRole } from './message-role.js';
import { SessionStatus, isSessionStatus } from './session-status.js';

describe('SessionStatus and MessageRole', () => {
  it('keep the numbers and strings the original stored', () => {
    expect(SessionStatus).toEqual({ ACTIVE: 1, COLD_ARCHIVED: 2, DEEP_ARCHIVED: 3, DELETED: 4 });
    expect(MessageRole).toEqual({ USER: 'user', ASSISTANT: 'assistant', SYSTEM: 'system', TOOL: 'tool' });
    expect([1, 2, 3, 4].every(isSessionStatus)).toBe(true);
    expect(isSessionStatus(5)).toBe(false);
    expect(isSessionStatus('1')).toBe(false);
    expect(isMessageRole('tool')).toBe(true);
    expect(isMessageRole('User')).toBe(false);
  });
});
