export {
  buildMemoryContext,
  type BuildMemoryContextOptions,
  type MemoryContext,
  type MemoryContextParts,
} from './build-memory-context.js';
export { estimateTokens, DEFAULT_BUDGET_CHARS, type ContextBudget } from './budget.js';
export { DEFAULT_HEADINGS, type ContextHeadings, type ContextMessage, type ContextSummary } from './render.js';
