// Sweep of the GloVe sentence-similarity channel (@memory/retrieval-glove's vectors): each
// question's lexical ranking (all candidates) fused with the cosine between the question's and
// every triple's SIF-weighted average word vector, in several ways, on every seen set at once,
// with the shipped data alone and with both optional packages. Recall@5 per set and kind.
//   tsx --conditions=@memory/source eval/vectors-sweep.ts [variant]...
// MEMORY_EVAL_GLOVE_VECTORS: a vector file of another build (build-vectors.py with WORDS, OUT).
import { cedictBridge } from '@memory/retrieval-cedict';
import { englishWords, gloveRelated, gloveVectors, sentenceVector } from '@memory/retrieval-glove';
import type { Triple } from '@memory/semantics';
import { createRetriever, type RetrieverOptions, type ScoredTriple } from '../src/index.js';
import { asksAboutPast } from '../src/past-intent.js';
import { idOf, recallAtK } from './evaluate.js';
import { loadSeenSets, SEEN_BLIND } from './seen.js';

interface Variant {
  words?: number;
  sif?: number;
  text?: 'spo' | 'po';
  fusion: 'none' | 'fill' | 'z' | 'add' | 'rrf';
  w?: number;
  floor?: number;
  span?: number;
  c0?: number;
  /** only fuse when the lexical side has fewer than this many candidates */
  weakBelow?: number;
  /** remove the first principal component of the user's triple vectors (SIF's second step) */
  pc?: boolean;
  /** also weight a word by its inverse document frequency among the user's triples */
  idf?: boolean;
}

const V: Record<string, Variant> = {
  lexical: { fusion: 'none' },
  fill: { fusion: 'fill' },
  'z 0.5': { fusion: 'z', w: 0.5, floor: 1, span: 2 },
  'z 0.3': { fusion: 'z', w: 0.3, floor: 1, span: 2 },
  'z 1': { fusion: 'z', w: 1, floor: 1, span: 2 },
  'z 0.5 floor1.5': { fusion: 'z', w: 0.5, floor: 1.5, span: 2 },
  'add 0.3': { fusion: 'add', w: 0.3, c0: 0 },
  'add 0.5 c.3': { fusion: 'add', w: 0.5, c0: 0.3 },
  'rrf 1': { fusion: 'rrf', w: 1 },
  'rrf 0.5': { fusion: 'rrf', w: 0.5 },
  'z 0.5 po': { fusion: 'z', w: 0.5, floor: 1, span: 2, text: 'po' },
  'z 0.5 sif1e-4': { fusion: 'z', w: 0.5, floor: 1, span: 2, sif: 1e-4 },
  'z 0.5 sif1e-2': { fusion: 'z', w: 0.5, floor: 1, span: 2, sif: 1e-2 },
  'z 0.5 40k': { fusion: 'z', w: 0.5, floor: 1, span: 2, words: 40_000 },
  'z 0.5 weak<5': { fusion: 'z', w: 0.5, floor: 1, span: 2, weakBelow: 5 },
  'z .5 f1.5 sif1e-4': { fusion: 'z', w: 0.5, floor: 1.5, span: 2, sif: 1e-4 },
  'z .3 f1.5 sif1e-4': { fusion: 'z', w: 0.3, floor: 1.5, span: 2, sif: 1e-4 },
  'z .5 f1.5 sif3e-4': { fusion: 'z', w: 0.5, floor: 1.5, span: 2, sif: 3e-4 },
  'z .5 f1.5 sif3e-5': { fusion: 'z', w: 0.5, floor: 1.5, span: 2, sif: 3e-5 },
  'z .5 f2 sif1e-4': { fusion: 'z', w: 0.5, floor: 2, span: 2, sif: 1e-4 },
  'z .5 f1.25 sif1e-4': { fusion: 'z', w: 0.5, floor: 1.25, span: 2, sif: 1e-4 },
  'z .7 f1.5 sif1e-4': { fusion: 'z', w: 0.7, floor: 1.5, span: 2, sif: 1e-4 },
  'z .5 f1.5 sif1e-4 100k': { fusion: 'z', w: 0.5, floor: 1.5, span: 2, sif: 1e-4, words: 100_000 },
  'z .5 f1.5 sif1e-4 60k': { fusion: 'z', w: 0.5, floor: 1.5, span: 2, sif: 1e-4, words: 60_000 },
  'B pc': { fusion: 'z', w: 0.5, floor: 1.5, span: 2, sif: 1e-4, words: 100_000, pc: true },
  'B idf': { fusion: 'z', w: 0.5, floor: 1.5, span: 2, sif: 1e-4, words: 100_000, idf: true },
  'B idf pc': { fusion: 'z', w: 0.5, floor: 1.5, span: 2, sif: 1e-4, words: 100_000, idf: true, pc: true },
  'B idf sif1e-3': { fusion: 'z', w: 0.5, floor: 1.5, span: 2, sif: 1e-3, words: 100_000, idf: true },
  'B idf pc f2': { fusion: 'z', w: 0.5, floor: 2, span: 2, sif: 1e-4, words: 100_000, idf: true, pc: true },
  'B idf pc w.3': { fusion: 'z', w: 0.3, floor: 1.5, span: 2, sif: 1e-4, words: 100_000, idf: true, pc: true },
  'B idf pc sif1e-3': { fusion: 'z', w: 0.5, floor: 1.5, span: 2, sif: 1e-3, words: 100_000, idf: true, pc: true },
  'B idf pc 60k': { fusion: 'z', w: 0.5, floor: 1.5, span: 2, sif: 1e-4, words: 60_000, idf: true, pc: true },
  'z .5 f1.5 sif1e-4 150k': { fusion: 'z', w: 0.5, floor: 1.5, span: 2, sif: 1e-4, words: 150_000 },
};

