// Prints recall@5 of a question set and, with --misses, each question that lost a relevant
// triple (what came back instead). Development aid: run it on the development sets only.
//   tsx --conditions=@memory/source eval/report.ts questions.json questions-heldout.json --misses
import { evaluate, type QuestionSet } from './evaluate.js';

const args = process.argv.slice(2);
const misses = args.includes('--misses');
const sets = args.filter((a) => !a.startsWith('--')) as QuestionSet[];
for (const set of sets.length > 0 ? sets : (['questions.json', 'questions-heldout.json'] as const)) {
  const r = await evaluate({ questions: set });
  process.stdout.write(
    `${set}: ${r.questions} questions, ${r.triples} triples: ours ${r.ours.toFixed(3)}, substring ${r.substring.toFixed(3)}\n`,
  );
  if (!misses) continue;
  for (const o of r.oursOutcomes) {
    if (o.recall >= 1) continue;
    const lost = o.question.relevant.filter((id) => !o.retrieved.includes(id));
    process.stdout.write(
      `  ${o.recall.toFixed(2)} [${o.question.user}] ${o.question.question}  lost ${lost.join(',')}  got ${o.retrieved.join(',')}\n`,
    );
  }
}
