import { boolean, foreignKey, index, int, json, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { createdAt, updatedAt, uuidPrimaryKey } from './columns.js';
import { projects } from './core.js';

/** Dashboard templates for VS Code extensions, keyed by extension id (`publisher.name`). */
export const extensionDashboards = mysqlTable(
  'extension_dashboards',
  {
    id: uuidPrimaryKey(),
    extensionId: varchar('extension_id', { length: 255 }).notNull(),
    /** Internal dashboard identifier, unique per extension. */
    dashboardId: varchar('dashboard_id', { length: 255 }).notNull(),
    name: varchar('name', { length: 255 }).notNull(),
    description: text('description'),
    config: json('config').notNull(),
    author: varchar('author', { length: 255 }),
    communityApproved: boolean('community_approved').notNull().default(false),
    downloadCount: int('download_count').default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Idempotent template import; also serves the spec's idx_extension_id as its left prefix.
    uniqueIndex('uk_extension_dashboard').on(t.extensionId, t.dashboardId),
    index('idx_approved').on(t.communityApproved),
    index('idx_downloads').on(t.downloadCount),
  ],
);

export const projectExtensionMappings = mysqlTable(
  'project_extension_mappings',
  {
    id: uuidPrimaryKey(),
    projectId: varchar('project_id', { length: 36 }).notNull(),
    extensionId: varchar('extension_id', { length: 255 }).notNull(),
    // RESTRICT: a template in use by a project cannot be deleted.
    dashboardId: varchar('dashboard_id', { length: 36 }).notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Project-specific overrides, deep-merged over the template's config. */
    customConfig: json('custom_config'),
    position: int('position').default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Also serves the spec's idx_project (project_id) as its left prefix.
    uniqueIndex('uk_project_extension').on(t.projectId, t.extensionId),
    index('idx_dashboard').on(t.dashboardId),
    // The spec's partial index (WHERE enabled = TRUE) as a plain composite.
    index('idx_project_extensions_enabled').on(t.projectId, t.enabled),
    index('idx_enabled').on(t.enabled),
    foreignKey({
      name: 'fk_project_extension_mappings_project',
      columns: [t.projectId],
      foreignColumns: [projects.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_project_extension_mappings_dashboard',
      columns: [t.dashboardId],
      foreignColumns: [extensionDashboards.id],
    }).onDelete('restrict'),
  ],
);

export const dashboardVersions = mysqlTable(
  'dashboard_versions',
  {
    id: uuidPrimaryKey(),
    dashboardId: varchar('dashboard_id', { length: 36 }).notNull(),
    /** SemVer, e.g. '1.1.0'. */
    version: varchar('version', { length: 50 }).notNull(),
    config: json('config').notNull(),
    changelog: text('changelog'),
    createdBy: varchar('created_by', { length: 255 }),
    createdAt: createdAt(),
  },
  (t) => [
    // The spec declares this index twice (idx_dashboard_created and
    // idx_dashboard_versions_dashboard_created); one is kept.
    index('idx_dashboard_created').on(t.dashboardId, t.createdAt),
    uniqueIndex('uk_dashboard_version').on(t.dashboardId, t.version),
    index('idx_version').on(t.version),
    foreignKey({
      name: 'fk_dashboard_versions_dashboard',
      columns: [t.dashboardId],
      foreignColumns: [extensionDashboards.id],
    }).onDelete('cascade'),
  ],
);
