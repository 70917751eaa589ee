import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseTriples, serializeProfile, serializeTriples, type Triple } from '../src/index.js';

// Checks compatibility against Python itself: its json module writes what the original wrote,
// and the reader below is the original's as described in shared/seed/FACTS.md (skip blank
// lines, first three elements of arrays of three or more, str() of each, raise on non-JSON).
// Skipped, saying so, where no python3 is installed.
const python = spawnSync('python3', ['--version']).status === 0 ? 'python3' : undefined;

const SCRIPT = String.raw`
import json, sys
req = json.loads(sys.stdin.buffer.read().decode('utf-8'))
def original_reader(text, split):
    lines = text.splitlines() if split == 'splitlines' else text.split('\n')
    out = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        arr = json.loads(line)
        if isinstance(arr, list) and len(arr) >= 3:
            out.append([str(arr[0]), str(arr[1]), str(arr[2])])
    return out
res = {
    'written': '\n'.join(json.dumps(list(t), ensure_ascii=False) for t in req['triples']),
    'profile': json.dumps(req['profile'], ensure_ascii=False),
    'read_split': original_reader(req['ours'], 'split'),
    'read_splitlines': original_reader(req['ours'], 'splitlines'),
    'read_odd': original_reader(req['odd'], 'split'),
}
sys.stdout.buffer.write(json.dumps(res, ensure_ascii=False).encode('utf-8'))
`;

function runPython(input: unknown): Record<string, unknown> {
  const r = spawnSync(python!, ['-c', SCRIPT], { input: JSON.stringify(input), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe.skipIf(!python)(
  `compatibility with Python's json module and the original reader (${python ?? 'python3 not installed: skipped'})`,
  () => {
    const plain: Triple[] = [
      ['用户', '使用', 'BOS'],
      ['中文用户', '喜欢', '"引号" \\ 反斜杠\t制表 😀 émoji'],
      ['u', 'p', 'line\nbreak and \u0001 control'],
      ['', ' ', 'ＦＵＬＬ width'],
    ];

    it('writes the bytes Python json.dumps(ensure_ascii=False) writes', () => {
      const profile = {
        user_id: '中文用户',
        traits: {
          communication_style: '简洁',
          preferred_topics: ['AI', '部署'],
          score: 0.25,
          n: 3,
          ok: true,
          none: null,
        },
      };
      const py = runPython({ triples: plain, profile, ours: '', odd: '' });
      expect(serializeTriples(plain)).toBe(py.written);
      expect(serializeProfile(profile)).toBe(py.profile);
    });

    it('writes triples (with metadata, and line separators inside strings) that the original reads back to the same data', () => {
      const ours: Triple[] = [
        ...plain,
        [
          '用户',
          '住在',
          '北京',
          { sessionId: 's1', time: '2025-01-01T00:00:00.000Z', endTime: '2026-01-01T00:00:00.000Z', confidence: 0.9 },
        ],
        ['a\u2028b', 'c\u2029d', 'e\u0085f'],
      ];
      const text = serializeTriples(ours);
      const py = runPython({ triples: [], profile: {}, ours: text, odd: '' });
      const expected = ours.map((t) => t.slice(0, 3));
      expect(py.read_split).toEqual(expected);
      expect(py.read_splitlines).toEqual(expected);
    });

    it('reads what the original reads, the same way, including non-string elements', () => {
      const odd =
        '\n["a", "b", "c", "d"]\n["short", "x"]\n[1, 1.5, true]\n[null, false, 12345678901234567890]\n[1.0, 1e16, 0.00001]\n[[1, "a"], {"k": "v"}, "s"]\n  \n';
      const py = runPython({ triples: [], profile: {}, ours: '', odd });
      expect(parseTriples(odd).map((t) => t.slice(0, 3))).toEqual(py.read_odd);
    });
  },
);
