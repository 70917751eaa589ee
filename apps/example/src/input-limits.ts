/** How deep a request body may nest (objects and arrays); far beyond any real profile or metadata. */
export const MAX_BODY_DEPTH = 64;

/** What {@link inputProblem} found, and where (a JSON pointer into the value, `''` for the value itself). */
export interface InputProblem {
  kind: 'too-deep' | 'nul';
  at: string;
}

const pointer = (path: string, key: string) => `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/**
 * The first thing in a request value (a body, the query, the path parameters) that the service
 * refuses whatever the route: nesting deeper than `maxDepth` levels (recursive code behind the
 * routes, the merge patch or `JSON.stringify`, overflowed the stack on a body of thousands of `[`:
 * a 500), and a NUL character in a string or key (PostgreSQL cannot store or compare one: a 500 or
 * a 503 depending on the engine). Both were found by the HTTP fuzzer. Iterative, so the check
 * itself cannot overflow the stack.
 */
export function inputProblem(value: unknown, maxDepth = MAX_BODY_DEPTH): InputProblem | null {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { value: current, depth, path } = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return { kind: 'nul', at: path };
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth) return { kind: 'too-deep', at: path };
    for (const [key, child] of Object.entries(current)) {
      if (key.includes('\u0000')) return { kind: 'nul', at: pointer(path, key) };
      stack.push({ value: child, depth: depth + 1, path: pointer(path, key) });
    }
  }
  return null;
}
