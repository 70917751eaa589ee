import { describe, expect, it } from 'vitest';
import { archivePrefix } from './archive-prefix.js';

describe('archivePrefix', () => {
  it('is archive/{lower-case session id}/', () => {
    expect(archivePrefix('9F1C2D3E-0000-4000-8000-00000000ABCD')).toBe('archive/9f1c2d3e-0000-4000-8000-00000000abcd/');
  });

  it('refuses ids that could escape the prefix', () => {
    expect(() => archivePrefix('../profiles')).toThrow(/sessionId must be a UUID/);
  });
});
