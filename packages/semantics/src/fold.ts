/**
 * The folding used to compare triples and to tokenize: Unicode NFKC (full-width letters and
 * digits become ASCII, compatibility forms are unified), lower case, runs of whitespace
 * collapsed to one space, trimmed.
 *
 * @example
 * ```ts
 * foldText('  ＰｏｓｔｇｒｅＳＱＬ\t16 '); // 'postgresql 16'
 * ```
 */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}
