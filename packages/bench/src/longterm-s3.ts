/**
 * Overhead of `S3CompatibleStorage` over the bare AWS SDK: put and get of 1 KB and 1 MB objects
 * against the local S3 test server (SigV4-verifying, in memory), the adapter and a bare
 * `S3Client` configured the same way doing the same calls in the same run. Calls alternate
 * adapter/bare one by one, the order flipping every round, so drift (GC, JIT, the other
 * engineers' CPU use) hits both alike. Reported: median latency per call; target: adapter median
 * within 5 % of the bare SDK's.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createS3Storage } from '@memory/longterm-s3';
import { startS3TestServer } from '@memory/longterm-s3/testing';
import { percentile, writeReport, type BenchRow } from './report.js';

const KB = 1024;
const MB = 1024 * 1024;

export async function run(size: 'small' | 'full'): Promise<boolean> {
  const server = await startS3TestServer({ buckets: ['bench'] });
  try {
    const adapter = createS3Storage({
      bucket: 'bench',
      endpointUrl: server.endpoint,
      accessKey: server.accessKey,
      secretKey: server.secretKey,
    });
    // The same client configuration the adapter builds, so the ratio measures the adapter's own code.
    const bare = new S3Client({
      region: 'us-east-1',
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKey, secretAccessKey: server.secretKey },
      maxAttempts: 3,
      retryMode: 'standard',
      requestHandler: { requestTimeout: 30_000, connectionTimeout: 5_000, throwOnRequestTimeout: true },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });

    const plans = [
      { label: '1 KB', bytes: KB, calls: size === 'full' ? 1500 : 300 },
      { label: '1 MB', bytes: MB, calls: size === 'full' ? 200 : 40 },
    ];
    const rows: BenchRow[] = [];
    for (const plan of plans) {
      const body = new Uint8Array(plan.bytes).map((_, i) => (i * 31) % 251);
      const ops = {
        put: {
          adapter: (i: number) =>
            adapter.putObject(`a/${plan.label}/${i % 16}`, body, { contentType: 'application/octet-stream' }),
          bare: (i: number) =>
            bare.send(
              new PutObjectCommand({
                Bucket: 'bench',
                Key: `b/${plan.label}/${i % 16}`,
                Body: body,
                ContentLength: body.byteLength,
                ContentType: 'application/octet-stream',
              }),
            ),
        },
        get: {
          adapter: (i: number) => adapter.getObject(`a/${plan.label}/${i % 16}`),
          bare: async (i: number) => {
            const out = await bare.send(new GetObjectCommand({ Bucket: 'bench', Key: `b/${plan.label}/${i % 16}` }));
            return out.Body!.transformToByteArray();
          },
        },
      };
      for (const [opName, op] of Object.entries(ops)) {
        const warmup = Math.max(20, Math.round(plan.calls / 10));
        for (let i = 0; i < warmup; i++) {
          await op.adapter(i);
          await op.bare(i);
        }
        const times = { adapter: [] as number[], bare: [] as number[] };
        for (let i = 0; i < plan.calls; i++) {
          const order = i % 2 === 0 ? (['adapter', 'bare'] as const) : (['bare', 'adapter'] as const);
          for (const which of order) {
            const started = performance.now();
            await op[which](i);
            times[which].push(performance.now() - started);
          }
        }
        const a = percentile(times.adapter, 50);
        const b = percentile(times.bare, 50);
        const ratio = a / b;
        rows.push(
          {
            name: `${opName} ${plan.label}: S3CompatibleStorage median`,
            value: a,
            unit: 'ms',
            note: `p90 ${percentile(times.adapter, 90).toFixed(3)} ms, ${plan.calls} calls`,
          },
          {
            name: `${opName} ${plan.label}: bare S3Client median`,
            value: b,
            unit: 'ms',
            note: `p90 ${percentile(times.bare, 90).toFixed(3)} ms, ${plan.calls} calls`,
          },
          {
            name: `${opName} ${plan.label}: adapter / bare`,
            value: ratio,
            unit: 'ratio',
            target: '<= 1.05',
            pass: ratio <= 1.05,
          },
        );
      }
    }
    bare.destroy();
    adapter.client.destroy();
    return writeReport(
      'longterm-s3',
      {
        size,
        server: 'in-process SigV4 S3 test server (@memory/longterm-s3/testing)',
        calls: plans.map((p) => `${p.label}: ${p.calls}`),
      },
      rows,
    );
  } finally {
    await server.close();
  }
}
