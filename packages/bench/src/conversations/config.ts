/** Sizes and constants of the conversations benchmark (`pnpm bench conversations`). */
import type { BenchRow, Log } from '../report.js';

export { CLUSTERS, DIMS, NOISE, PER_SESSION, TOP_K } from '../dataset.js';

export interface Sizes {
  historyLarge: number;
  historySmall: number;
  vectors: number;
  /** Interleaved rounds of each measurement. */
  rounds: number;
  historyPerRound: number;
  /** Interleaved rounds of the append measurements (more than `rounds`: a round of appends is short and its fsyncs vary). */
  appendRounds: number;
  singlePerRound: number;
  batchPerRound: number;
  searchPerRound: number;
  /** Queries whose recall is checked against the exact search. */
  recallQueries: number;
}

export const SIZES: Record<'small' | 'full', Sizes> = {
  small: {
    historyLarge: 100_000,
    historySmall: 10_000,
    vectors: 10_000,
    rounds: 6,
    historyPerRound: 25,
    appendRounds: 8,
    singlePerRound: 100,
    batchPerRound: 10,
    searchPerRound: 20,
    recallQueries: 60,
  },
  full: {
    historyLarge: 1_000_000,
    historySmall: 100_000,
    vectors: 100_000,
    rounds: 8,
    historyPerRound: 40,
    appendRounds: 24,
    singlePerRound: 150,
    batchPerRound: 20,
    searchPerRound: 25,
    recallQueries: 100,
  },
};

/** What each part of a run is given: the sizes, and the report's rows and params it adds to. */
export interface PartRun {
  sz: Sizes;
  rows: BenchRow[];
  params: Record<string, unknown>;
  log: Log;
}
