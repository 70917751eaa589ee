import { InvalidInputError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { parseTriples, serializeTriples, type SkippedLine } from './triples-format.js';

describe('serializeTriples', () => {
  it('writes the original bytes: one Python-style array a line, \\n between, no trailing newline', () => {
    const text = serializeTriples([
      ['用户', '使用', 'BOS'],
      ['用户', '部署', 'AI服务'],
    ]);
    expect(text).toBe('["用户", "使用", "BOS"]\n["用户", "部署", "AI服务"]');
    expect(Buffer.from(text, 'utf8').includes(Buffer.from('\\u'))).toBe(false);
  });

  it('writes an empty list as an empty object', () => {
    expect(serializeTriples([])).toBe('');
  });

  it('puts metadata in a fourth element and leaves empty metadata out', () => {
    expect(serializeTriples([['u', 'likes', 'tea', { sessionId: 's1', confidence: 0.5 }]])).toBe(
      '["u", "likes", "tea", {"sessionId": "s1", "confidence": 0.5}]',
    );
    expect(serializeTriples([['u', 'likes', 'tea', {}]])).toBe('["u", "likes", "tea"]');
  });

  it('escapes characters that Python splitlines() would break a line at', () => {
    const text = serializeTriples([['a\u2028b', 'p\u0085', 'o\nx']]);
    expect(text.split(/[\n\u0085\u2028\u2029]/)).toHaveLength(1);
    expect(parseTriples(text)).toEqual([['a\u2028b', 'p\u0085', 'o\nx']]);
  });

  it('refuses a triple whose elements are not strings', () => {
    expect(() => serializeTriples([['a', 'b', 3 as unknown as string]])).toThrow(InvalidInputError);
  });
});

describe('parseTriples', () => {
  it('reads what the original wrote, with either separator style', () => {
    const text = '["用户", "使用", "BOS"]\n["用户","部署","AI服务"]';
    expect(parseTriples(Buffer.from(text))).toEqual([
      ['用户', '使用', 'BOS'],
      ['用户', '部署', 'AI服务'],
    ]);
  });

  it('skips blank lines, takes the first three elements, ignores short arrays and non-arrays', () => {
    const skipped: SkippedLine[] = [];
    const text = '\n  \n["a","b","c","extra","more"]\r\n["x","y"]\n{"s":1}\n["d","e","f"]\n';
    expect(parseTriples(text, { onSkip: (s) => skipped.push(s) })).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ]);
    expect(skipped.map((s) => [s.line, s.reason])).toEqual([
      [4, 'not-a-triple'],
      [5, 'not-a-triple'],
    ]);
  });

  it('reads a file without blank lines in one pass, with the same results and line numbers', () => {
    const skipped: SkippedLine[] = [];
    const text = '["a","b","c"]\r\n["x","y"]\n{"s":1}\n[1, 1.0, true]\n["d","e","f",{"time":"t"}]\n';
    expect(parseTriples(text, { onSkip: (s) => skipped.push(s) })).toEqual([
      ['a', 'b', 'c'],
      ['1', '1.0', 'True'],
      ['d', 'e', 'f', { time: 't' }],
    ]);
    expect(skipped).toMatchObject([
      { line: 2, reason: 'not-a-triple', text: '["x","y"]' },
      { line: 3, reason: 'not-a-triple', text: '{"s":1}' },
    ]);
  });

  it('does not take two arrays on one line for two lines', () => {
    expect(() => parseTriples('["a","b","c"],["d","e","f"]\n["g","h","i"]', { key: 'k' })).toThrow(
      /k line 1 is not JSON/,
    );
  });

  it('converts non-strings the way Python str() does', () => {
    const text =
      '[1, 1.0, true]\n[null, false, 12345678901234567890]\n[1e16, 0.00001, [1, "a", {"k": 2.5}]]\n["s", "p", {"a": "it\'s"}]';
    expect(parseTriples(text)).toEqual([
      ['1', '1.0', 'True'],
      ['None', 'False', '12345678901234567890'],
      ['1e+16', '1e-05', "[1, 'a', {'k': 2.5}]"],
      ['s', 'p', `{'a': "it's"}`],
    ]);
  });

  it('reads an object in the fourth element as metadata, and ignores other fourth elements', () => {
    expect(
      parseTriples('["u","p","o",{"time":"2026-01-01T00:00:00Z","confidence":"high","x":1}]\n["u","p","q","note"]'),
    ).toEqual([
      ['u', 'p', 'o', { time: '2026-01-01T00:00:00Z', x: 1 }],
      ['u', 'p', 'q'],
    ]);
  });

  it('throws a typed error naming the key and the 1-based line for a line that is not JSON', () => {
    const text = '["a","b","c"]\n\n{oops\n["d","e","f"]';
    let error: unknown;
    try {
      parseTriples(text, { key: 'knowledge/u1.jsonl' });
    } catch (e) {
      error = e;
    }
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^\[memory\/semantics\] knowledge\/u1\.jsonl line 3 is not JSON: /);
    expect((error as InvalidInputError).details).toMatchObject({ key: 'knowledge/u1.jsonl', line: 3 });
  });

  it('in tolerant mode skips lines that are not JSON and reports them', () => {
    const skipped: SkippedLine[] = [];
    const triples = parseTriples('["a","b","c"]\n{oops\n["d","e","f"]', {
      tolerant: true,
      onSkip: (s) => skipped.push(s),
    });
    expect(triples).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ]);
    expect(skipped).toMatchObject([{ line: 2, reason: 'not-json', text: '{oops' }]);
  });

  it('refuses bytes that are not UTF-8, naming the key', () => {
    expect(() => parseTriples(new Uint8Array([0x5b, 0xff, 0x5d]), { key: 'knowledge/u9.jsonl' })).toThrow(
      /knowledge\/u9\.jsonl is not valid UTF-8/,
    );
  });

  it('round-trips arbitrary strings and metadata', () => {
    const triples: Parameters<typeof serializeTriples>[0] = [
      ['中文用户', '喜欢', '"引号" \\ 反斜杠 \t tab 😀'],
      [
        'u',
        'p',
        '',
        { messageId: 'm1', time: '2026-11-25T00:00:00.000Z', endTime: '2026-11-26T00:00:00.000Z', custom: [1, 2] },
      ],
    ];
    expect(parseTriples(serializeTriples(triples))).toEqual(triples);
  });
});

