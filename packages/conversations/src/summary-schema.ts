import { z } from 'zod';
import { InvalidInputError } from '@memory/errors';

/**
 * The shape of `session_summaries.summary_json` written by the original application's context
 * compressor (`context_compression_v2`):
 *
 * ```json
 * { "decision_points": ["..."], "todos": ["..."], "entities": { "files": ["..."], "tools": ["..."] },
 *   "context_state": "...", "code_snippets": [{ "language": "ts", "code": "...", "purpose": "..." }] }
 * ```
 *
 * The compressor always writes every field, but other producers (older versions, other
 * strategies) may leave some out, so every field is optional. A field that is present must have
 * the right type: a string where a list is expected is refused rather than silently stored.
 * Unknown fields, at every level, are kept as they are.
 *
 * In a code snippet only `code` is required; `language` and `purpose` may be missing.
 */
export const summaryJsonSchema = z
  .object({
    decision_points: z.array(z.string()).optional(),
    todos: z.array(z.string()).optional(),
    entities: z
      .object({
        files: z.array(z.string()).optional(),
        tools: z.array(z.string()).optional(),
      })
      .loose()
      .optional(),
    context_state: z.string().optional(),
    code_snippets: z
      .array(
        z
          .object({
            language: z.string().optional(),
            code: z.string(),
            purpose: z.string().optional(),
          })
          .loose(),
      )
      .optional(),
  })
  .loose();

/** A summary's structured part, as {@link summaryJsonSchema} accepts it (extra fields allowed). */
export type SummaryJson = z.infer<typeof summaryJsonSchema>;

/**
 * Checks `value` against {@link summaryJsonSchema} and returns it unchanged (extra fields kept,
 * no defaults added). Throws `InvalidInputError` listing every problem with its path, e.g.
 * `todos[1]: expected string, received number`.
 *
 * @example
 * ```ts
 * parseSummaryJson({ decision_points: ['use pgvector'], todos: [], context_state: 'done' });
 * ```
 */
export function parseSummaryJson(value: unknown): SummaryJson {
  const result = summaryJsonSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  throw new InvalidInputError(
    `[memory/conversations] summary json does not match the context-compression shape: ${problems.join('; ')}`,
    { details: { problems } },
  );
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join('');
}
