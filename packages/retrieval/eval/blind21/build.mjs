// Build knowledge/*.jsonl and questions.json from src/*.txt
// src format: lines "T|id|subject|predicate|object" and "Q|kind(s/p/i)|lang|id,id|question"; '#' comments.
import fs from 'node:fs';
import path from 'node:path';
const dir = path.dirname(new URL(import.meta.url).pathname);
const K = { s: 'shared', p: 'paraphrase', i: 'inference' };
const qs = [];
const order = ['jiang_xiuqin', 'qin_zhigang', 'fiona_macleish', 'travis_bellamy', 'annabel_kwok', 'gu_mingxuan'];
for (const user of order.filter((u) => fs.existsSync(path.join(dir, "src", u + ".txt")))) {
  const lines = fs.readFileSync(path.join(dir, 'src', user + '.txt'), 'utf8').split('\n');
  const out = [];
  for (const raw of lines) {
    const l = raw.trim();
    if (!l || l.startsWith('#')) continue;
    const parts = l.split('|');
    if (parts[0] === 'T') {
      const [, id, s, p, ...o] = parts;
      out.push(JSON.stringify([s, p, o.join('|'), { id }]));
    } else if (parts[0] === 'Q') {
      const [, k, lang, ids, ...q] = parts;
      qs.push({ user, question: q.join('|'), relevant: ids.split(','), kind: K[k], lang });
    } else throw new Error('bad line: ' + l);
  }
  fs.writeFileSync(path.join(dir, 'knowledge', user + '.jsonl'), out.join('\n') + '\n');
}
fs.writeFileSync(path.join(dir, 'questions.json'), JSON.stringify(qs, null, 1) + '\n');
console.log('built', qs.length, 'questions');