const file = process.env.MEMORY_EVAL_GLOVE_VECTORS;
const all = gloveVectors(file ? { file } : {});
const vectorsFor = new Map<number, ReturnType<typeof gloveVectors>>();
const vectors = (words = Infinity) => {
  if (words >= all.size) return all;
  if (!vectorsFor.has(words)) vectorsFor.set(words, gloveVectors({ ...(file ? { file } : {}), words }));
  return vectorsFor.get(words)!;
};

function weightedVector(vec: ReturnType<typeof gloveVectors>, words: string[], sif: number, idf?: Map<string, number>, n = 0) {
  if (!idf) return sentenceVector(vec, words, sif);
  const out = new Float32Array(vec.dimensions);
  let any = false;
  for (const word of words) {
    const r = vec.rank(word);
    if (r < 0) continue;
    const w = ((r + 1) / (r + 1 + 0.1 / sif)) * Math.log((n + 1) / ((idf.get(word) ?? 0) + 0.5));
    if (w <= 0) continue;
    vec.addTo(out, r, w);
    any = true;
  }
  if (!any) return undefined;
  const norm = Math.hypot(...out);
  return norm > 0 ? out.map((x) => x / norm) : undefined;
}

function removePc(vs: (Float32Array | undefined)[]): Float32Array | undefined {
  const known = vs.filter((v): v is Float32Array => v !== undefined);
  if (known.length < 3) return undefined;
  let u = new Float32Array(known[0]!.length).fill(1);
  for (let it = 0; it < 30; it++) {
    const next = new Float32Array(u.length);
    for (const v of known) {
      const p = dot(v, u);
      for (let i = 0; i < u.length; i++) next[i]! += p * v[i]!;
    }
    const norm = Math.hypot(...next);
    u = next.map((x) => x / norm);
  }
  return u;
}

const project = (v: Float32Array | undefined, u: Float32Array | undefined) => {
  if (!v || !u) return v;
  const p = dot(v, u);
  const out = v.map((x, i) => x - p * u[i]!);
  const norm = Math.hypot(...out);
  return norm > 0 ? out.map((x) => x / norm) : undefined;
};

const dot = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

function fuse(lexical: ScoredTriple[], triples: readonly Triple[], cos: (number | undefined)[], v: Variant, past: boolean): number[] {
  const byPos = new Map<number, { ended: boolean; exact: boolean; score: number }>();
  const best = lexical.reduce((m, r) => Math.max(m, r.score), 0);
  lexical.forEach((r, i) =>
    byPos.set(r.position, {
      ended: r.ended,
      exact: r.exact,
      score: v.fusion === 'rrf' ? 1 / (60 + i) : best > 0 ? r.score / best : 0,
    }),
  );
  const use = v.fusion !== 'none' && (v.weakBelow === undefined || lexical.length < v.weakBelow);
  const known = cos.filter((c): c is number => c !== undefined);
  const mean = known.reduce((s, c) => s + c, 0) / Math.max(1, known.length);
  const sd = Math.sqrt(known.reduce((s, c) => s + (c - mean) ** 2, 0) / Math.max(1, known.length));
  const denseOrder = [...cos.keys()].filter((i) => cos[i] !== undefined).sort((a, b) => cos[b]! - cos[a]! || a - b);
  const rest: number[] = [];
  if (use && v.fusion !== 'fill') {
    denseOrder.forEach((pos, rank) => {
      const c = cos[pos]!;
      let boost = 0;
      if (v.fusion === 'z') {
        const z = sd > 0 ? (c - mean) / sd : 0;
        boost = v.w! * Math.min(1, Math.max(0, (z - v.floor!) / v.span!));
      } else if (v.fusion === 'add') boost = v.w! * Math.max(0, c - v.c0!);
      else if (v.fusion === 'rrf') boost = v.w! / (60 + rank);
      const seen = byPos.get(pos);
      if (seen) seen.score += boost;
      else if (boost > 0) byPos.set(pos, { ended: typeof triples[pos]![3]?.endTime === 'string', exact: false, score: boost });
      else rest.push(pos);
    });
  } else if (use) {
    for (const pos of denseOrder) if (!byPos.has(pos)) rest.push(pos);
  }
  const ranked = [...byPos.entries()]
    .sort(
      ([pa, a], [pb, b]) =>
        (past ? 0 : Number(a.ended) - Number(b.ended)) ||
        Number(b.exact) - Number(a.exact) ||
        (a.exact && b.exact ? pa - pb : b.score - a.score || pa - pb),
    )
    .map(([p]) => p);
  return [...ranked, ...rest].slice(0, 5);
}

