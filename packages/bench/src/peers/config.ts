/** Sizes and constants of the peers benchmark (`pnpm bench peers`). */

export { CLUSTERS, DIMS, NOISE, PER_SESSION, TOP_K } from '../dataset.js';
export const POOL = 4;
export const CONTENT = 'an appended message, about the length of a short chat turn. 你好.';

export interface Sizes {
  /** Messages with embeddings loaded into each system. */
  vectors: number;
  /** Messages of the big thread (no embeddings). */
  thread: number;
  /** Messages of the bulk import without embeddings vs plain COPY; 0 skips it. */
  bulk: number;
  rounds: number;
  appendRounds: number;
  singlePerRound: number;
  batchPerRound: number;
  historyPerRound: number;
  searchPerRound: number;
  recallQueries: number;
}

export const SIZES: Record<'small' | 'full', Sizes> = {
  small: {
    vectors: 2_000,
    thread: 10_000,
    bulk: 0,
    rounds: 4,
    appendRounds: 6,
    singlePerRound: 30,
    batchPerRound: 4,
    historyPerRound: 10,
    searchPerRound: 10,
    recallQueries: 40,
  },
  full: {
    vectors: 20_000,
    thread: 100_000,
    bulk: 1_000_000,
    rounds: 8,
    appendRounds: 16,
    singlePerRound: 100,
    batchPerRound: 10,
    historyPerRound: 15,
    searchPerRound: 20,
    recallQueries: 100,
  },
};

export const SMALL_USER = 'u-small';
export const BIG_USER = 'u-big';
export const THREAD_USER = 'u-thread';

/** The systems in report order; ours first, plain `pg` (the baseline) last. */
export const OURS = '@memory/conversations';
export const NAMES = [OURS, 'Mastra', 'LangChain', 'plain pg'];

export const roleAt = (j: number): 'user' | 'assistant' => (j % 2 ? 'assistant' : 'user');
