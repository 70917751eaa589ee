import { createS3Storage, type S3Storage } from '@memory/longterm-s3';
import { startS3TestServer, type S3TestServer } from '@memory/longterm-s3/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLostUpdates } from '../test/concurrency.js';
import { loadKnowledgeTriples, loadUserProfile, saveKnowledgeTriples, saveUserProfile } from './index.js';

// The S3 backend over real HTTP, against the in-process SigV4 test server of @memory/longterm-s3,
// which honours If-Match / If-None-Match like S3 does.
let server: S3TestServer;
let buckets = 0;
beforeAll(async () => {
  server = await startS3TestServer();
});
afterAll(() => server.close());

function freshStorage(): S3Storage {
  const bucket = `semantics-${++buckets}`;
  server.createBucket(bucket);
  return createS3Storage({
    bucket,
    endpointUrl: server.endpoint,
    accessKey: server.accessKey,
    secretKey: server.secretKey,
  });
}

describe('semantics on S3 (test server)', () => {
  it('saves and loads in the original format under the original keys', async () => {
    const storage = freshStorage();
    await saveUserProfile(storage, '中文用户', { user_id: '中文用户', traits: { communication_style: '简洁' } });
    await saveKnowledgeTriples(storage, '中文用户', [
      ['用户', '使用', 'BOS'],
      ['用户', '部署', 'AI服务'],
    ]);
    expect(new TextDecoder().decode((await storage.getObject('knowledge/中文用户.jsonl'))!)).toBe(
      '["用户", "使用", "BOS"]\n["用户", "部署", "AI服务"]',
    );
    expect(await loadUserProfile(storage, '中文用户')).toEqual({
      user_id: '中文用户',
      traits: { communication_style: '简洁' },
    });
    expect(await loadKnowledgeTriples(storage, '中文用户')).toHaveLength(2);
    expect((await loadKnowledgeTriples(storage, '中文用户')).map((t) => t.slice(0, 3))).toContainEqual([
      '用户',
      '使用',
      'BOS',
    ]);
  });

  it('loses no update when twenty writers change one user at once', async () => {
    await expectNoLostUpdates(freshStorage(), 'u-concurrent');
  });
});