const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(V);
const sets = await loadSeenSets();
const bridge = cedictBridge();
const related = gloveRelated();
const cols = ['dev', ...SEEN_BLIND.flatMap((b) => [b, `${b} sh`, `${b} para`, `${b} inf`, `${b} para en`]), 'blind all', 'b sh', 'b para', 'b inf'];
process.stdout.write(`| variant | ${cols.join(' | ')} |\n|---|${'---:|'.repeat(cols.length)}\n`);
for (const [suffix, options] of [
  ['', {}],
  [' + both', { bridge, related }],
] as [string, RetrieverOptions][]) {
  const retriever = createRetriever(options);
  const base: Record<string, number> = {};
  for (const name of names) {
    const v = V[name]!;
    const vec = vectors(v.words);
    const sums = new Map<string, [number, number]>();
    const add = (k: string, r: number) => {
      const c = sums.get(k) ?? [0, 0];
      sums.set(k, [c[0] + r, c[1] + 1]);
    };
    const per: number[] = [];
    for (const [setName, set] of sets) {
      const tripleVecs = new Map<string, (Float32Array | undefined)[]>();
      const dfs = new Map<string, Map<string, number> | undefined>();
      const pcs = new Map<string, Float32Array | undefined>();
      for (const q of set.questions) {
        const index = await retriever.load(set.storage, q.user);
        const triples = index.triples;
        if (!tripleVecs.has(q.user)) {
          const texts = triples.map((t) => englishWords(v.text === 'po' ? `${t[1]} ${t[2]}` : `${t[0]} ${t[1]} ${t[2]}`));
          let df: Map<string, number> | undefined;
          if (v.idf) {
            df = new Map();
            for (const ws of texts) for (const w of new Set(ws)) df.set(w, (df.get(w) ?? 0) + 1);
          }
          dfs.set(q.user, df);
          let tvs = texts.map((ws) => weightedVector(vec, ws, v.sif ?? 1e-3, df, triples.length));
          const u = v.pc ? removePc(tvs) : undefined;
          pcs.set(q.user, u);
          if (u) tvs = tvs.map((t) => project(t, u));
          tripleVecs.set(q.user, tvs);
        }
        const tv = tripleVecs.get(q.user)!;
        const qv = project(weightedVector(vec, englishWords(q.question), v.sif ?? 1e-3, dfs.get(q.user), triples.length), pcs.get(q.user));
        const cos = tv.map((t) => (qv && t ? dot(qv, t) : undefined));
        const lexical = index.search(q.question, triples.length);
        const top = fuse(lexical, triples, cos, v, asksAboutPast(q.question)).map((p) => idOf(triples[p]!));
        const r = recallAtK(top, q.relevant, 5);
        per.push(r);
        const blind = setName.startsWith('blind');
        add(blind ? setName : 'dev', r);
        if (blind) {
          add('blind all', r);
          add(`${setName} ${{ shared: 'sh', paraphrase: 'para', inference: 'inf' }[q.kind!]}`, r);
          add(`b ${{ shared: 'sh', paraphrase: 'para', inference: 'inf' }[q.kind!]}`, r);
          if (q.kind === 'paraphrase' && q.lang === 'en') add(`${setName} para en`, r);
        }
      }
    }
    let gained = 0;
    let lost = 0;
    if (name === names[0]) per.forEach((r, i) => (base[i] = r));
    else per.forEach((r, i) => (r > base[i]! + 1e-9 ? gained++ : r < base[i]! - 1e-9 ? lost++ : 0));
    const cell = (k: string) => (sums.has(k) ? (sums.get(k)![0] / sums.get(k)![1]).toFixed(3) : '-');
    process.stdout.write(`| ${name}${suffix} (+${gained}/−${lost}) | ${cols.map(cell).join(' | ')} |\n`);
  }
}
