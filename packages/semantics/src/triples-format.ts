import { InvalidInputError } from '@memory/errors';
import { pythonJson, pythonStr } from './python-json.js';
import { DEFAULT_MAX_LINE_BYTES, type LineLimits } from './read-limits.js';
import type { Triple, TripleMetadata } from './triple.js';
import { decodeUtf8 } from './utf8.js';

/** A line {@link parseTriples} did not turn into a triple. */
export interface SkippedLine {
  /** 1-based line number. */
  line: number;
  /**
   * `not-json`: the line is not JSON (an error unless `tolerant`). `not-a-triple`: valid JSON but
   * not an array of at least three elements; the original ignored such lines, and so do we.
   */
  reason: 'not-json' | 'not-a-triple';
  /** The line's first 200 characters. */
  text: string;
  /** The JSON parser's message, for `not-json`. */
  error?: string;
}

/** Options of {@link parseTriples}. */
export interface ParseTriplesOptions extends LineLimits {
  /** Named in error messages, e.g. `knowledge/u1.jsonl`. Default `triples`. */
  key?: string;
  /** Skip lines that are not JSON (and report them to `onSkip`) instead of throwing. */
  tolerant?: boolean;
  /** Called for each skipped line, in both modes. */
  onSkip?: (skipped: SkippedLine) => void;
}

function metadataOf(value: unknown): TripleMetadata | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const meta: TripleMetadata = { ...(value as Record<string, unknown>) };
  for (const k of ['sessionId', 'messageId', 'time', 'endTime'] as const) {
    if (k in meta && typeof meta[k] !== 'string') delete meta[k];
  }
  if ('confidence' in meta && typeof meta.confidence !== 'number') delete meta.confidence;
  return Object.keys(meta).length > 0 ? meta : undefined;
}

function boxedNumbers(line: string): { value: unknown; sources: WeakMap<object, string> } {
  const sources = new WeakMap<object, string>();
  const value: unknown = JSON.parse(line, (_key, v: unknown, context?: { source?: string }) => {
    if (typeof v !== 'number') return v;
    const boxed = new Number(v);
    sources.set(boxed, context?.source ?? String(v));
    return boxed;
  });
  return { value, sources };
}

/**
 * Parses JSONL triples as the original did: blank lines are skipped; of every array with at
 * least three elements the first three become the triple, converted to strings with Python's
 * `str()` rules (`1.0`, `True`, `None`); shorter arrays and non-arrays are ignored. A fourth
 * element that is an object is read as {@link TripleMetadata}. A line that is not JSON throws
 * `InvalidInputError` naming the key and the 1-based line, unless `tolerant` is set; so does a
 * line longer than `maxLineBytes` (default 1 MiB), checked before anything is decoded, even when
 * `tolerant`. Files over 8 MiB are parsed line by line, so memory stays near the file's size.
 * Both compact (`["a","b","c"]`) and Python-style (`["a", "b", "c"]`) lines are accepted.
 *
 * @example
 * ```ts
 * parseTriples('["用户", "使用", "BOS"]\n["用户","部署","AI服务"]');
 * // [['用户', '使用', 'BOS'], ['用户', '部署', 'AI服务']]
 * ```
 */
export function parseTriples(data: Uint8Array | string, options: ParseTriplesOptions = {}): Triple[] {
  const key = options.key ?? 'triples';
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (typeof data !== 'string') {
    checkLineLengths(data, maxLine, key);
    // Large files line by line from the bytes: never the whole text, nor its joined copy, at once.
    if (data.byteLength > WHOLE_PARSE_MAX_BYTES) return parseLinesOfBytes(data, key, options);
  }
  const text = decodeUtf8(data, key);
  const out: Triple[] = [];
  const whole = parseWhole(text);
  if (whole) {
    let lines: string[] | undefined;
    for (let i = 0; i < whole.length; i++) {
      take(whole[i], i, () => (lines ??= text.split('\n'))[i]!.trim(), out, options);
    }
    return out;
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (typeof data === 'string' && lines[i]!.length > maxLine) throw lineTooLong(key, i, lines[i]!.length, maxLine);
    parseLine(lines[i]!.trim(), i, key, out, options);
  }
  return out;
}

/**
 * Up to this size a file is parsed in one `JSON.parse` (see {@link parseWhole}), which holds the
 * bytes, the text and a joined copy at once: three times the file. Above it, line by line.
 */
const WHOLE_PARSE_MAX_BYTES = 8 * 1024 * 1024;

const lineDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function lineTooLong(key: string, i: number, length: number, max: number): InvalidInputError {
  return new InvalidInputError(
    `[memory/semantics] ${key} line ${i + 1} is ${length} bytes, over the limit of ${max} (maxLineBytes): refused without parsing it; a triple's line is far shorter, so replace or repair the file`,
    { details: { key, line: i + 1, length, maxLineBytes: max } },
  );
}

/** Refuses the first line longer than `max` bytes, before anything is decoded. */
function checkLineLengths(bytes: Uint8Array, max: number, key: string): void {
  if (bytes.byteLength <= max) return;
  let start = 0;
  for (let i = 0; ; i++) {
    const newline = bytes.indexOf(10, start);
    const end = newline < 0 ? bytes.byteLength : newline;
    if (end - start > max) throw lineTooLong(key, i, end - start, max);
    if (newline < 0) return;
    start = newline + 1;
  }
}

