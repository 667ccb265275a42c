import { foreignKey, index, int, json, mysqlTable, text, varchar } from 'drizzle-orm/mysql-core';
import { createdAt, updatedAt, uuidPrimaryKey } from './columns.js';

/** Project → Profile → Dashboard → Module, each level deleted with its parent. */

export const projects = mysqlTable(
  'projects',
  {
    id: uuidPrimaryKey(),
    name: varchar('name', { length: 255 }).notNull(),
    description: text('description'),
    ownerUserId: varchar('owner_user_id', { length: 255 }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    workflowTemplate: varchar('workflow_template', { length: 100 }),
    gitRepository: varchar('git_repository', { length: 500 }),
  },
  (t) => [index('idx_owner').on(t.ownerUserId), index('idx_template').on(t.workflowTemplate)],
);

export const profiles = mysqlTable(
  'profiles',
  {
    id: uuidPrimaryKey(),
    projectId: varchar('project_id', { length: 36 }).notNull(),
    name: varchar('name', { length: 255 }).notNull(),
    description: text('description'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Single Active Screen: kept consistent by the hierarchy service, not by a cyclic FK. */
    activeDashboardId: varchar('active_dashboard_id', { length: 36 }),
    /** Order in Master Control (model 1.2.0; not in the 1.1.0 spec, see docs/schema-deviations.md). */
    position: int('position').notNull().default(0),
  },
  (t) => [
    index('idx_project').on(t.projectId),
    foreignKey({ name: 'fk_profiles_project', columns: [t.projectId], foreignColumns: [projects.id] }).onDelete(
      'cascade',
    ),
  ],
);

export const dashboards = mysqlTable(
  'dashboards',
  {
    id: uuidPrimaryKey(),
    profileId: varchar('profile_id', { length: 36 }).notNull(),
    name: varchar('name', { length: 255 }).notNull(),
    description: text('description'),
    templateId: varchar('template_id', { length: 36 }),
    layout: json('layout').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Display order in Master Control. */
    position: int('position').notNull(),
  },
  (t) => [
    index('idx_profile').on(t.profileId),
    index('idx_template').on(t.templateId),
    foreignKey({ name: 'fk_dashboards_profile', columns: [t.profileId], foreignColumns: [profiles.id] }).onDelete(
      'cascade',
    ),
  ],
);

export const modules = mysqlTable(
  'modules',
  {
    id: uuidPrimaryKey(),
    dashboardId: varchar('dashboard_id', { length: 36 }).notNull(),
    moduleType: varchar('module_type', { length: 100 }).notNull(),
    name: varchar('name', { length: 255 }).notNull(),
    configuration: json('configuration').notNull(),
    position: int('position').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('idx_dashboard').on(t.dashboardId),
    index('idx_type').on(t.moduleType),
    foreignKey({ name: 'fk_modules_dashboard', columns: [t.dashboardId], foreignColumns: [dashboards.id] }).onDelete(
      'cascade',
    ),
  ],
);
