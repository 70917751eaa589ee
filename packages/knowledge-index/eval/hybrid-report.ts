// Prints recall@5 of the lexical and the hybrid path side by side (a Markdown table), per
// question set and per script of the question (and of the user's triples), with the knowledge
// index in an in-memory PGlite. The embedding provider comes from the environment:
//   MEMORY_EVAL_EMBEDDINGS_URL=https://api.openai.com/v1 MEMORY_EVAL_EMBEDDINGS_MODEL=text-embedding-3-small \
//   MEMORY_EVAL_EMBEDDINGS_API_KEY=sk-... MEMORY_EVAL_EMBEDDINGS_DIMENSIONS=1536 \
//   tsx --conditions=@memory/source eval/hybrid-report.ts [questions-test4.json ...]
// or, offline, the lexical hashing embedder (a smoke run, not a measurement of meaning):
//   tsx --conditions=@memory/source eval/hybrid-report.ts --provider hashing
import { ConfigurationError } from '@memory/errors';
import { createOpenAICompatibleEmbeddingProvider, type EmbeddingProvider } from '@memory/embeddings';
import { createHashingEmbedder } from '../src/index.js';
import { QUESTION_SETS, type QuestionSet } from '../../retrieval/eval/evaluate.js';
import {
  evaluateHybrid,
  summarizeHybridEval,
  type HybridEvalGroup,
  type HybridEvalSummary,
  type Script,
} from './evaluate-hybrid.js';

const USAGE = `Hybrid evaluation: recall@5 of lexical vs hybrid (BM25 + vectors) retrieval on eval/ question sets.
Set an OpenAI-compatible embeddings endpoint (OpenAI, DashScope compatible mode, Ollama, vLLM...):
  MEMORY_EVAL_EMBEDDINGS_URL         API base without /embeddings, e.g. https://api.openai.com/v1, http://localhost:11434/v1
  MEMORY_EVAL_EMBEDDINGS_MODEL       e.g. text-embedding-3-small, text-embedding-v4, bge-m3
  MEMORY_EVAL_EMBEDDINGS_DIMENSIONS  the vector length, e.g. 1536
  MEMORY_EVAL_EMBEDDINGS_API_KEY     optional (not for Ollama)
  MEMORY_EVAL_EMBEDDINGS_BATCH_SIZE  optional, texts per request (default 64; DashScope: 10)
  MEMORY_EVAL_EMBEDDINGS_SEND_DIMENSIONS=false  for models that refuse the dimensions parameter
then: pnpm --filter @memory/knowledge-index exec tsx --conditions=@memory/source eval/hybrid-report.ts [question sets...]
Offline smoke run with the lexical hashing embedder: add --provider hashing
`;

const env = process.env;

/** A positive integer from an environment variable, or a ConfigurationError naming it. */
function positiveInteger(name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(
      `[memory/knowledge-index eval] ${name} must be a positive integer, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/** The provider the arguments and environment ask for; undefined when nothing is configured. */
function providerFromArgs(name: string | undefined): EmbeddingProvider | undefined {
  if (name === 'hashing') return createHashingEmbedder();
  if (name !== undefined && name !== 'openai-compatible') {
    throw new ConfigurationError(
      `[memory/knowledge-index eval] unknown --provider ${JSON.stringify(name)}: use openai-compatible (the default, from MEMORY_EVAL_EMBEDDINGS_*) or hashing`,
    );
  }
  const baseURL = env.MEMORY_EVAL_EMBEDDINGS_URL;
  if (!baseURL) return undefined;
  const model = env.MEMORY_EVAL_EMBEDDINGS_MODEL;
  const dimensions = positiveInteger('MEMORY_EVAL_EMBEDDINGS_DIMENSIONS');
  if (!model || dimensions === undefined) {
    throw new ConfigurationError(
      '[memory/knowledge-index eval] MEMORY_EVAL_EMBEDDINGS_URL is set: set MEMORY_EVAL_EMBEDDINGS_MODEL and MEMORY_EVAL_EMBEDDINGS_DIMENSIONS too',
    );
  }
  return createOpenAICompatibleEmbeddingProvider({
    baseURL,
    model,
    dimensions,
    apiKey: env.MEMORY_EVAL_EMBEDDINGS_API_KEY || undefined,
    batchSize: positiveInteger('MEMORY_EVAL_EMBEDDINGS_BATCH_SIZE'),
    sendDimensions: env.MEMORY_EVAL_EMBEDDINGS_SEND_DIMENSIONS !== 'false',
  });
}

const args = process.argv.slice(2);
const providerFlag = args.indexOf('--provider');
const provider = providerFromArgs(providerFlag >= 0 ? args[providerFlag + 1] : undefined);
if (!provider) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const named = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--provider');
const unknown = named.filter((a) => !(QUESTION_SETS as readonly string[]).includes(a));
if (unknown.length > 0) {
  throw new ConfigurationError(
    `[memory/knowledge-index eval] unknown question set ${unknown.join(', ')}: use ${QUESTION_SETS.join(', ')}`,
  );
}
const sets = named.length > 0 ? (named as QuestionSet[]) : QUESTION_SETS;

const started = Date.now();
const reports = await evaluateHybrid({
  provider,
  sets,
  onIndexed: (user, triples) =>
    process.stderr.write(`indexed ${user}: ${triples} triples (${((Date.now() - started) / 1000).toFixed(1)} s)\n`),
});

const LANGUAGE: Record<Script, string> = { zh: 'Chinese', en: 'English', mixed: 'mixed' };
const row = (set: string, label: string, g: HybridEvalGroup) => {
  const delta = g.hybrid - g.lexical;
  return `| ${set} | ${label} | ${g.questions} | ${g.lexical.toFixed(3)} | ${g.hybrid.toFixed(3)} | ${delta >= 0 ? '+' : ''}${delta.toFixed(3)} |\n`;
};
const rows = (set: string, s: HybridEvalSummary) => {
  let out = row(set, 'all', s.all);
  for (const [script, g] of Object.entries(s.byQuestionScript))
    out += row('', `${LANGUAGE[script as Script]} questions`, g);
  for (const [pair, g] of Object.entries(s.byScriptPair)) {
    const [q, t] = pair.split('/') as [Script, Script];
    out += row('', `${LANGUAGE[q]} questions, ${LANGUAGE[t]} triples`, g);
  }
  return out;
};

process.stdout.write(
  `recall@5, model ${provider.modelId ?? 'unknown'}, ${((Date.now() - started) / 1000).toFixed(0)} s\n\n`,
);
process.stdout.write('| question set | questions | n | lexical | hybrid | change |\n|---|---|---:|---:|---:|---:|\n');
for (const r of reports) process.stdout.write(rows(r.set, r));
if (reports.length > 1) process.stdout.write(rows('all sets', summarizeHybridEval(reports.flatMap((r) => r.outcomes))));
