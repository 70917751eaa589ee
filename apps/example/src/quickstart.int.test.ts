import { describeEachDatabase } from '@memory/db/testing';
import { expect, it } from 'vitest';
import { runQuickstart } from './quickstart.js';

describeEachDatabase('quickstart', (ctx) => {
  it('writes a session with messages, a summary and an audit row and reads them back', async () => {
    const result = await runQuickstart(ctx.url);
    expect(result.title).toBe('Deploying the agent');
    expect(result.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(result.messages[0]?.content).toBe('帮我把服务部署到 BOS 上');
    expect(result.messages[1]?.model).toBe('qwen-max');
    expect(result.summaryText).toContain('BOS');
    expect(result.decisionPoints).toEqual(['deploy to BOS']);
    expect(result.auditActions).toEqual(['create_session']);
  });
});
