// Validator for the blind21 set. No dependencies: `node check.mjs`
import fs from 'node:fs';
import path from 'node:path';
const dir = path.dirname(new URL(import.meta.url).pathname);
const kdir = path.join(dir, 'knowledge');
let errors = 0;
const err = (m) => { errors++; console.log('ERROR', m); };
const kb = {};
for (const f of fs.readdirSync(kdir).filter((f) => f.endsWith('.jsonl')).sort()) {
  const user = f.replace(/\.jsonl$/, '');
  const lines = fs.readFileSync(path.join(kdir, f), 'utf8').split('\n').filter((l) => l.trim());
  const ids = new Map();
  lines.forEach((l, i) => {
    let t;
    try { t = JSON.parse(l); } catch (e) { return err(`${f}:${i + 1} bad JSON`); }
    if (!Array.isArray(t) || t.length !== 4 || t.slice(0, 3).some((x) => typeof x !== 'string' || !x.trim()) || typeof t[3]?.id !== 'string')
      return err(`${f}:${i + 1} bad shape`);
    if (ids.has(t[3].id)) err(`${f}: duplicate id ${t[3].id}`);
    ids.set(t[3].id, t);
  });
  if (ids.size < 80 || ids.size > 95) err(`${f}: ${ids.size} triples (want 80-95)`);
  kb[user] = ids;
}
const qs = JSON.parse(fs.readFileSync(path.join(dir, 'questions.json'), 'utf8'));
const KINDS = ['shared', 'paraphrase', 'inference'], LANGS = ['zh', 'en', 'mixed'];
const STOP = new Set('a an the and or of to in on at for by with from is are was were be been am do does did done i me my mine we our you your it its this that these those what which who whom whose when where why how much many any some can could will would should shall may might must have has had not no yes if then than there here up out about into over under again just still also ever too very so as get got go going back next last this one all s t im ive id dont doesnt isnt whats when wheres hows whos user'.split(' '));
function stem(w) {
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 4 && /(x|s|sh|ch)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith('ies')) w = w.slice(0, -3) + 'y';
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  return w;
}
function tokens(s) {
  const out = new Set();
  for (const w of s.toLowerCase().replace(/['’]/g, '').match(/[a-z0-9]+/g) || []) {
    if (STOP.has(w) || /^\d+$/.test(w) || w.length < 2) continue;
    out.add(stem(w));
  }
  for (const run of s.match(/[\u4e00-\u9fff]+/g) || []) {
    for (let i = 0; i + 1 < run.length; i++) out.add(run.slice(i, i + 2));
  }
  out.delete('用户');
  return out;
}
const count = {}, perUser = {};
const flagged = [];
qs.forEach((q, i) => {
  const tag = `q${i} [${q.user}] ${q.question}`;
  if (!kb[q.user]) return err(`${tag}: unknown user`);
  if (!KINDS.includes(q.kind)) err(`${tag}: bad kind ${q.kind}`);
  if (!LANGS.includes(q.lang)) err(`${tag}: bad lang ${q.lang}`);
  if (!Array.isArray(q.relevant) || q.relevant.length < 1 || q.relevant.length > 5) err(`${tag}: relevant count`);
  if (new Set(q.relevant).size !== q.relevant.length) err(`${tag}: duplicate relevant`);
  for (const id of q.relevant) if (!kb[q.user].has(id)) err(`${tag}: missing id ${id}`);
  count[q.kind] ??= {}; count[q.kind][q.lang] = (count[q.kind][q.lang] || 0) + 1;
  perUser[q.user] = (perUser[q.user] || 0) + 1;
  const qt = tokens(q.question);
  const at = new Set();
  for (const id of q.relevant) { const t = kb[q.user].get(id); if (t) for (const x of tokens(t.slice(0, 3).join(' '))) at.add(x); }
  const common = [...qt].filter((x) => at.has(x));
  if (q.kind === 'paraphrase' && common.length) flagged.push(`paraphrase shares [${common.join(',')}]: ${tag}`);
  if (q.kind === 'shared' && !common.length) flagged.push(`shared shares nothing: ${tag}`);
});
console.log('triples per user:', Object.fromEntries(Object.entries(kb).map(([u, m]) => [u, m.size])));
console.log('questions per user:', perUser, 'total', qs.length);
console.log('kind x lang:');
for (const k of KINDS) console.log(' ', k.padEnd(11), LANGS.map((l) => `${l}=${count[k]?.[l] || 0}`).join(' '), 'total=' + Object.values(count[k] || {}).reduce((a, b) => a + b, 0));
console.log(`lexical-overlap flags: ${flagged.length}`);
flagged.forEach((f) => console.log('  FLAG', f));
console.log(errors ? `${errors} error(s)` : 'OK: no structural errors');
process.exit(errors ? 1 : 0);
