/**
 * The folding used to compare triples and to tokenize: Unicode NFKC (full-width letters and
 * digits become ASCII, compatibility forms are unified), lower case, runs of whitespace
 * collapsed to one space, trimmed.
 *
 * @example
 * ```ts
 * foldText('  ＰｏｓｔｇｒｅＳＱＬ\t16 '); // 'postgresql 16'
 * ```
 *
 * @remarks Public because `@memory/retrieval` tokenizes with it: a query must fold the way the
 * triples' identities fold, or a duplicate the merge drops would still match differently.
 */
export function foldText(text: string): string {
  // NFKC leaves ASCII unchanged; skipping it there is the common, cheap case.
  const normalized = isAscii(text) ? text : text.normalize('NFKC');
  return normalized.toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** True when every character is ASCII. */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}
