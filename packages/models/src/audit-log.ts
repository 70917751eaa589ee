import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { validateBeforeWrite } from './storable.js';

/** The MikroORM schema behind {@link AuditLog}: register it (or use `memoryEntities`), or read its metadata. */
export const AuditLogSchema = defineEntity({
  name: 'AuditLog',
  tableName: 'audit_logs',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    createdAt: p
      .datetime()
      .columnType('timestamptz')
      .nullable()
      .onCreate(() => new Date()),
    action: p.string().length(64),
    resourceType: p.string().length(64),
    resourceId: p.text().nullable(),
    details: p.json<Record<string, unknown>>().columnType('jsonb').nullable(),
    /** New: who did it (a user id, a service name). */
    actor: p.text().nullable(),
  },
  indexes: [
    { name: 'ix_audit_logs_resource', properties: ['resourceType', 'resourceId'] },
    { name: 'ix_audit_logs_created_at', properties: ['createdAt'] },
    { name: 'ix_audit_logs_actor', properties: ['actor'] },
    {
      name: 'ix_audit_logs_details_user_id',
      expression: "create index if not exists ix_audit_logs_details_user_id on audit_logs ((details ->> 'userId'))",
    },
  ],
  hooks: { beforeCreate: [validateBeforeWrite], beforeUpdate: [validateBeforeWrite] },
});

/**
 * One audit trail row: table `audit_logs`. The original's actions include
 * `delete_session`/`session`, `reload_config`/`config`. Usually written with `logAudit` from
 * `@memory/db`.
 */
export class AuditLog extends AuditLogSchema.class {}
AuditLogSchema.setClass(AuditLog);
