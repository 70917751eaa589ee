/**
 * The synthetic data the PostgreSQL benchmarks share: messages in sessions of 100, 384-d unit
 * vectors drawn around 50 gaussian centres with noise 0.5 (`clusteredVectors` in `measure.ts`), searched
 * for the top 10.
 */
export const DIMS = 384;
export const PER_SESSION = 100;
export const CLUSTERS = 50;
export const NOISE = 0.5;
export const TOP_K = 10;
