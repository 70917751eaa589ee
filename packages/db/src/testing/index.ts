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
  type ScratchDatabase,
} from './test-databases.js';
export { originalSchemaSql, createOriginalSchema, ORIGINAL_COLUMNS } from './original-schema.js';
