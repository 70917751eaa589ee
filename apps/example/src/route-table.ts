/** One registered route: its method and URL pattern (`/sessions/:sessionId`). */
export interface RouteEntry {
  method: string;
  url: string;
  /** Hidden from the OpenAPI document (docs assets, the document itself). */
  hidden: boolean;
  /** The route's parameter names, e.g. `['sessionId']`. */
  params: string[];
  /** The route's schema (params, querystring, headers, body) as registered, for tests that fuzz every route. */
  schema?: Record<string, unknown>;
}

function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/**
 * The service's routes as Fastify registered them (filled from the `onRoute` hook), for the 405
 * answer (which methods a path has) and for tests that must cover every route.
 */
export class RouteTable {
  readonly entries: RouteEntry[] = [];
  private readonly patterns = new Map<string, RegExp>();

  /** Records a route (each method separately). */
  add(method: string | string[], url: string, hidden: boolean, schema?: Record<string, unknown>): void {
    for (const m of Array.isArray(method) ? method : [method]) {
      const params = url
        .split('/')
        .filter((s) => s.startsWith(':'))
        .map((s) => s.slice(1));
      this.entries.push({ method: m.toUpperCase(), url, hidden, params, ...(schema ? { schema } : {}) });
      if (!this.patterns.has(url)) this.patterns.set(url, patternOf(url));
    }
  }

  /** The methods registered for a concrete path (`/sessions/abc`), sorted; empty when none. */
  methodsFor(path: string): string[] {
    const methods = new Set<string>();
    for (const entry of this.entries) {
      // A catch-all (CORS preflight's `OPTIONS *`) says nothing about which paths exist.
      if (entry.url === '*' || entry.url === '/*') continue;
      if (this.patterns.get(entry.url)!.test(path)) methods.add(entry.method);
    }
    return [...methods].sort();
  }
}
