import { Type, type EntityProperty, type Platform } from '@mikro-orm/core';
import { InvalidInputError } from '@memory/errors';
import { DEFAULT_EMBEDDING_DIMENSIONS, validateEmbedding, validateEmbeddingDimensions } from './embedding.js';

/**
 * A MikroORM type for a pgvector `vector(N)` column, mapped to `number[]`.
 *
 * The dimension is part of the column type, so each instance carries one. Values are checked
 * with {@link validateEmbedding} before they are sent: a wrong length, `NaN` or `Infinity`
 * throws {@link InvalidInputError} and never reaches the database.
 *
 * @example
 * ```ts
 * const Doc = defineEntity({
 *   name: 'Doc',
 *   properties: { id: p.uuid().primary(), embedding: p.type(new VectorType(1024)).nullable() },
 * });
 * ```
 */
export class VectorType extends Type<number[] | null | undefined, string | null | undefined> {
  /** The number of components every value must have. */
  readonly dimensions: number;

  constructor(dimensions: number = DEFAULT_EMBEDDING_DIMENSIONS) {
    super();
    this.dimensions = validateEmbeddingDimensions(dimensions, 'VectorType dimensions');
  }

  override convertToDatabaseValue(value: number[] | null | undefined): string | null | undefined {
    if (value === null || value === undefined) return value;
    const vec = typeof value === 'string' ? parseVector(value, this.fieldName()) : value;
    return `[${validateEmbedding(vec, this.dimensions, this.fieldName()).join(',')}]`;
  }

  override convertToJSValue(value: string | null | undefined): number[] | null | undefined {
    if (value === null || value === undefined) return value;
    // Some drivers hand back an already parsed array.
    if (Array.isArray(value)) return (value as unknown[]).map(Number);
    return parseVector(value, this.fieldName());
  }

  override getColumnType(_prop?: EntityProperty, _platform?: Platform): string {
    return `vector(${this.dimensions})`;
  }

  override compareAsType(): string {
    return 'string';
  }

  override get runtimeType(): string {
    return 'number[]';
  }

  override toJSON(value: number[] | null | undefined): number[] | null | undefined {
    return value;
  }

  private fieldName(): string {
    return this.meta && this.prop ? `${this.meta.className}.${this.prop.name}` : 'vector';
  }
}

function parseVector(text: string, field: string): number[] {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[') || !trimmed.endsWith(']')) {
    throw new InvalidInputError(`[memory/models] ${field}: not a vector literal (expected "[1,2,3]")`, {
      details: { field },
    });
  }
  const body = trimmed.slice(1, -1).trim();
  return body === '' ? [] : body.split(',').map((part) => Number(part));
}
