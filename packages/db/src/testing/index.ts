export {
  describeEachDatabase,
  PG_TEST_URL_ENV,
  type DatabaseTestContext,
  type DescribeEachDatabaseOptions,
  type TestDbOptions,
} from './describe-each-database.js';
export {
  createPostgresScratchDatabase,
  createPgliteScratchDatabase,
  scratchDatabaseName,
  scratchDatabaseCreatedAt,
  sweepStaleScratchDatabases,
  STALE_SCRATCH_AGE_MS,
  type ScratchDatabase,
} from './test-databases.js';
export { originalSchemaSql, createOriginalSchema, ORIGINAL_COLUMNS } from './original-schema.js';
export { createCitusScratchDatabase, CITUS_TEST_URL_ENV } from '../citus/citus-scratch.js';
export { citusTaskCount } from '../citus/task-count.js';
export { recordQueries, type RecordedQuery } from './record-queries.js';
