export { distributeMemorySchema, hasCitus, type DistributeOptions, type DistributeReport } from './distribute.js';
export { MemoryShardKey, SHARD_KEY_TABLES } from './shard-key-migration.js';
export { shardKeyOfSession, shardKeyOfUser, newSessionIdForUser, shardKeySql, SHARD_KEY_SPACE } from './shard-key.js';
