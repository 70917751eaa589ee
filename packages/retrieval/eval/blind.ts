import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InMemoryLongTermStorage, knowledgeKey } from '@memory/longterm-core';
import { parseTriples, type Triple } from '@memory/semantics';
import { createRetriever, substringRetrieve, tokenize, type Retriever } from '../src/index.js';
import { idOf, recallAtK } from './evaluate.js';

/** A question of a set with kinds and languages (eval/blind17). */
export interface LabeledQuestion {
  user: string;
  question: string;
  relevant: string[];
  /** shared (a content word in common with the answer), paraphrase, inference. */
  kind?: string;
  /** The question's language: zh, en, mixed. */
  lang?: string;
}

/** A folder holding `knowledge/{user}.jsonl` and `questions.json`. */
export interface EvalSet {
  storage: InMemoryLongTermStorage;
  triples: Map<string, Triple[]>;
  questions: LabeledQuestion[];
}

/** Loads an evaluation folder (default: eval/blind17). */
export async function loadEvalSet(dir = join(import.meta.dirname, 'blind17')): Promise<EvalSet> {
  const storage = new InMemoryLongTermStorage();
  const triples = new Map<string, Triple[]>();
  for (const file of await readdir(join(dir, 'knowledge'))) {
    const user = file.replace(/\.jsonl$/, '');
    const bytes = await readFile(join(dir, 'knowledge', file));
    await storage.putObject(knowledgeKey(user), bytes);
    triples.set(user, parseTriples(bytes));
  }
  const questions = JSON.parse(await readFile(join(dir, 'questions.json'), 'utf8')) as LabeledQuestion[];
  return { storage, triples, questions };
}

/**
 * Plain BM25 (k1 1.2, b 0.75) over the retrieval tokens of `"s p o"`: no expansion, no field
 * weights, no relations, no substring rule. The baseline the lexicon is measured against.
 */
export function plainBm25(triples: readonly Triple[], query: string, topK: number): Triple[] {
  const docs = triples.map((t) => tokenize(`${t[0]} ${t[1]} ${t[2]}`));
  const avg = docs.reduce((s, d) => s + d.length, 0) / Math.max(1, docs.length) || 1;
  const df = new Map<string, number>();
  for (const d of docs) for (const tok of new Set(d)) df.set(tok, (df.get(tok) ?? 0) + 1);
  const q = [...new Set(tokenize(query))];
  const n = docs.length;
  const scored = docs.map((d, i) => {
    let score = 0;
    for (const tok of q) {
      const f = df.get(tok);
      if (!f) continue;
      const tf = d.filter((x) => x === tok).length;
      if (tf === 0) continue;
      const idf = Math.log(1 + (n - f + 0.5) / (f + 0.5));
      score += (idf * tf * 2.2) / (tf + 1.2 * (1 - 0.75 + (0.75 * d.length) / avg));
    }
    return { i, score };
  });
  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, topK)
    .map((s) => triples[s.i]!);
}

/** Recall@k of one method, overall and by kind, language and kind × language. */
export interface Breakdown {
  overall: number;
  n: number;
  groups: Map<string, { recall: number; n: number }>;
}

export type Method = 'ours' | 'bm25' | 'substring';

/** Runs the three methods over a set; `retriever` is ours (default: the shipped data). */
export async function evaluateSet(
  set: EvalSet,
  options: { k?: number; retriever?: Retriever } = {},
): Promise<Record<Method, Breakdown> & { perQuestion: { q: LabeledQuestion; ours: number }[] }> {
  const k = options.k ?? 5;
  const retriever = options.retriever ?? createRetriever();
  const sums: Record<Method, Map<string, [number, number]>> = {
    ours: new Map(),
    bm25: new Map(),
    substring: new Map(),
  };
  const perQuestion: { q: LabeledQuestion; ours: number }[] = [];
  const add = (m: Method, key: string, r: number) => {
    const cur = sums[m].get(key) ?? [0, 0];
    sums[m].set(key, [cur[0] + r, cur[1] + 1]);
  };
  for (const q of set.questions) {
    const triples = set.triples.get(q.user) ?? [];
    const got: Record<Method, string[]> = {
      ours: (await retriever.retrieve(set.storage, q.user, q.question, { topK: k })).map(idOf),
      bm25: plainBm25(triples, q.question, k).map(idOf),
      substring: substringRetrieve(triples, q.question, k).map(idOf),
    };
    for (const m of Object.keys(got) as Method[]) {
      const r = recallAtK(got[m], q.relevant, k);
      if (m === 'ours') perQuestion.push({ q, ours: r });
      add(m, 'all', r);
      if (q.kind) add(m, `kind:${q.kind}`, r);
      if (q.lang) add(m, `lang:${q.lang}`, r);
      if (q.kind && q.lang) add(m, `${q.kind}×${q.lang}`, r);
    }
  }
  const out = {} as Record<Method, Breakdown>;
  for (const m of Object.keys(sums) as Method[]) {
    const groups = new Map<string, { recall: number; n: number }>();
    for (const [key, [s, n]] of sums[m]) groups.set(key, { recall: s / n, n });
    const all = groups.get('all') ?? { recall: 0, n: 0 };
    out[m] = { overall: all.recall, n: all.n, groups };
  }
  return { ...out, perQuestion };
}

/**
 * A Markdown table of the three methods by group; `extra` adds columns of other variants of
 * ours (such as ours with the CC-CEDICT bridge) after it.
 */
export function table(r: Record<Method, Breakdown>, extra: Record<string, Breakdown> = {}): string {
  const keys = [...r.ours.groups.keys()].sort((a, b) => (a === 'all' ? -1 : b === 'all' ? 1 : a.localeCompare(b)));
  const columns: [string, Breakdown][] = [
    ['ours', r.ours],
    ...Object.entries(extra),
    ['plain BM25', r.bm25],
    ['original (substring)', r.substring],
  ];
  const rows = keys.map(
    (key) =>
      `| ${key} | ${r.ours.groups.get(key)!.n} | ${columns.map(([, b]) => b.groups.get(key)!.recall.toFixed(3)).join(' | ')} |`,
  );
  return [
    `| group | questions | ${columns.map(([name]) => name).join(' | ')} |`,
    `|---|---:|${'---:|'.repeat(columns.length)}`,
    ...rows,
  ].join('\n');
}
