import { describe, expect, it } from 'vitest';
import { formatLogLine } from './pretty-log.js';

describe('formatLogLine', () => {
  it('turns a pino JSON line into one readable line', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.UTC(2026, 0, 1, 12, 0, 1),
      pid: 1,
      hostname: 'h',
      msg: 'ready',
      port: 3000,
    });
    expect(formatLogLine(line)).toBe('12:00:01 INFO  ready port=3000\n');
  });

  it('prints an error with its stack on the next line, and passes non-JSON through', () => {
    const line = JSON.stringify({
      level: 50,
      time: 0,
      msg: 'failed',
      err: { message: 'boom', stack: 'Error: boom\n    at x' },
    });
    expect(formatLogLine(line)).toBe('00:00:00 ERROR failed \n  Error: boom\n    at x\n');
    expect(formatLogLine('plain text\n')).toBe('plain text\n');
  });
});
