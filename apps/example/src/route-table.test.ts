import { describe, expect, it } from 'vitest';
import { RouteTable } from './route-table.js';

describe('RouteTable', () => {
  it('knows the methods of a concrete path, ignoring catch-alls, with the parameter names', () => {
    const table = new RouteTable();
    table.add(['GET', 'HEAD'], '/sessions/:sessionId', false);
    table.add('PATCH', '/sessions/:sessionId', false);
    table.add('OPTIONS', '*', true);
    expect(table.methodsFor('/sessions/abc')).toEqual(['GET', 'HEAD', 'PATCH']);
    expect(table.methodsFor('/sessions/abc/messages')).toEqual([]);
    expect(table.methodsFor('/nothing')).toEqual([]);
    expect(table.entries[0]).toMatchObject({ method: 'GET', params: ['sessionId'], hidden: false });
  });
});
