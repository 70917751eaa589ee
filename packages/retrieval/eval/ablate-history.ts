// Re-examines vocabulary added by past commits: for each commit, the words it added to the
// lexicon / thesaurus (and its tools file when it created one) are removed from today's data,
// and recall@5 is compared on the blind set and on the development sets. The old sources are
// read from /tmp/r17/old/<commit>[^]/ (written with `git show <commit>:packages/semantics/src/…`).
//   tsx --conditions=@memory/source eval/ablate-history.ts 553e618 ead2f79 …
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRetriever, defaultRetrieverData, type RetrieverData } from '../src/index.js';
import { evaluateSet, loadEvalSet } from './blind.js';

const OLD = '/tmp/r17/old';

interface Words {
  /** Words of the lexicon and its categories. */
  lex: Set<string>;
  /** Words of the concept groups, question and narrower patterns. */
  th: Set<string>;
}

async function wordsOf(version: string): Promise<Words> {
  const words = new Set<string>();
  const th0 = new Set<string>();
  const lex = join(OLD, version, 'lexicon.ts');
  if (existsSync(lex)) {
    const m = (await import(lex)) as { LEXICON: string; CATEGORIES: string };
    for (const text of [m.LEXICON, m.CATEGORIES])
      for (const w of text.split(/[\s>]+/)) if (w && !w.startsWith('#')) words.add(w.replaceAll('_', ' '));
  }
  const th = join(OLD, version, 'thesaurus.ts');
  if (existsSync(th)) {
    const m = (await import(th)) as {
      CONCEPT_GROUPS: string[][];
      QUESTION_CONCEPTS?: [RegExp, string[]][];
      NARROWER_CONCEPTS?: [RegExp, string[]][];
    };
    for (const g of m.CONCEPT_GROUPS) for (const w of g) th0.add(w);
    for (const [, g] of [...(m.QUESTION_CONCEPTS ?? []), ...(m.NARROWER_CONCEPTS ?? [])]) for (const w of g) th0.add(w);
  }
  return { lex: words, th: th0 };
}

/** The words a commit added, per resource (lexicon words only from the lexicon, and so on). */
async function addedBy(commit: string): Promise<Words> {
  const after = await wordsOf(commit);
  const before = await wordsOf(`${commit}^`);
  return {
    lex: new Set([...after.lex].filter((w) => !before.lex.has(w))),
    th: new Set([...after.th].filter((w) => !before.th.has(w))),
  };
}

/** Today's data without the given words (a line left with one term is dropped). */
function without(data: Record<keyof RetrieverData, string>, words: Words, dropTools: boolean) {
  const synonymText = (text: string, drop: Set<string>) =>
    text
      .split('\n')
      .map((line) => {
        if (line.startsWith('#') || !line.trim()) return line;
        const kept = line
          .split(',')
          .map((w) => w.trim())
          .filter((w) => !drop.has(w));
        return kept.length >= 2 ? kept.join(', ') : '';
      })
      .join('\n');
  const narrowerText = (text: string, sep: string, drop: Set<string>) =>
    text
      .split('\n')
      .map((line) => {
        const at = line.lastIndexOf(sep);
        if (line.startsWith('#') || at < 0) return line;
        const head = line.slice(0, at);
        const kept = line
          .slice(at + sep.length)
          .split(',')
          .map((w) => w.trim())
          .filter((w) => !drop.has(w));
        if (sep === ' > ' && drop.has(head.trim())) return '';
        return kept.length > 0 ? `${head}${sep}${kept.join(', ')}` : '';
      })
      .join('\n');
  return {
    ...data,
    synonyms: synonymText(data.synonyms, words.lex),
    people: synonymText(data.people, words.lex),
    concepts: synonymText(data.concepts, words.th),
    categories: narrowerText(data.categories, ' > ', words.lex),
    questions: narrowerText(data.questions, ' => ', words.th),
    narrower: narrowerText(data.narrower, ' => ', words.th),
    tools: dropTools ? '' : data.tools,
  };
}

const blind = await loadEvalSet();
const dev = await loadEvalSet(join(import.meta.dirname)); // tuning set
const base = defaultRetrieverData();
const score = async (data: Partial<RetrieverData>) => {
  const retriever = createRetriever(data);
  const b = await evaluateSet(blind, { retriever });
  const d = await evaluateSet(dev, { retriever });
  const g = (k: string) => b.ours.groups.get(k)?.recall.toFixed(3);
  return `blind ${b.ours.overall.toFixed(3)} (shared ${g('kind:shared')}, paraphrase ${g('kind:paraphrase')}, inference ${g('kind:inference')}); tuning set ${d.ours.overall.toFixed(3)}`;
};
const args = process.argv.slice(2);
if (args[0] === '--drop') {
  // --drop c1 c2 …: today's data without the words all those commits added (tools kept), written
  // to data/ with --write.
  const commits = args.slice(1).filter((a) => a !== '--write');
  const drop: Words = { lex: new Set(), th: new Set() };
  for (const c of commits) {
    const a = await addedBy(c);
    for (const w of a.lex) drop.lex.add(w);
    for (const w of a.th) drop.th.add(w);
  }
  const data = without(base, drop, false);
  process.stdout.write(
    `today: ${await score({})}\nwithout ${commits.join(' ')} (${drop.lex.size} lexicon + ${drop.th.size} thesaurus words): ${await score(data)}\n`,
  );
  if (args.includes('--write')) {
    const { writeFileSync } = await import('node:fs');
    const files: Partial<Record<keyof RetrieverData, string>> = {
      synonyms: 'synonyms/lexicon.txt',
      people: 'synonyms/people.txt',
      concepts: 'synonyms/concepts.txt',
      categories: 'categories.txt',
      questions: 'questions.txt',
      narrower: 'narrower.txt',
    };
    for (const [field, file] of Object.entries(files))
      writeFileSync(
        join(import.meta.dirname, '..', 'data', file),
        data[field as keyof RetrieverData].replace(/\n{3,}/g, '\n\n'),
      );
  }
  process.exit(0);
}
process.stdout.write(`today: ${await score({})}\n`);
for (const commit of args) {
  const added = await addedBy(commit);
  const createdTools =
    existsSync(join(OLD, commit, 'tool-kinds.ts')) && !existsSync(join(OLD, `${commit}^`, 'tool-kinds.ts'));
  process.stdout.write(
    `without ${commit} (${added.lex.size} lexicon + ${added.th.size} thesaurus words${createdTools ? ' + tools file' : ''}): ${await score(without(base, added, createdTools))}\n`,
  );
  if (createdTools)
    process.stdout.write(`  without ${commit} words only: ${await score(without(base, added, false))}\n`);
  if (createdTools) process.stdout.write(`  without ${commit} tools only: ${await score({ tools: '' })}\n`);
}
