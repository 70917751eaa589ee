import fs from 'node:fs';
const people = [['zhou_wenbin','zw'],['he_jiaqi','hj'],['owen_gallagher','og'],['bea_lindqvist','bl'],['jason_leung','jl'],['simone_wu','sw']];
const dir = new URL('.', import.meta.url).pathname;
const qs = [];
for (const [pid, pre] of people) {
  if (!fs.existsSync(dir + pid + '.txt')) continue;
  const [trip, ques] = fs.readFileSync(dir + pid + '.txt', 'utf8').split(/^===+$/m);
  const out = [];
  for (const l of trip.split('\n').map(s=>s.trim()).filter(Boolean)) {
    const [n, s, p, o, extra] = l.split('|').map(x=>x.trim());
    if (extra !== undefined || !o) throw new Error('bad line ' + l);
    out.push(JSON.stringify([s, p, o, { id: pre + n.padStart(2,'0') }]));
  }
  fs.writeFileSync(dir + '../knowledge/' + pid + '.jsonl', out.join('\n') + '\n');
  for (const l of (ques||'').split('\n').map(s=>s.trim()).filter(Boolean)) {
    const [kind, lang, ids, q, extra] = l.split('|').map(x=>x.trim());
    if (extra !== undefined || !q) throw new Error('bad q ' + l);
    qs.push({ user: pid, question: q, relevant: ids.split(',').map(x=>pre + x.trim().padStart(2,'0')), kind: {s:'shared',p:'paraphrase',i:'inference'}[kind], lang });
  }
}
fs.writeFileSync(dir + '../questions.json', JSON.stringify(qs, null, 1) + '\n');
