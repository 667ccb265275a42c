import {
  boolean,
  foreignKey,
  index,
  int,
  json,
  mysqlEnum,
  mysqlTable,
  text,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/mysql-core';
import { createdAt, timestamp6, updatedAt, uuidPrimaryKey } from './columns.js';
import { projects } from './core.js';

/** The Bin: every change lands here before it is validated and propagated. */
export const syncBuffer = mysqlTable(
  'sync_buffer',
  {
    id: uuidPrimaryKey(),
    projectId: varchar('project_id', { length: 36 }).notNull(),
    changeType: varchar('change_type', { length: 100 }).notNull(),
    sourceModuleId: varchar('source_module_id', { length: 36 }),
    payload: json('payload').notNull(),
    status: mysqlEnum('status', ['PENDING', 'VALIDATED', 'REJECTED', 'PROPAGATED']).notNull().default('PENDING'),
    validationResults: json('validation_results'),
    impactAnalysis: json('impact_analysis'),
    createdAt: createdAt(),
    validatedAt: timestamp6('validated_at'),
    propagatedAt: timestamp6('propagated_at'),
    // 1.2.0 — the worker's lease (no SKIP LOCKED on TiDB: claims are conditional UPDATEs).
    /** `<worker>:<claim uuid>` while a worker holds the change. */
    leaseOwner: varchar('lease_owner', { length: 100 }),
    leaseExpiresAt: timestamp6('lease_expires_at'),
    /** Claims since the change last moved on; a change that keeps killing its worker is rejected. */
    attempts: int('attempts').notNull().default(0),
    /** A VALIDATED change the worker should propagate: automatically, after approval or on retry. */
    propagationDue: boolean('propagation_due').notNull().default(false),
    approvedBy: varchar('approved_by', { length: 255 }),
    approvedAt: timestamp6('approved_at'),
  },
  (t) => [
    index('idx_project_status').on(t.projectId, t.status),
    index('idx_created').on(t.createdAt),
    // The claim: `status = ? AND propagation_due = ? ORDER BY created_at`, in index order.
    index('idx_claim').on(t.status, t.propagationDue, t.createdAt),
    foreignKey({ name: 'fk_sync_buffer_project', columns: [t.projectId], foreignColumns: [projects.id] }).onDelete(
      'cascade',
    ),
  ],
);

export const propagationLog = mysqlTable(
  'propagation_log',
  {
    id: uuidPrimaryKey(),
    syncBufferId: varchar('sync_buffer_id', { length: 36 }).notNull(),
    affectedDashboardId: varchar('affected_dashboard_id', { length: 36 }).notNull(),
    propagationType: varchar('propagation_type', { length: 100 }).notNull(),
    status: mysqlEnum('status', ['SUCCESS', 'PARTIAL', 'FAILED']).notNull(),
    errorMessage: text('error_message'),
    tokenCost: int('token_cost'),
    durationMs: int('duration_ms'),
    createdAt: createdAt(),
    // 1.2.0 — one row per (change, dashboard), updated by each retry: exactly one SUCCESS is
    // guaranteed by the unique key, not by the lease.
    attempts: int('attempts').notNull().default(1),
    updatedAt: updatedAt(),
  },
  (t) => [
    // The only secondary index: every query of the table (and the foreign key) starts with
    // sync_buffer_id. The spec's idx_sync_buffer, idx_dashboard and idx_created served none and
    // cost the Bin's worker a third of each log insert (1.2.0, docs/schema-deviations.md).
    uniqueIndex('uk_change_dashboard').on(t.syncBufferId, t.affectedDashboardId),
    foreignKey({
      name: 'fk_propagation_log_sync_buffer',
      columns: [t.syncBufferId],
      foreignColumns: [syncBuffer.id],
    }).onDelete('cascade'),
  ],
);
