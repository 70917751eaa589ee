import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pipeJsonl, toJsonlLine } from './jsonl.js';

class SlowSink extends Writable {
  chunks: string[] = [];
  constructor() {
    super({ highWaterMark: 8 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error) => void) {
    this.chunks.push(chunk.toString('utf8'));
    setTimeout(done, 1);
  }
}

describe('JSONL', () => {
  it('writes one JSON value per line, non-ASCII kept', () => {
    expect(toJsonlLine({ content: '你好 👋', at: new Date(0) })).toBe(
      '{"content":"你好 👋","at":"1970-01-01T00:00:00.000Z"}\n',
    );
    expect(() => toJsonlLine(undefined)).toThrow(TypeError);
  });

  it('pipes lazily, pulling the next line only after the sink drained', async () => {
    let produced = 0;
    let maxAhead = 0;
    const sink = new SlowSink();
    async function* lines() {
      for (let i = 0; i < 50; i++) {
        produced++;
        maxAhead = Math.max(maxAhead, produced - sink.chunks.length);
        yield toJsonlLine({ i, pad: 'x'.repeat(32) });
      }
    }
    await pipeJsonl(lines(), sink);
    expect(
      sink.chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).i),
    ).toEqual([...Array(50).keys()]);
    expect(maxAhead).toBeLessThan(5);
    expect(sink.writableEnded).toBe(true);
  });

  it('leaves the destination open with end: false and rejects when the source fails', async () => {
    const sink = new SlowSink();
    await pipeJsonl(
      (async function* () {
        yield 'a\n';
      })(),
      sink,
      { end: false },
    );
    expect(sink.writableEnded).toBe(false);
    const failing = (async function* () {
      yield 'a\n';
      throw new Error('query failed');
    })();
    await expect(pipeJsonl(failing, new SlowSink())).rejects.toThrow('query failed');
  });
});
