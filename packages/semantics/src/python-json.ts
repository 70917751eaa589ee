// Python's json.dumps(obj, ensure_ascii=False) writes ", " and ": " separators and keeps
// non-ASCII characters. Writing the same bytes keeps objects diff-identical whichever library
// wrote them last.

// JSON.stringify leaves these raw, but Python's str.splitlines() breaks lines at them, so a
// reader splitting with splitlines() would cut a JSON line in two. Escaping is valid JSON.
const LINE_BREAKERS = /[\u0085\u2028\u2029]/g;

function stringLiteral(s: string): string {
  return JSON.stringify(s).replace(LINE_BREAKERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Serializes a JSON value the way Python's `json.dumps(value, ensure_ascii=False)` does:
 * `", "` between items, `": "` after keys, non-ASCII kept. `undefined` members are left out,
 * like `JSON.stringify`. Throws `TypeError` for values JSON cannot hold.
 */
export function pythonJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return stringLiteral(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot serialize ${value} as JSON`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        return pythonJson((value as { toJSON: () => unknown }).toJSON());
      }
      if (Array.isArray(value)) {
        return `[${value.map((v) => (v === undefined ? 'null' : pythonJson(v))).join(', ')}]`;
      }
      const parts: string[] = [];
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined || typeof v === 'function') continue;
        parts.push(`${stringLiteral(k)}: ${pythonJson(v)}`);
      }
      return `{${parts.join(', ')}}`;
    }
    default:
      throw new TypeError(`cannot serialize a ${typeof value} as JSON`);
  }
}

/** Python's `repr()` of a float, from the shortest round-trip digits. */
function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let out: string;
  if (exp >= 16 || exp < -4) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    out = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return negative ? `-${out}` : out;
}

function pythonRepr(value: unknown, raw: WeakMap<object, string> | undefined): string {
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const body = value
      .replace(/\\/g, '\\\\')
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/\t/g, '\\t')
      .replaceAll(quote, `\\${quote}`);
    return `${quote}${body}${quote}`;
  }
  return pythonStr(value, raw);
}

/**
 * Python's `str()` of a value decoded from JSON, which is how the original reader turned
 * non-string triple elements into strings: `True`, `None`, `1.0`, `[1, 'a']`, `{'k': 2}`.
 * `numberSource` maps boxed numbers to their JSON source text, so `1.0` stays `1.0` and big
 * integers keep every digit, as Python's arbitrary-precision ints do.
 */
export function pythonStr(value: unknown, numberSource?: WeakMap<object, string>): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number')
    return Number.isInteger(value) && Math.abs(value) < 2 ** 53 ? String(value) : pythonFloat(value);
  if (value instanceof Number) {
    const src = numberSource?.get(value);
    if (src !== undefined && /^-?\d+$/.test(src)) return src === '-0' ? '0' : src;
    const n = value.valueOf();
    return src !== undefined && /[.eE]/.test(src) ? pythonFloat(n) : pythonStr(n);
  }
  if (Array.isArray(value)) return `[${value.map((v) => pythonRepr(v, numberSource)).join(', ')}]`;
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${pythonRepr(k, numberSource)}: ${pythonRepr(v, numberSource)}`,
    );
    return `{${parts.join(', ')}}`;
  }
  return String(value);
}
