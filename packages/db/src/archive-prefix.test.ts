import { InvalidInputError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { archivePrefix } from './archive-prefix.js';

describe('archivePrefix', () => {
  it('is archive/<lower-case uuid>/', () => {
    expect(archivePrefix('9F1C2D3E-0000-4000-8000-00000000ABCD')).toBe('archive/9f1c2d3e-0000-4000-8000-00000000abcd/');
  });

  it.each(['../profiles', '', '9f1c2d3e-0000-4000-8000-00000000abcd/../x', 42])('refuses %j', (id) => {
    expect(() => archivePrefix(id as string)).toThrow(InvalidInputError);
    expect(() => archivePrefix(id as string)).toThrow(/sessionId must be a UUID/);
  });
});
