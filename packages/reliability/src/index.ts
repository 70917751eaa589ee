// The fault suites live in this package's tests; what other packages' tests reuse is exported here.
export { createPrivateCluster, privateClusterUnavailable, type PrivateCluster } from './postgres/private-cluster.js';
