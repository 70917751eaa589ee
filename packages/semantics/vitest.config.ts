import { packageConfig } from '../../vitest.shared.js';

const config = packageConfig('semantics');
// As in longterm-s3: the shared `module` condition picks the AWS SDK's `dist-es` build, whose
// extensionless imports Node cannot load once vitest externalizes it; Node's conditions pick
// `dist-cjs`. Needed here for the S3 integration test.
const conditions = ['@memory/source', 'node', 'development|production'];
config.resolve!.conditions = conditions;
config.ssr!.resolve!.conditions = conditions;
config.ssr!.resolve!.externalConditions = conditions;

export default config;