describe('parseTriples limits and large files', () => {
  const encode = (text: string) => new TextEncoder().encode(text);

  it('refuses a line over maxLineBytes before decoding it, naming the key, the line and the limit, even when tolerant', () => {
    const bytes = encode(`["a", "b", "c"]\n["${'x'.repeat(200)}", "p", "o"]\n["d", "e", "f"]`);
    for (const tolerant of [false, true]) {
      const error = (() => {
        try {
          parseTriples(bytes, { key: 'knowledge/u.jsonl', maxLineBytes: 100, tolerant });
        } catch (e) {
          return e;
        }
      })();
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/knowledge\/u\.jsonl line 2 is 214 bytes, over the limit of 100/);
      expect((error as InvalidInputError).details).toMatchObject({ line: 2, maxLineBytes: 100 });
    }
    expect(parseTriples(bytes, { maxLineBytes: 214 })).toHaveLength(3);
  });

  it('parses a file over 8 MiB line by line to the same triples as the whole-file path', () => {
    const triples: [string, string, string][] = [];
    for (let i = 0; triples.length * 60 < 9 * 1024 * 1024; i++)
      triples.push([`用户${i}`, 'likes', `thing ${i} ${'y'.repeat(30)}`]);
    const text = `\uFEFF${serializeTriples(triples)}\n\n  \n["odd", 1.0, true]\r\n`;
    const bytes = encode(text);
    expect(bytes.byteLength).toBeGreaterThan(8 * 1024 * 1024);
    const large = parseTriples(bytes);
    expect(large).toHaveLength(triples.length + 1);
    expect(large.slice(0, -1)).toEqual(triples);
    expect(large.at(-1)).toEqual(['odd', '1.0', 'True']);
    // The same lines under 8 MiB go through the whole-file path.
    const small = encode(`\uFEFF${serializeTriples(triples.slice(0, 1000))}\n\n  \n["odd", 1.0, true]\r\n`);
    expect(parseTriples(small)).toEqual([...triples.slice(0, 1000), ['odd', '1.0', 'True']]);
  });

  it('names the line of invalid UTF-8 or bad JSON in a large file', () => {
    const filler = `${'["a", "b", "c"]\n'.repeat(600_000)}`;
    const badUtf8 = new Uint8Array([...encode(filler), 0x5b, 0x22, 0xff, 0x22, 0x5d]);
    expect(() => parseTriples(badUtf8, { key: 'k' })).toThrow(/k line 600001 is not valid UTF-8/);
    expect(() => parseTriples(encode(`${filler}[nope`), { key: 'k' })).toThrow(/k line 600001 is not JSON/);
    const skipped: number[] = [];
    expect(
      parseTriples(encode(`${filler}[nope`), { tolerant: true, onSkip: (s) => skipped.push(s.line) }),
    ).toHaveLength(600_000);
    expect(skipped).toEqual([600_001]);
  });
});
