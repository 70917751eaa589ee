import type { SeenVariants } from './seen.js';

/** The variants `eval/seen.ts` compares (README: "After blind19"). */
export const SEEN_VARIANTS: SeenVariants = {
  shipped: () => ({}),
};
