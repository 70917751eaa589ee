import { foldText } from './fold.js';

// "Where did she live before", "他以前住在哪": words that place a question in the past. Not
// "last year" / "去年": a past event ("去年去了三亚") is a current fact, not a superseded one.
const PAST =
  /\b(?:before|previously|formerly|former|used to|earlier|in the past|no longer|anymore|old)\b|以前|之前|曾经|过去|原来|从前|早先|先前|前任|不再/u;

/**
 * Whether a question asks about the past ("where did he live before", "她以前住在哪"): then
 * superseded triples (with an `endTime`) may be what it wants, and retrieval ranks them with
 * the current ones by score instead of after all of them.
 */
export function asksAboutPast(query: string): boolean {
  return PAST.test(foldText(query));
}
