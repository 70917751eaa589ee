import { InvalidInputError } from '@memory/errors';

/** The original library's embedding dimension (`vector(1536)`); the default of every deployment. */
export const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

/** pgvector's limit for the `vector` type. */
export const MAX_EMBEDDING_DIMENSIONS = 16_000;

/**
 * Checks that `dimensions` is a usable vector dimension (an integer from 1 to 16000) and
 * returns it. Throws {@link InvalidInputError} otherwise.
 */
export function validateEmbeddingDimensions(dimensions: unknown, where = 'embeddingDimensions'): number {
  if (
    typeof dimensions !== 'number' ||
    !Number.isInteger(dimensions) ||
    dimensions < 1 ||
    dimensions > MAX_EMBEDDING_DIMENSIONS
  ) {
    throw new InvalidInputError(
      `[memory/models] ${where} must be an integer from 1 to ${MAX_EMBEDDING_DIMENSIONS}, got ${String(dimensions)}: pass the dimension of your embedding model (e.g. 1536 or 1024)`,
      { details: { dimensions } },
    );
  }
  return dimensions;
}

/**
 * Checks that `vec` is an embedding of exactly `dims` finite numbers and returns it as a plain
 * `number[]`. A wrong length, a non-number, `NaN` or `Infinity` throws {@link InvalidInputError}
 * (PostgreSQL would reject them later with a less helpful message, or not at all for NaN).
 *
 * @param vec the embedding (an array or a typed array such as `Float32Array`)
 * @param dims the dimension the deployment stores (`db.embeddingDimensions`)
 * @param field how to name the value in the error message
 *
 * @example
 * ```ts
 * const embedding = validateEmbedding(await embed(text), db.embeddingDimensions);
 * ```
 */
export function validateEmbedding(vec: unknown, dims: number, field = 'embedding'): number[] {
  const isTyped = ArrayBuffer.isView(vec) && !(vec instanceof DataView);
  if (!Array.isArray(vec) && !isTyped) {
    throw new InvalidInputError(`[memory/models] ${field} must be an array of ${dims} numbers, got ${describe(vec)}`, {
      details: { field, expected: dims },
    });
  }
  const values = Array.from(vec as ArrayLike<unknown>);
  if (values.length !== dims) {
    throw new InvalidInputError(
      `[memory/models] ${field} has ${values.length} dimensions but this deployment stores ${dims}: embed with a model of ${dims} dimensions or configure embeddingDimensions: ${values.length}`,
      { details: { field, expected: dims, actual: values.length } },
    );
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidInputError(
        `[memory/models] ${field}[${i}] is ${describe(v)}: every component must be a finite number (no NaN or Infinity)`,
        { details: { field, index: i } },
      );
    }
  }
  return values as number[];
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value;
}
