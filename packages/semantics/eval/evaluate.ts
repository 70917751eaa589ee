import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InMemoryLongTermStorage, knowledgeKey } from '@memory/longterm-core';
import { parseTriples, retrieveRelevantKnowledge, substringRetrieve, type Triple } from '../src/index.js';

/** One labeled question of the evaluation set. */
export interface EvalQuestion {
  user: string;
  question: string;
  /** Ids (metadata `id`) of the triples that answer it. */
  relevant: string[];
}

/** Per-question outcome of a method. */
export interface EvalOutcome {
  question: EvalQuestion;
  retrieved: string[];
  recall: number;
}

/** Recall@k of each method over the evaluation set. */
export interface EvalReport {
  k: number;
  questions: number;
  triples: number;
  ours: number;
  substring: number;
  oursOutcomes: EvalOutcome[];
  substringOutcomes: EvalOutcome[];
}

const here = import.meta.dirname;

/** Recall@k: the share of a question's relevant triples found in the top k (at most k counted). */
function recall(retrieved: string[], relevant: string[], k: number): number {
  const hits = relevant.filter((id) => retrieved.slice(0, k).includes(id)).length;
  return hits / Math.min(relevant.length, k);
}

const idOf = (t: Triple) => String(t[3]?.id);

/** The labeled question sets in eval/: tuning, held out, and four test sets written blind (the first three used in development since). */
export type QuestionSet = 'questions.json' | 'questions-heldout.json' | 'questions-test.json' | 'questions-test2.json' | 'questions-test3.json' | 'questions-test4.json';

/**
 * Runs both retrieval methods over a labeled question set in eval/ (the tuning set by default)
 * and returns recall@k for each.
 */
export async function evaluate(options: { k?: number; questions?: QuestionSet } = {}): Promise<EvalReport> {
  const k = options.k ?? 5;
  const storage = new InMemoryLongTermStorage();
  const all = new Map<string, Triple[]>();
  let triples = 0;
  for (const file of await readdir(join(here, 'knowledge'))) {
    const user = file.replace(/\.jsonl$/, '');
    const bytes = await readFile(join(here, 'knowledge', file));
    await storage.putObject(knowledgeKey(user), bytes);
    const parsed = parseTriples(bytes);
    all.set(user, parsed);
    triples += parsed.length;
  }
  const questions = JSON.parse(await readFile(join(here, options.questions ?? 'questions.json'), 'utf8')) as EvalQuestion[];
  const oursOutcomes: EvalOutcome[] = [];
  const substringOutcomes: EvalOutcome[] = [];
  for (const q of questions) {
    const ours = (await retrieveRelevantKnowledge(storage, q.user, q.question, { topK: k })).map(idOf);
    oursOutcomes.push({ question: q, retrieved: ours, recall: recall(ours, q.relevant, k) });
    const sub = substringRetrieve(all.get(q.user) ?? [], q.question, k).map(idOf);
    substringOutcomes.push({ question: q, retrieved: sub, recall: recall(sub, q.relevant, k) });
  }
  const mean = (o: EvalOutcome[]) => o.reduce((s, x) => s + x.recall, 0) / o.length;
  return { k, questions: questions.length, triples, ours: mean(oursOutcomes), substring: mean(substringOutcomes), oursOutcomes, substringOutcomes };
}
