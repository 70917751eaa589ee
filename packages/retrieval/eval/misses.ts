// Every relevant triple the shipped retriever leaves out of the top 5 on the seen sets (README:
// "After blind19"), with where it ranked: not a candidate at all (no term of the expanded
// question in it) or ranked below 5, by set, kind and language of question and triple. How the
// misses were studied by category, never one by one to add words.
//   tsx --conditions=@memory/source eval/misses.ts [out.json]
import { writeFile } from 'node:fs/promises';
import { createRetriever } from '../src/index.js';
import { idOf } from './evaluate.js';
import { loadSeenSets } from './seen.js';

const HAN = /\p{Script=Han}/u;
const langOf = (text: string) => (HAN.test(text) ? (/[a-z]{3}/i.test(text) ? 'mixed' : 'zh') : 'en');
const bucket = (rank: number) =>
  rank < 0 ? 'not a candidate' : rank < 10 ? 'rank 6-10' : rank < 20 ? 'rank 11-20' : 'rank > 20';

const retriever = createRetriever();
const misses: Record<string, unknown>[] = [];
const counts = new Map<string, number>();
const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
for (const [name, set] of await loadSeenSets()) {
  for (const q of set.questions) {
    const ranked = await retriever.retrieve(set.storage, q.user, q.question, { topK: 1000, withScores: true });
    const ids = ranked.map((s) => idOf(s.triple));
    const found = q.relevant.filter((id) => ids.slice(0, 5).includes(id)).length;
    if (found >= Math.min(5, q.relevant.length)) continue;
    for (const id of q.relevant) {
      if (ids.slice(0, 5).includes(id)) continue;
      const triple = set.triples.get(q.user)!.find((t) => idOf(t) === id)!;
      const rank = ids.indexOf(id);
      const tlang = langOf(triple.slice(0, 3).join(' '));
      misses.push({
        set: name,
        question: q.question,
        kind: q.kind,
        lang: q.lang,
        triple: triple.slice(0, 3),
        rank,
        tlang,
      });
      const group = name.startsWith('blind') ? 'blind sets' : 'development';
      count(`${group} | ${bucket(rank)}`);
      if (q.kind) count(`${group} | kind ${q.kind}`);
      if (q.lang) count(`${group} | question ${q.lang} → triple ${tlang}`);
    }
  }
}
process.stdout.write(
  `${misses.length} relevant triples out of the top 5\n\n| group | what | missed triples |\n|---|---|---:|\n` +
    [...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, n]) => `| ${key.replace(' | ', ' | ')} | ${n} |`)
      .join('\n') +
    '\n',
);
if (process.argv[2]) await writeFile(process.argv[2], JSON.stringify(misses, null, 1));
