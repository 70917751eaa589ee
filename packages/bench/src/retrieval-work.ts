/**
 * A fixed retrieval workload for counting CPU instructions, a figure that does not depend on
 * how loaded the machine is (`pnpm bench semantics-retrieval` measures time):
 * index 50,000 triples (the benchmark's data) once, then answer its 16 questions 5 times.
 * `node retrieval-work.js startup` does everything but the work, for the constant to subtract;
 * `index` builds the index and answers nothing, so the questions' share is the difference.
 * Bundle it and run it under callgrind (README of @memory/retrieval, "Benchmark"):
 *   pnpm exec esbuild src/retrieval-work.ts --bundle --platform=node --format=esm \
 *     --conditions=@memory/source --outfile=/tmp/retrieval-work.mjs
 *   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out node /tmp/retrieval-work.mjs
 */
import { createRetriever } from '@memory/retrieval';
import { QUERIES, makeTriples } from './semantics-retrieval.js';

const triples = makeTriples(50_000);
const retriever = createRetriever();
if (process.argv[2] !== 'startup') {
  const index = retriever.index(triples);
  let found = 0;
  const rounds = process.argv[2] === 'index' ? 0 : 5;
  for (let round = 0; round < rounds; round++) for (const q of QUERIES) found += index.search(q, 5).length;
  process.stdout.write(`${found} results\n`);
}
