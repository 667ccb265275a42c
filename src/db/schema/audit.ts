import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  int,
  json,
  mysqlEnum,
  mysqlTable,
  primaryKey,
  text,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/mysql-core';
import { createdAt, datetime6, uuidPrimaryKey } from './columns.js';

/**
 * Partitioned by month on `timestamp` (hand-written migration), so the partition column is part of
 * the primary key and is DATETIME(6): RANGE COLUMNS does not accept TIMESTAMP. Values are UTC.
 * `id` is a string in JS: TiDB's AUTO_RANDOM ids exceed 2^53.
 */
export const auditLogs = mysqlTable(
  'audit_logs',
  {
    id: bigint('id', { mode: 'bigint' }).autoincrement().notNull(),
    timestamp: datetime6('timestamp')
      .notNull()
      .default(sql`CURRENT_TIMESTAMP(6)`),
    userId: varchar('user_id', { length: 255 }).notNull(),
    action: varchar('action', { length: 100 }).notNull(),
    resourceType: varchar('resource_type', { length: 50 }).notNull(),
    resourceId: varchar('resource_id', { length: 255 }),
    status: mysqlEnum('status', ['success', 'failure', 'partial']).notNull(),
    metadata: json('metadata'),
    ipAddress: varchar('ip_address', { length: 45 }),
    userAgent: text('user_agent'),
  },
  (t) => [
    primaryKey({ name: 'PRIMARY', columns: [t.id, t.timestamp] }),
    index('idx_user_timestamp').on(t.userId, t.timestamp),
    index('idx_action').on(t.action),
    index('idx_resource').on(t.resourceType, t.resourceId),
    index('idx_timestamp').on(t.timestamp),
  ],
);

export const versionHistory = mysqlTable(
  'version_history',
  {
    id: uuidPrimaryKey(),
    resourceType: varchar('resource_type', { length: 50 }).notNull(),
    resourceId: varchar('resource_id', { length: 255 }).notNull(),
    versionNumber: int('version_number').notNull(),
    snapshot: json('snapshot').notNull(),
    changeDescription: text('change_description'),
    createdBy: varchar('created_by', { length: 255 }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // Two writers can never give one resource the same version number; also serves the spec's
    // idx_resource (resource_type, resource_id) lookups as its left prefix.
    uniqueIndex('uk_resource_version').on(t.resourceType, t.resourceId, t.versionNumber),
    index('idx_created').on(t.createdAt),
  ],
);
