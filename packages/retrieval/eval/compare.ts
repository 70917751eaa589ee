// Recall@5 of retriever variants on every development set (each), on eval/blind17 (by kind and
// language) and on eval/blind18 (by kind, and paraphrases by language), one row per variant: how
// a general change was judged (README: "After blind17", "After blind18").
//   tsx --conditions=@memory/source eval/compare.ts [variant]...
import { join } from 'node:path';
import { cedictBridge } from '@memory/retrieval-cedict';
import { gloveRelated } from '@memory/retrieval-glove';
import { createRetriever, type Retriever, type RetrieverOptions } from '../src/index.js';
import { evaluateSet, loadEvalSet, type EvalSet, type LabeledQuestion } from './blind.js';
import { loadQuestions, QUESTION_SETS } from './evaluate.js';

export type Variants = Record<string, () => RetrieverOptions | Promise<RetrieverOptions>>;

/** Recall@5 per development set, on blind17 (all, by kind and language) and blind18 of one retriever. */
export async function compareRow(retriever: Retriever, sets: { dev: EvalSet[]; blind: EvalSet; blind18: EvalSet }) {
  const cells: string[] = [];
  let devSum = 0;
  let devN = 0;
  for (const set of sets.dev) {
    const r = await evaluateSet(set, { retriever });
    cells.push(r.ours.overall.toFixed(3));
    devSum += r.ours.overall * r.ours.n;
    devN += r.ours.n;
  }
  const b = await evaluateSet(sets.blind, { retriever });
  const g = (k: string) => b.ours.groups.get(k)!.recall.toFixed(3);
  const b18 = await evaluateSet(sets.blind18, { retriever });
  const g18 = (k: string) => b18.ours.groups.get(k)!.recall.toFixed(3);
  return {
    cells: [
      ...cells,
      (devSum / devN).toFixed(3),
      b.ours.overall.toFixed(3),
      g('kind:shared'),
      g('kind:paraphrase'),
      g('kind:inference'),
      g('lang:zh'),
      g('lang:en'),
      g('lang:mixed'),
      b18.ours.overall.toFixed(3),
      g18('kind:shared'),
      g18('kind:paraphrase'),
      g18('kind:inference'),
      g18('paraphrase×en'),
      g18('paraphrase×zh'),
    ],
    blind: b,
  };
}

/** The development sets (eval/knowledge with each question file), blind17 and blind18. */
export async function loadAllSets(): Promise<{ dev: EvalSet[]; blind: EvalSet; blind18: EvalSet }> {
  const base = await loadEvalSet(import.meta.dirname);
  const dev: EvalSet[] = [];
  for (const file of QUESTION_SETS) dev.push({ ...base, questions: (await loadQuestions(file)) as LabeledQuestion[] });
  return {
    dev,
    blind: await loadEvalSet(join(import.meta.dirname, 'blind17')),
    blind18: await loadEvalSet(join(import.meta.dirname, 'blind18')),
  };
}

export const HEADER =
  '| variant | tuning | held-out | test | test2 | test3 | test4 | dev all | blind17 | shared | paraphrase | inference | zh | en | mixed | blind18 | shared | paraphrase | inference | paraphrase en | paraphrase zh |\n|---|' +
  '---:|'.repeat(20);

export async function compare(variants: Variants, names: string[]): Promise<void> {
  const sets = await loadAllSets();
  process.stdout.write(`${HEADER}\n`);
  for (const name of names) {
    const make = variants[name];
    if (!make) throw new Error(`unknown variant ${name}: ${Object.keys(variants).join(', ')}`);
    const row = await compareRow(createRetriever(await make()), sets);
    process.stdout.write(`| ${name} | ${row.cells.join(' | ')} |\n`);
  }
}

if (import.meta.main) {
  const variants: Variants = {
    shipped: () => ({}),
    cedict: () => ({ bridge: cedictBridge() }),
    glove: () => ({ related: gloveRelated() }),
    'cedict+glove': () => ({ bridge: cedictBridge(), related: gloveRelated() }),
  };
  await compare(variants, process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(variants));
}
