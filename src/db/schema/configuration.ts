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
import { createdAt, timestamp6, uuidPrimaryKey } from './columns.js';
import { modules, projects } from './core.js';

export const templates = mysqlTable(
  'templates',
  {
    id: uuidPrimaryKey(),
    name: varchar('name', { length: 255 }).notNull().unique('uk_name'),
    /** 'workflow' | 'dashboard' | 'module' */
    category: varchar('category', { length: 100 }).notNull(),
    description: text('description'),
    specification: json('specification').notNull(),
    createdBy: varchar('created_by', { length: 255 }),
    communityApproved: boolean('community_approved').default(false),
    downloadCount: int('download_count').default(0),
    createdAt: createdAt(),
  },
  (t) => [index('idx_category').on(t.category), index('idx_approved').on(t.communityApproved)],
);

export const guardrailSeverities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;

export const guardrails = mysqlTable(
  'guardrails',
  {
    id: uuidPrimaryKey(),
    /** NULL for system guardrails. */
    projectId: varchar('project_id', { length: 36 }),
    ruleId: varchar('rule_id', { length: 100 }).notNull(),
    description: text('description').notNull(),
    severity: mysqlEnum('severity', guardrailSeverities).notNull(),
    autoReject: boolean('auto_reject').default(false),
    configuration: json('configuration'),
    enabled: boolean('enabled').default(true),
    createdAt: createdAt(),
  },
  (t) => [
    index('idx_project').on(t.projectId),
    index('idx_severity').on(t.severity),
    foreignKey({ name: 'fk_guardrails_project', columns: [t.projectId], foreignColumns: [projects.id] }).onDelete(
      'cascade',
    ),
  ],
);

export const capabilities = mysqlTable(
  'capabilities',
  {
    id: uuidPrimaryKey(),
    moduleId: varchar('module_id', { length: 36 }).notNull(),
    /** 'file_write' | 'network_http' | 'git_commit' */
    capabilityType: varchar('capability_type', { length: 100 }).notNull(),
    granted: boolean('granted').default(false),
    grantedAt: timestamp6('granted_at'),
    revokedAt: timestamp6('revoked_at'),
    justification: text('justification'),
  },
  (t) => [
    index('idx_module').on(t.moduleId),
    index('idx_type').on(t.capabilityType),
    // 1.2.0 — one row per module and capability: grant and revoke update it in place.
    uniqueIndex('uk_module_capability').on(t.moduleId, t.capabilityType),
    foreignKey({ name: 'fk_capabilities_module', columns: [t.moduleId], foreignColumns: [modules.id] }).onDelete(
      'cascade',
    ),
  ],
);
