import { foreignKey, index, int, json, mysqlEnum, mysqlTable, text, varchar } from 'drizzle-orm/mysql-core';
import { createdAt, timestamp6, uuidPrimaryKey } from './columns.js';
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
  },
  (t) => [
    index('idx_project_status').on(t.projectId, t.status),
    index('idx_created').on(t.createdAt),
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
  },
  (t) => [
    index('idx_sync_buffer').on(t.syncBufferId),
    index('idx_dashboard').on(t.affectedDashboardId),
    index('idx_created').on(t.createdAt),
    foreignKey({
      name: 'fk_propagation_log_sync_buffer',
      columns: [t.syncBufferId],
      foreignColumns: [syncBuffer.id],
    }).onDelete('cascade'),
  ],
);
