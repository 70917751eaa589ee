import { createMemoryDb } from '@memory/db';
import { retrieveRelevantKnowledge } from '@memory/retrieval';
import type { Triple } from '@memory/semantics';
import type { EmbeddingProvider } from '@memory/embeddings';
import { createKnowledgeIndex } from '../src/index.js';
import {
  QUESTION_SETS,
  idOf,
  loadEvalKnowledge,
  loadQuestions,
  recallAtK,
  type EvalQuestion,
  type QuestionSet,
} from '../../retrieval/eval/evaluate.js';

/** The script a text is written in: Chinese characters only, Latin letters only, or both. */
export type Script = 'zh' | 'en' | 'mixed';

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;

/**
 * The script of a question: `mixed` when it has both Chinese characters and Latin letters
 * ("他平时用什么IDE"), else whichever it has (digits and punctuation count for neither).
 */
export function questionScript(text: string): Script {
  const han = HAN.test(text);
  const latin = LATIN.test(text);
  return han && latin ? 'mixed' : han ? 'zh' : 'en';
}

/**
 * The script of a user's knowledge: `zh` when at least 80% of the triples contain Chinese
 * characters, `en` when at most 20% do, else `mixed` (English predicates over Chinese objects,
 * or two languages side by side).
 */
export function knowledgeScript(triples: readonly Triple[]): Script {
  const han = triples.filter((t) => HAN.test(`${t[0]} ${t[1]} ${t[2]}`)).length / Math.max(1, triples.length);
  return han >= 0.8 ? 'zh' : han <= 0.2 ? 'en' : 'mixed';
}

/** Recall@k of both paths over a group of questions. */
export interface HybridEvalGroup {
  questions: number;
  lexical: number;
  hybrid: number;
}

/** One question: what each path returned and its recall. */
export interface HybridEvalOutcome {
  question: EvalQuestion;
  questionScript: Script;
  knowledgeScript: Script;
  lexical: { retrieved: string[]; recall: number };
  hybrid: { retrieved: string[]; recall: number };
}

/** Recall of both paths over some questions, in total and split by the script of the question and of the user's knowledge. */
export interface HybridEvalSummary {
  all: HybridEvalGroup;
  /** Keyed by the question's script. */
  byQuestionScript: Partial<Record<Script, HybridEvalGroup>>;
  /** Keyed by `"{question script}/{knowledge script}"`, e.g. `en/en`: English questions over English triples. */
  byScriptPair: Record<string, HybridEvalGroup>;
}

/** One question set: its summary and every question's outcome. */
export interface HybridEvalSetReport extends HybridEvalSummary {
  set: QuestionSet;
  outcomes: HybridEvalOutcome[];
}

/** Options of {@link evaluateHybrid}. */
export interface HybridEvalOptions {
  /** Embeds the triples and the questions. */
  provider: EmbeddingProvider;
  /** The question sets (default all, in order). */
  sets?: readonly QuestionSet[];
  /** Default 5. */
  k?: number;
  /** Called after the knowledge of each user is embedded and indexed (embedding is the slow part). */
  onIndexed?: (user: string, triples: number) => void;
}

/** The recall of the lexical and the hybrid path over some outcomes. */
function group(outcomes: readonly HybridEvalOutcome[]): HybridEvalGroup {
  const mean = (pick: (o: HybridEvalOutcome) => number) => outcomes.reduce((s, o) => s + pick(o), 0) / outcomes.length;
  return { questions: outcomes.length, lexical: mean((o) => o.lexical.recall), hybrid: mean((o) => o.hybrid.recall) };
}

function groupBy(
  outcomes: readonly HybridEvalOutcome[],
  key: (o: HybridEvalOutcome) => string,
): Record<string, HybridEvalGroup> {
  const groups = new Map<string, HybridEvalOutcome[]>();
  for (const o of outcomes) groups.set(key(o), [...(groups.get(key(o)) ?? []), o]);
  return Object.fromEntries([...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, list]) => [k, group(list)]));
}

/** Summarizes outcomes, of one set or pooled over several. */
export function summarizeHybridEval(outcomes: readonly HybridEvalOutcome[]): HybridEvalSummary {
  return {
    all: group(outcomes),
    byQuestionScript: groupBy(outcomes, (o) => o.questionScript),
    byScriptPair: groupBy(outcomes, (o) => `${o.questionScript}/${o.knowledgeScript}`),
  };
}

/**
 * Recall@k of the lexical path (`retrieveRelevantKnowledge` alone) and of the hybrid path (the
 * same call with a `knowledgeIndex`: BM25 fused with vector similarity) on each question set.
 * The knowledge index lives in an in-memory PGlite database created for the run and closed
 * after it, so no server is needed; every user's triples are embedded once, with `provider`.
 *
 * @example
 * ```ts
 * const reports = await evaluateHybrid({ provider: createHashingEmbedder(), sets: ['questions-test4.json'] });
 * console.log(reports[0]!.all); // { questions: 211, lexical: 0.864, hybrid: … }
 * ```
 */
export async function evaluateHybrid(options: HybridEvalOptions): Promise<HybridEvalSetReport[]> {
  const k = options.k ?? 5;
  const { storage, triples } = await loadEvalKnowledge();
  const scripts = new Map([...triples].map(([user, list]) => [user, knowledgeScript(list)]));
  const db = createMemoryDb({ url: 'pglite://memory', embeddingDimensions: options.provider.dimensions });
  try {
    const knowledgeIndex = createKnowledgeIndex({ db, provider: options.provider });
    for (const [user, list] of triples) {
      await knowledgeIndex.sync(user, list);
      options.onIndexed?.(user, list.length);
    }
    const reports: HybridEvalSetReport[] = [];
    for (const set of options.sets ?? QUESTION_SETS) {
      const outcomes: HybridEvalOutcome[] = [];
      for (const question of await loadQuestions(set)) {
        const lexical = (await retrieveRelevantKnowledge(storage, question.user, question.question, { topK: k })).map(
          idOf,
        );
        const hybrid = (
          await retrieveRelevantKnowledge(storage, question.user, question.question, { topK: k, knowledgeIndex })
        ).map(idOf);
        outcomes.push({
          question,
          questionScript: questionScript(question.question),
          knowledgeScript: scripts.get(question.user) ?? 'mixed',
          lexical: { retrieved: lexical, recall: recallAtK(lexical, question.relevant, k) },
          hybrid: { retrieved: hybrid, recall: recallAtK(hybrid, question.relevant, k) },
        });
      }
      reports.push({ set, ...summarizeHybridEval(outcomes), outcomes });
    }
    return reports;
  } finally {
    await db.close();
  }
}
