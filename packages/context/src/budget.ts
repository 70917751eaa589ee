import { InvalidInputError } from '@memory/errors';

/**
 * How much context may be returned: characters, or tokens counted by `countTokens`
 * (default {@link estimateTokens}). Give one of `maxChars` / `maxTokens`.
 */
export interface ContextBudget {
  /** At most this many characters (Unicode code points) in the rendered text. */
  maxChars?: number;
  /** At most this many tokens in the rendered text, as `countTokens` counts them. */
  maxTokens?: number;
  /** The tokenizer of your model; default {@link estimateTokens} (an estimate, not a tokenizer). */
  countTokens?: (text: string) => number;
  /**
   * The share of the budget each part may take before the others have had theirs, 0..1.
   * What a part leaves unused goes to the parts after it. Default: profile 0.15,
   * knowledge 0.25, summaries 0.25, recent messages the rest.
   */
  shares?: Partial<Record<'profile' | 'knowledge' | 'summaries', number>>;
}

/** Default budget when none is given: 8,000 characters. */
export const DEFAULT_BUDGET_CHARS = 8000;

const CJK = /[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]/u;

/**
 * A tokenizer-free estimate of the tokens in `text`: one per CJK character (Chinese, Japanese
 * and Korean scripts are about one token a character in common BPE vocabularies), one per four
 * other characters, rounded up. It is an estimate for budgeting; pass your model's tokenizer as
 * `countTokens` where exact counts matter.
 *
 * @example
 * ```ts
 * estimateTokens('hello world') // 3
 * estimateTokens('你好世界')      // 4
 * ```
 */
export function estimateTokens(text: string): number {
  let cjk = 0;
  let other = 0;
  for (const ch of text) {
    if (CJK.test(ch)) cjk += 1;
    else other += 1;
  }
  return cjk + Math.ceil(other / 4);
}

/** A measure of text size in the budget's unit. */
export interface Meter {
  readonly unit: 'chars' | 'tokens';
  readonly limit: number;
  measure(text: string): number;
}

/** Builds the meter of a budget; throws `InvalidInputError` on a budget that is not a positive number. */
export function meterFor(budget: ContextBudget | number | undefined): Meter {
  const b: ContextBudget =
    typeof budget === 'number' ? { maxChars: budget } : (budget ?? { maxChars: DEFAULT_BUDGET_CHARS });
  if (b.maxChars !== undefined && b.maxTokens !== undefined) {
    throw new InvalidInputError('[memory/context] budget has both maxChars and maxTokens: give one');
  }
  if (b.maxTokens !== undefined) {
    checkLimit('maxTokens', b.maxTokens);
    const count = b.countTokens ?? estimateTokens;
    return { unit: 'tokens', limit: b.maxTokens, measure: count };
  }
  const maxChars = b.maxChars ?? DEFAULT_BUDGET_CHARS;
  checkLimit('maxChars', maxChars);
  return { unit: 'chars', limit: maxChars, measure: (t) => [...t].length };
}

function checkLimit(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new InvalidInputError(`[memory/context] budget.${name} must be a positive integer, got ${String(value)}`);
  }
}

/**
 * Cuts `text` so that it measures at most `limit`, ending with `…` when cut. Returns `''` when
 * not even the ellipsis fits.
 */
export function truncateToFit(text: string, limit: number, meter: Meter): string {
  if (meter.measure(text) <= limit) return text;
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (meter.measure(chars.slice(0, mid).join('') + '…') <= limit) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : chars.slice(0, lo).join('') + '…';
}
