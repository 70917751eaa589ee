import { NotFoundError } from '@memory/errors';
import type { MessageRole } from '@memory/models';
import { addKnowledgeTriples, loadUserProfile, saveUserProfile } from '@memory/semantics';
import { ConflictError } from '@memory/errors';
import type { MemoryServices } from './memory-services.js';

/** The demo user and session: fixed ids, so loading twice changes nothing. */
export const DEMO_USER_ID = 'demo-user';
export const DEMO_SESSION_ID = '00000000-0000-4000-8000-00000000de01';

const TURNS: Array<[id: string, role: MessageRole, content: string, model: string | null]> = [
  [
    '00000000-0000-4000-8000-0000000d0001',
    'user' as MessageRole,
    'I want to deploy our agent backend. We use PostgreSQL with pgvector.',
    null,
  ],
  [
    '00000000-0000-4000-8000-0000000d0002',
    'assistant' as MessageRole,
    'Good choice: keep sessions and messages in PostgreSQL and long-term memory in a bucket (S3 or BOS).',
    'qwen-max',
  ],
  ['00000000-0000-4000-8000-0000000d0003', 'user' as MessageRole, '能把长期记忆放到百度 BOS 上吗？', null],
  [
    '00000000-0000-4000-8000-0000000d0004',
    'assistant' as MessageRole,
    '可以：设置 MEMORY_STORAGE_URL=bos://your-bucket 并提供 BOS_ACCESS_KEY / BOS_SECRET_KEY。',
    'qwen-max',
  ],
];

/**
 * Loads a small conversation for the demo user: a session with four messages (embedded), a
 * summary, a profile and a few knowledge triples. Idempotent: fixed ids, and nothing is
 * written when the session already exists. Returns whether anything was loaded.
 */
export async function loadDemoData(services: MemoryServices): Promise<boolean> {
  const { store, storage, embedder } = services;
  try {
    await store.getSession(DEMO_SESSION_ID);
    return false;
  } catch (error) {
    if (!NotFoundError.isInstance(error)) throw error;
  }
  const vectors = await embedder.embed(TURNS.map(([, , content]) => content));
  try {
    await store.createSession({
      id: DEMO_SESSION_ID,
      userId: DEMO_USER_ID,
      title: 'Deploying the agent',
      metadata: { channel: 'web', demo: true },
    });
  } catch (error) {
    // Another instance loading the demo at the same moment: its rows are the same as ours.
    if (!ConflictError.isInstance(error)) throw error;
  }
  await store.appendMessages(
    DEMO_SESSION_ID,
    TURNS.map(([id, role, content, model], i) => ({ id, role, content, model, embedding: vectors[i] ?? null })),
  );
  if ((await store.latestSummary(DEMO_SESSION_ID)) === null) {
    await store.saveSummary(DEMO_SESSION_ID, {
      id: '00000000-0000-4000-8000-0000000d5001',
      strategy: 'context_compression_v2',
      strategyVersion: '2.1',
      text: 'Deploying the agent backend on PostgreSQL + pgvector, long-term memory on BOS.',
      json: {
        decision_points: ['PostgreSQL with pgvector for conversations', 'BOS for long-term memory'],
        todos: ['create the BOS bucket'],
        entities: { files: [], tools: ['postgresql', 'bos'] },
        context_state: 'deployment planning',
        code_snippets: [],
      },
    });
  }
  if ((await loadUserProfile(storage, DEMO_USER_ID)) === null) {
    await saveUserProfile(
      storage,
      DEMO_USER_ID,
      {
        user_id: DEMO_USER_ID,
        traits: { communication_style: 'concise', preferred_topics: ['deployment', 'databases'] },
      },
      storage.capabilities.conditionalWrites ? { ifNoneMatch: '*' } : {},
    ).catch((error: unknown) => {
      if (!ConflictError.isInstance(error)) throw error;
    });
  }
  if (storage.capabilities.conditionalWrites) {
    await addKnowledgeTriples(storage, DEMO_USER_ID, [
      ['user', 'uses', 'PostgreSQL'],
      ['user', 'stores long-term memory on', 'BOS'],
      ['用户', '部署', '智能体后端'],
    ]);
  }
  return true;
}
