// Recall@5 of ours, plain BM25 and the original (substring) on a labeled folder, by kind and
// language (Markdown). Default folder: eval/blind17.
//   tsx --conditions=@memory/source eval/blind-report.ts [folder]
import { evaluateSet, loadEvalSet, table } from './blind.js';

const dir = process.argv[2];
const set = await loadEvalSet(dir);
const triples = [...set.triples.values()].reduce((n, l) => n + l.length, 0);
const r = await evaluateSet(set);
process.stdout.write(
  `${set.questions.length} questions, ${triples} triples, ${set.triples.size} users\n\n${table(r)}\n`,
);
