// Recall@5 on a labeled folder (knowledge/{user}.jsonl + questions.json, as eval/blind17), by
// kind and language (Markdown): ours with the shipped data, ours with the optional CC-CEDICT
// bridge (@memory/retrieval-cedict), with the optional GloVe related words
// (@memory/retrieval-glove), with both, with the GloVe sentence-similarity channel
// (`gloveSimilarity()` of @memory/retrieval-glove) alone and with every optional resource, plain
// BM25 over the same tokens, and the original (substring). Default folder: eval/blind17. For a new blind set, run it once:
//   pnpm --filter @memory/retrieval exec tsx --conditions=@memory/source eval/blind-report.ts eval/blind18
import { resolve } from 'node:path';
import { cedictBridge } from '@memory/retrieval-cedict';
import { gloveRelated, gloveSimilarity } from '@memory/retrieval-glove';
import { createRetriever } from '../src/index.js';
import { evaluateSet, loadEvalSet, table } from './blind.js';

const dir = process.argv[2];
const set = await loadEvalSet(dir === undefined ? undefined : resolve(dir));
const triples = [...set.triples.values()].reduce((n, l) => n + l.length, 0);
const r = await evaluateSet(set);
const bridge = cedictBridge();
const related = gloveRelated();
const bridged = await evaluateSet(set, { retriever: createRetriever({ bridge }) });
const withRelated = await evaluateSet(set, { retriever: createRetriever({ related }) });
const both = await evaluateSet(set, { retriever: createRetriever({ bridge, related }) });
const similarity = gloveSimilarity();
const vectors = await evaluateSet(set, { retriever: createRetriever({ similarity }) });
const all = await evaluateSet(set, { retriever: createRetriever({ bridge, related, similarity }) });
process.stdout.write(
  `${dir ?? 'eval/blind17'}: ${set.questions.length} questions, ${triples} triples, ${set.triples.size} users\n\n` +
    `${table(r, {
      'ours + CC-CEDICT': bridged.ours,
      'ours + GloVe': withRelated.ours,
      'ours + both': both.ours,
      'ours + GloVe vectors': vectors.ours,
      'ours + all optional': all.ours,
    })}\n`,
);