/** Line by line from the bytes: each line decoded on its own (a leading BOM dropped). */
function parseLinesOfBytes(bytes: Uint8Array, key: string, options: ParseTriplesOptions): Triple[] {
  const out: Triple[] = [];
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (let i = 0; start <= bytes.byteLength; i++) {
    const newline = bytes.indexOf(10, start);
    const end = newline < 0 ? bytes.byteLength : newline;
    let line: string;
    try {
      line = lineDecoder.decode(bytes.subarray(start, end));
    } catch (cause) {
      throw new InvalidInputError(`[memory/semantics] ${key} line ${i + 1} is not valid UTF-8: re-save it as UTF-8`, {
        cause,
        details: { key, line: i + 1 },
      });
    }
    parseLine(line.trim(), i, key, out, options);
    start = end + 1;
  }
  return out;
}

/** One line (0-based `i`, trimmed): skipped when blank, a triple in `out`, or not JSON. */
function parseLine(line: string, i: number, key: string, out: Triple[], options: ParseTriplesOptions): void {
  if (line.length === 0) return;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    const skipped: SkippedLine = { line: i + 1, reason: 'not-json', text: line.slice(0, 200), error };
    if (!options.tolerant) {
      throw new InvalidInputError(`[memory/semantics] ${key} line ${i + 1} is not JSON: ${error.slice(0, 300)}`, {
        cause: e,
        details: { key, line: i + 1 },
      });
    }
    options.onSkip?.(skipped);
    return;
  }
  take(value, i, () => line, out, options);
}

/**
 * The whole file parsed as one JSON array (one `JSON.parse` instead of one a line: several
 * times faster on large files), when every line is one JSON value and none is blank; otherwise
 * undefined, and the caller goes line by line (which also names a bad line). A raw newline
 * cannot occur inside a JSON string, so each one separates two lines.
 */
function parseWhole(text: string): unknown[] | undefined {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  if (end === 0) return undefined;
  const body = end === text.length ? text : text.slice(0, end);
  let values: unknown;
  try {
    values = JSON.parse(`[${body.replaceAll('\n', ',')}]`);
  } catch {
    return undefined;
  }
  // "[1,2,3],[4,5,6]" on one line is not JSON, but joined it would pass as two values.
  let lines = 1;
  for (let at = body.indexOf('\n'); at >= 0; at = body.indexOf('\n', at + 1)) lines++;
  return Array.isArray(values) && values.length === lines ? values : undefined;
}

/** Turns one parsed line (0-based index `i`) into a triple in `out`, or reports it skipped. */
function take(value: unknown, i: number, lineText: () => string, out: Triple[], options: ParseTriplesOptions): void {
  if (!Array.isArray(value) || value.length < 3) {
    options.onSkip?.({ line: i + 1, reason: 'not-a-triple', text: lineText().slice(0, 200) });
    return;
  }
  let [s, p, o] = value as unknown[];
  if (typeof s !== 'string' || typeof p !== 'string' || typeof o !== 'string') {
    // Rare: re-parse keeping each number's source text so 1.0 and big ints read as in Python.
    const { value: boxed, sources } = boxedNumbers(lineText());
    const arr = boxed as unknown[];
    [s, p, o] = [pythonStr(arr[0], sources), pythonStr(arr[1], sources), pythonStr(arr[2], sources)];
  }
  if (value.length === 3 && s === value[0] && p === value[1] && o === value[2]) {
    // The common case: the parsed array already is the triple.
    out.push(value as Triple);
    return;
  }
  const meta = metadataOf(value[3]);
  out.push(meta ? [s as string, p as string, o as string, meta] : [s as string, p as string, o as string]);
}

/**
 * Serializes triples in the original's format: one JSON array a line, `\n` between lines, no
 * trailing newline, UTF-8 with non-ASCII kept, Python-style separators (`["a", "b", "c"]`,
 * the bytes `json.dumps(..., ensure_ascii=False)` writes). Metadata, when present and not
 * empty, is a fourth element the original reader ignores. An empty list gives `''`.
 *
 * @throws InvalidInputError when a subject, predicate or object is not a string.
 * @example
 * ```ts
 * serializeTriples([['用户', '使用', 'BOS'], ['u', 'likes', 'tea', { confidence: 0.8 }]]);
 * // '["用户", "使用", "BOS"]\n["u", "likes", "tea", {"confidence": 0.8}]'
 * ```
 */
export function serializeTriples(triples: readonly Triple[]): string {
  const lines: string[] = [];
  for (let i = 0; i < triples.length; i++) {
    const t = triples[i];
    if (!Array.isArray(t) || typeof t[0] !== 'string' || typeof t[1] !== 'string' || typeof t[2] !== 'string') {
      throw new InvalidInputError(
        `[memory/semantics] triple ${i} must be [subject, predicate, object] strings, got ${JSON.stringify(t)?.slice(0, 120)}`,
        { details: { index: i } },
      );
    }
    const meta = t[3];
    const hasMeta = meta !== undefined && meta !== null && Object.values(meta).some((v) => v !== undefined);
    lines.push(pythonJson(hasMeta ? [t[0], t[1], t[2], meta] : [t[0], t[1], t[2]]));
  }
  return lines.join('\n');
}
