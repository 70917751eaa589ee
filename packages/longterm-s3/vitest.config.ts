import { packageConfig } from '../../vitest.shared.js';

const config = packageConfig('longterm-s3');
// The shared config resolves with the `module` condition; the AWS SDK maps `module` to its
// `dist-es` build, whose extensionless imports Node cannot load once vitest externalizes it.
// Node's own conditions pick `dist-cjs`. (Reported to the lead for vitest.shared.ts.)
const conditions = ['@memory/source', 'node', 'development|production'];
config.resolve!.conditions = conditions;
config.ssr!.resolve!.conditions = conditions;
config.ssr!.resolve!.externalConditions = conditions;

export default config;
