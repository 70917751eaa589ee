import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InMemoryLongTermStorage, knowledgeKey } from '@memory/longterm-core';
import { parseTriples, type Triple } from '@memory/semantics';
import { retrieveRelevantKnowledge, substringRetrieve } from '../src/index.js';

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
export function recallAtK(retrieved: readonly string[], relevant: readonly string[], k: number): number {
  const hits = relevant.filter((id) => retrieved.slice(0, k).includes(id)).length;
  return hits / Math.min(relevant.length, k);
}

/** The id (metadata `id`) a question's `relevant` list names a triple by. */
export const idOf = (t: Triple): string => String(t[3]?.id);

/** The labeled question sets in eval/: tuning, held out, and four test sets written blind (the first three used in development since). */
export type QuestionSet =
  | 'questions.json'
  | 'questions-heldout.json'
  | 'questions-test.json'
  | 'questions-test2.json'
  | 'questions-test3.json'
  | 'questions-test4.json';

/** Every question set, in the order they were written. */
export const QUESTION_SETS: readonly QuestionSet[] = [
  'questions.json',
  'questions-heldout.json',
  'questions-test.json',
  'questions-test2.json',
  'questions-test3.json',
  'questions-test4.json',
];

/** The evaluation users' knowledge: stored as the library reads it, and parsed, per user. */
export interface EvalKnowledge {
  storage: InMemoryLongTermStorage;
  triples: Map<string, Triple[]>;
}

/** Puts every user's `eval/knowledge/{user}.jsonl` into a fresh in-memory storage. */
export async function loadEvalKnowledge(): Promise<EvalKnowledge> {
  const storage = new InMemoryLongTermStorage();
  const triples = new Map<string, Triple[]>();
  for (const file of await readdir(join(here, 'knowledge'))) {
    const user = file.replace(/\.jsonl$/, '');
    const bytes = await readFile(join(here, 'knowledge', file));
    await storage.putObject(knowledgeKey(user), bytes);
    triples.set(user, parseTriples(bytes));
  }
  return { storage, triples };
}

/** The questions of one set. */
export async function loadQuestions(set: QuestionSet): Promise<EvalQuestion[]> {
  return JSON.parse(await readFile(join(here, set), 'utf8')) as EvalQuestion[];
}

/**
 * Runs both retrieval methods over a labeled question set in eval/ (the tuning set by default)
 * and returns recall@k for each.
 */
export async function evaluate(options: { k?: number; questions?: QuestionSet } = {}): Promise<EvalReport> {
  const k = options.k ?? 5;
  const { storage, triples: all } = await loadEvalKnowledge();
  const triples = [...all.values()].reduce((n, list) => n + list.length, 0);
  const questions = await loadQuestions(options.questions ?? 'questions.json');
  const oursOutcomes: EvalOutcome[] = [];
  const substringOutcomes: EvalOutcome[] = [];
  for (const q of questions) {
    const ours = (await retrieveRelevantKnowledge(storage, q.user, q.question, { topK: k })).map(idOf);
    oursOutcomes.push({ question: q, retrieved: ours, recall: recallAtK(ours, q.relevant, k) });
    const sub = substringRetrieve(all.get(q.user) ?? [], q.question, k).map(idOf);
    substringOutcomes.push({ question: q, retrieved: sub, recall: recallAtK(sub, q.relevant, k) });
  }
  const mean = (o: EvalOutcome[]) => o.reduce((s, x) => s + x.recall, 0) / o.length;
  return {
    k,
    questions: questions.length,
    triples,
    ours: mean(oursOutcomes),
    substring: mean(substringOutcomes),
    oursOutcomes,
    substringOutcomes,
  };
}
