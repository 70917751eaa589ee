import { randomUUID } from 'node:crypto';
import { mapLimit, runStorageConformance } from '@memory/longterm-core/testing';
import { describe, it } from 'vitest';
import { S3CompatibleStorage } from './s3-compatible-storage.js';

// Live tests against a real S3 or MinIO bucket, only when configured:
//   MEMORY_TEST_S3_BUCKET     the bucket (must exist; objects go under a random memory-test-*/ prefix, removed afterwards)
//   MEMORY_TEST_S3_ENDPOINT   e.g. http://localhost:9000 for MinIO; omit for AWS
//   MEMORY_TEST_S3_REGION     default us-east-1
//   MEMORY_TEST_S3_CONDITIONAL_WRITES=false   for a store without If-Match / If-None-Match on PUT
//   credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or any source of the AWS default chain)
const env = process.env;
const bucket = env.MEMORY_TEST_S3_BUCKET;

if (!bucket) {
  describe('S3CompatibleStorage live', () => {
    it.skip('skipped: set MEMORY_TEST_S3_BUCKET (and MEMORY_TEST_S3_ENDPOINT for MinIO, AWS credentials) to run against a real bucket', () => {});
  });
  console.warn('[memory/s3] live S3 tests skipped: MEMORY_TEST_S3_BUCKET is not set');
} else {
  const conditionalWrites = env.MEMORY_TEST_S3_CONDITIONAL_WRITES !== 'false';
  const runPrefix = `memory-test-${randomUUID().slice(0, 8)}/`;
  const make = () =>
    new S3CompatibleStorage({
      bucket,
      endpointUrl: env.MEMORY_TEST_S3_ENDPOINT || undefined,
      region: env.MEMORY_TEST_S3_REGION || undefined,
      prefix: runPrefix,
      conditionalWrites,
    });
  runStorageConformance(
    `S3CompatibleStorage live (bucket ${bucket}${env.MEMORY_TEST_S3_ENDPOINT ? ` at ${env.MEMORY_TEST_S3_ENDPOINT}` : ''})`,
    () => ({
      storage: make(),
      // The suite deletes what each test wrote; this also sweeps anything a failed test left.
      cleanup: async () => {
        const storage = make();
        await mapLimit(await storage.listPrefix(''), 16, (k) => storage.deleteObject(k));
      },
    }),
    { conditionalWrites, timeoutMs: 300_000 },
  );
}
