import type { EntityMetadata } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { MEMORY_TABLES, applyEmbeddingDimensions, defineMemoryEntities, memoryEntities } from './memory-entities.js';
import { MessageSchema } from './message.js';
import { VectorType } from './vector-type.js';

describe('memory entities', () => {
  it('map to the original tables', () => {
    expect(memoryEntities.map((e) => e.meta.tableName)).toEqual([...MEMORY_TABLES]);
    expect(memoryEntities.map((e) => e.meta.className)).toEqual([
      'Session',
      'Message',
      'SessionSummary',
      'MessageArchive',
      'AuditLog',
    ]);
  });

  it('keeps the original index names, but not the session index of messages that a wider index covers', () => {
    const message = memoryEntities[1].meta;
    const summary = memoryEntities[2].meta;
    expect(message.indexes.map((i) => i.name)).toEqual([
      'ix_messages_session_id_created_at_id',
      'ix_messages_user_id_created_at',
    ]);
    expect(summary.indexes.map((i) => i.name)).toContain('ix_session_summaries_session_id');
  });

  it('sets the vector dimension per ORM instance, leaving the shared schema and other entities alone', () => {
    const set = defineMemoryEntities({ embeddingDimensions: 1024 });
    expect(set.embeddingDimensions).toBe(1024);
    const copy = structuredClone({
      className: 'Message',
      properties: { embedding: { name: 'embedding', type: new VectorType() } },
    });
    Object.setPrototypeOf(copy.properties.embedding.type, VectorType.prototype);
    set.discovery.onMetadata(copy as unknown as EntityMetadata);
    const prop = copy.properties.embedding as unknown as { customType: VectorType; columnTypes: string[] };
    expect(prop.customType.dimensions).toBe(1024);
    expect(prop.columnTypes).toEqual(['vector(1024)']);
    const shared = MessageSchema.meta.properties.embedding as unknown as { type: VectorType };
    expect(shared.type.dimensions).toBe(1536);

    const app = { className: 'CodeReview', properties: { embedding: { type: new VectorType(3) } } };
    applyEmbeddingDimensions(1024)(app as unknown as EntityMetadata);
    expect(app.properties.embedding.type.dimensions).toBe(3);
    expect(() => defineMemoryEntities({ embeddingDimensions: -1 })).toThrow(/embeddingDimensions/);
  });
});
