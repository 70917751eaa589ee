// Prints every question's top-10 ids and scores on every set: a before/after check that a
// refactoring leaves the ranking unchanged (diff the outputs).
//   tsx --conditions=@memory/source eval/fingerprint.ts > before.txt
import { idOf, loadEvalKnowledge, loadQuestions, QUESTION_SETS } from './evaluate.js';
import { retrieveRelevantKnowledge } from '../src/index.js';

const { storage } = await loadEvalKnowledge();
for (const set of QUESTION_SETS) {
  for (const q of await loadQuestions(set)) {
    const r = await retrieveRelevantKnowledge(storage, q.user, q.question, { topK: 10, withScores: true });
    process.stdout.write(
      `${set}\t${q.question}\t${r.map((x) => `${idOf(x.triple)}:${x.score.toFixed(6)}`).join(' ')}\n`,
    );
  }
}
