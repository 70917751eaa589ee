/**
 * The five-minute tour: creates the memory schema on embedded PGlite (or on `DATABASE_URL`),
 * writes a session with messages, a summary and an audit row, and reads them back.
 *
 *   npm start              (from the repository root)
 *   DATABASE_URL=postgres://user:pw@localhost:5432/db npm start
 */
import { fileURLToPath } from 'node:url';
import { createMemoryDb } from '@memory/db';
import { AuditLog, Message, MessageRole, Session, SessionSummary } from '@memory/models';

/** What the tour read back, for the caller (and the test) to check. */
export interface QuickstartResult {
  sessionId: string;
  title: string | null | undefined;
  messages: Array<{ role: string; content: string; model: string | null | undefined }>;
  summaryText: string | null | undefined;
  decisionPoints: string[];
  auditActions: string[];
}

/** Runs the tour against `url` and returns what it read back. */
export async function runQuickstart(url: string, log: (line: string) => void = () => {}): Promise<QuickstartResult> {
  const db = createMemoryDb({ url, embeddingDimensions: 1024 });
  try {
    await db.initDb();
    log(`schema ready on ${db.url} (${db.kind})`);

    const sessionId = await db.scope(async (em) => {
      const session = em.create(Session, {
        title: 'Deploying the agent',
        userId: 'u123',
        metadata: { channel: 'web', 语言: '中文' },
      });
      const t0 = Date.now();
      const turns: Array<[MessageRole, string, string | null]> = [
        [MessageRole.USER, '帮我把服务部署到 BOS 上', null],
        [MessageRole.ASSISTANT, 'Sure: first create a bucket, then upload the build.', 'qwen-max'],
        [MessageRole.USER, 'Which region should I use?', null],
      ];
      turns.forEach(([role, content, model], i) => {
        em.create(Message, { session, role, content, model, createdAt: new Date(t0 + i) });
      });
      em.create(SessionSummary, {
        session,
        strategy: 'context_compression_v2',
        strategyVersion: '2.1',
        summaryText: 'User deploys the agent to BOS; region still open.',
        summaryJson: {
          decision_points: ['deploy to BOS'],
          todos: ['pick a region'],
          entities: { files: [], tools: ['bos'] },
          context_state: 'planning',
          code_snippets: [],
        },
      });
      db.logAudit(em, {
        action: 'create_session',
        resourceType: 'session',
        resourceId: session.id,
        actor: 'quickstart',
      });
      return session.id;
    });
    log(`wrote session ${sessionId} with 3 messages, a summary and an audit row`);

    return await db.scope(async (em) => {
      const session = await em.findOneOrFail(Session, sessionId);
      const messages = await em.find(Message, { session: sessionId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      const summary = await em.findOne(SessionSummary, { session: sessionId }, { orderBy: { createdAt: 'desc' } });
      const audit = await em.find(AuditLog, { resourceId: sessionId });
      const json = (summary?.summaryJson ?? {}) as { decision_points?: string[] };
      return {
        sessionId,
        title: session.title,
        messages: messages.map((m) => ({ role: m.role, content: m.content, model: m.model })),
        summaryText: summary?.summaryText,
        decisionPoints: json.decision_points ?? [],
        auditActions: audit.map((a) => a.action),
      };
    });
  } finally {
    await db.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.DATABASE_URL ?? 'pglite://memory';
  const result = await runQuickstart(url, (line) => console.log(`[quickstart] ${line}`));
  console.log(`[quickstart] read back "${result.title}":`);
  for (const m of result.messages) console.log(`  ${m.role.padEnd(9)} ${m.content}${m.model ? `  (${m.model})` : ''}`);
  console.log(`[quickstart] latest summary: ${result.summaryText}`);
  console.log(`[quickstart] decision points: ${result.decisionPoints.join(', ')}`);
  console.log(`[quickstart] audit: ${result.auditActions.join(', ')}`);
}
