/**
 * Optional facts about a triple, stored as a fourth array element (a JSON object) that the
 * original reader ignores: it takes only the first three elements. Unknown keys are kept.
 */
export interface TripleMetadata {
  /** The conversation the fact came from. */
  sessionId?: string;
  /** The message the fact came from. */
  messageId?: string;
  /** When the fact was stated or learned, ISO 8601 (`2026-11-25T14:00:00.000Z`). */
  time?: string;
  /** How sure the extractor was, 0..1. */
  confidence?: number;
  /**
   * When the fact stopped being true, ISO 8601: set when a newer value of a single-valued
   * predicate superseded it. Such a triple is history, kept rather than lost.
   */
  endTime?: string;
  [key: string]: unknown;
}

/**
 * A knowledge triple: `[subject, predicate, object]`, as the original stored it, with optional
 * {@link TripleMetadata} as a fourth element.
 *
 * @example
 * ```ts
 * const t: Triple = ['用户', '使用', 'PostgreSQL', { sessionId: 's1', confidence: 0.9 }];
 * ```
 */
export type Triple = [subject: string, predicate: string, object: string, metadata?: TripleMetadata];
