import { parseTriples, type ParseTriplesOptions, type Triple } from '@memory/semantics';

/**
 * `parseTriples` for an index: the same triples, with each subject and predicate equal to one
 * seen before replaced by that earlier string. `JSON.parse` makes a new string for each
 * occurrence, so 50,000 triples about one user held 100,000 copies of a handful of subjects and
 * predicates (2.5 MB of a cached index), kept as long as the index is cached. Objects are mostly
 * distinct and left as parsed. Strings compare by value: nothing a caller can see changes.
 */
export function parseSharedTriples(bytes: Uint8Array, options: ParseTriplesOptions): Triple[] {
  const triples = parseTriples(bytes, options);
  const seen = new Map<string, string>();
  const share = (field: string): string => {
    const earlier = seen.get(field);
    if (earlier !== undefined) return earlier;
    if (seen.size < 100_000) seen.set(field, field);
    return field;
  };
  for (const t of triples) {
    t[0] = share(t[0]);
    t[1] = share(t[1]);
  }
  return triples;
}
