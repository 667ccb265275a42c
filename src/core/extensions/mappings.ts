/**
 * Per-project mappings of extensions to dashboard templates (`project_extension_mappings`):
 * synchronisation with the installed extensions, explicit mapping, enable/disable, order, overrides
 * and the effective dashboards a project shows.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { extensionDashboards, projectExtensionMappings, projects } from '../../db/schema/index.js';
import { audited, type Executor } from '../audit.js';
import { CockpitError, invalid, notFound } from '../errors.js';
import { retryOnDeadlock } from './retry.js';
import { canonicalExtensionId, type DashboardConfig } from './config.js';
import { applyFormEdits, configFormFields, minimalOverride, type FormEdit, type FormField } from './form.js';
import { effectiveConfig, isPlainObject, validateCustomConfig } from './merge.js';
import {
  extensionStates,
  planMappings,
  type CatalogEntry,
  type ExistingMapping,
  type ExtensionState,
  type InstalledExtension,
} from './plan.js';

export type MappingRow = typeof projectExtensionMappings.$inferSelect;

async function requireProject(db: Executor, projectId: string) {
  const [project] = await db.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId));
  if (!project) throw notFound('Project', projectId);
}

export async function catalogEntries(db: Executor): Promise<CatalogEntry[]> {
  return db
    .select({
      id: extensionDashboards.id,
      extensionId: extensionDashboards.extensionId,
      dashboardId: extensionDashboards.dashboardId,
      name: extensionDashboards.name,
      communityApproved: extensionDashboards.communityApproved,
      downloadCount: extensionDashboards.downloadCount,
    })
    .from(extensionDashboards);
}

export async function projectMappings(db: Executor, projectId: string): Promise<MappingRow[]> {
  return db
    .select()
    .from(projectExtensionMappings)
    .where(eq(projectExtensionMappings.projectId, projectId))
    .orderBy(asc(projectExtensionMappings.position), asc(projectExtensionMappings.extensionId));
}

const asExisting = (row: MappingRow): ExistingMapping => ({
  id: row.id,
  extensionId: row.extensionId,
  dashboardId: row.dashboardId,
  enabled: row.enabled,
  position: row.position,
});

export interface SyncResult {
  created: string[];
  missing: string[];
  states: ExtensionState[];
}

/**
 * Maps the project's newly installed extensions that have an approved template (disabled unless
 * `autoEnable`) and reports the state of every extension. Two windows syncing at once create each
 * mapping once: the insert keeps an existing row (UNIQUE project_id, extension_id) instead of failing.
 */
export async function syncProjectMappings(
  db: Db,
  input: { projectId: string; installed: InstalledExtension[]; autoEnable: boolean; actor: string },
): Promise<SyncResult> {
  const catalog = await catalogEntries(db);
  const before = await projectMappings(db, input.projectId);
  const plan = planMappings({
    installed: input.installed,
    catalog,
    mappings: before.map(asExisting),
    autoEnable: input.autoEnable,
  });
  let created: string[] = [];
  if (plan.create.length > 0) {
    await requireProject(db, input.projectId);
    created = await retryOnDeadlock(() =>
      audited(
        db,
        {
          userId: input.actor,
          action: 'extension_mapping.sync',
          resourceType: 'project',
          resourceId: input.projectId,
          metadata: { extensions: plan.create.map((c) => c.extensionId), enabled: input.autoEnable },
        },
        async (tx) => {
          const inserted: string[] = [];
          for (const mapping of plan.create) {
            const [header] = await tx
              .insert(projectExtensionMappings)
              .values({ id: randomUUID(), projectId: input.projectId, customConfig: null, ...mapping })
              .onDuplicateKeyUpdate({ set: { id: sql`id` } });
            if (header.affectedRows === 1) inserted.push(mapping.extensionId);
          }
          return inserted;
        },
        (inserted) => ({ metadata: { created: inserted } }),
      ),
    );
  }
  const after = created.length > 0 ? await projectMappings(db, input.projectId) : before;
  return {
    created,
    missing: plan.missing.map((m) => m.extensionId),
    states: extensionStates({ installed: input.installed, catalog, mappings: after.map(asExisting) }),
  };
}

async function approvedTemplateFor(db: Executor, extensionId: string, templateId: string) {
  const [template] = await db.select().from(extensionDashboards).where(eq(extensionDashboards.id, templateId));
  if (!template) throw notFound('Dashboard template', templateId);
  if (canonicalExtensionId(template.extensionId) !== extensionId) {
    throw invalid(`Template "${template.name}" is for ${template.extensionId}, not ${extensionId}.`, 'dashboardId');
  }
  if (!template.communityApproved) {
    throw new CockpitError(
      'forbidden',
      `Template "${template.name}" is a community template that has not been approved yet; approve it before using it.`,
      'dashboardId',
    );
  }
  return template;
}

/**
 * Maps an extension of the project to a template (approved, for that extension). Remapping to
 * another template clears the overrides, which were written against the old one. Concurrent
 * attempts for the same (project, extension) leave one mapping and fail neither.
 */
export async function mapExtension(
  db: Db,
  input: { projectId: string; extensionId: string; templateId: string; enabled?: boolean; actor: string },
): Promise<MappingRow> {
  const extensionId = canonicalExtensionId(input.extensionId);
  return retryOnDeadlock(() =>
    audited(
      db,
      {
        userId: input.actor,
        action: 'extension_mapping.map',
        resourceType: 'project_extension_mapping',
        metadata: { projectId: input.projectId, extensionId, templateId: input.templateId },
      },
      async (tx) => {
        await requireProject(tx, input.projectId);
        await approvedTemplateFor(tx, extensionId, input.templateId);
        // A plain read, not FOR UPDATE: locking a row that does not exist yet takes gap locks on
        // which two racing inserts deadlock.
        const [existing] = await tx
          .select()
          .from(projectExtensionMappings)
          .where(
            and(
              eq(projectExtensionMappings.projectId, input.projectId),
              eq(projectExtensionMappings.extensionId, extensionId),
            ),
          );
        if (existing) {
          await tx
            .update(projectExtensionMappings)
            .set({
              dashboardId: input.templateId,
              enabled: input.enabled ?? true,
              // Overrides were written against the old template; another template starts clean.
              ...(existing.dashboardId === input.templateId ? {} : { customConfig: null }),
            })
            .where(eq(projectExtensionMappings.id, existing.id));
        } else {
          const [{ next } = { next: 0 }] = await tx
            .select({ next: sql<number>`COALESCE(MAX(${projectExtensionMappings.position}) + 1, 0)` })
            .from(projectExtensionMappings)
            .where(eq(projectExtensionMappings.projectId, input.projectId));
          await tx
            .insert(projectExtensionMappings)
            .values({
              id: randomUUID(),
              projectId: input.projectId,
              extensionId,
              dashboardId: input.templateId,
              enabled: input.enabled ?? true,
              customConfig: null,
              position: Number(next),
            })
            // Another window inserted the same (project, extension) meanwhile: last writer wins, no error.
            .onDuplicateKeyUpdate({
              set: {
                dashboardId: sql`VALUES(${projectExtensionMappings.dashboardId})`,
                enabled: sql`VALUES(${projectExtensionMappings.enabled})`,
              },
            });
        }
        // A locking read sees a row another transaction committed after our snapshot began.
        return requireMapping(tx, input.projectId, extensionId, true);
      },
      (row) => ({ resourceId: row.id }),
    ),
  );
}

async function requireMapping(db: Executor, projectId: string, extensionId: string, lock = false): Promise<MappingRow> {
  const query = db
    .select()
    .from(projectExtensionMappings)
    .where(
      and(
        eq(projectExtensionMappings.projectId, projectId),
        eq(projectExtensionMappings.extensionId, canonicalExtensionId(extensionId)),
      ),
    );
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('Mapping of extension', `${extensionId} in project ${projectId}`);
  return row;
}

export async function setMappingEnabled(
  db: Db,
  input: { projectId: string; extensionId: string; enabled: boolean; actor: string },
): Promise<void> {
  await audited(
    db,
    {
      userId: input.actor,
      action: input.enabled ? 'extension_mapping.enable' : 'extension_mapping.disable',
      resourceType: 'project_extension_mapping',
      metadata: { projectId: input.projectId, extensionId: input.extensionId },
    },
    async (tx) => {
      const row = await requireMapping(tx, input.projectId, input.extensionId, true);
      if (input.enabled) {
        const [template] = await tx
          .select()
          .from(extensionDashboards)
          .where(eq(extensionDashboards.id, row.dashboardId));
        if (template && !template.communityApproved) {
          throw new CockpitError('forbidden', `Template "${template.name}" needs approval before it can be shown.`);
        }
      }
      await tx
        .update(projectExtensionMappings)
        .set({ enabled: input.enabled })
        .where(eq(projectExtensionMappings.id, row.id));
      return row;
    },
    (row) => ({ resourceId: row.id }),
  );
}

/** Puts the listed extensions first, in that order (position 0, 1, …); the others follow in their order. */
export async function reorderMappings(
  db: Db,
  input: { projectId: string; extensionIds: string[]; actor: string },
): Promise<void> {
  const wanted = input.extensionIds.map(canonicalExtensionId);
  if (new Set(wanted).size !== wanted.length)
    throw invalid('An extension is listed twice in the new order.', 'extensionIds');
  await audited(
    db,
    {
      userId: input.actor,
      action: 'extension_mapping.reorder',
      resourceType: 'project',
      resourceId: input.projectId,
      metadata: { order: wanted },
    },
    async (tx) => {
      const rows = await tx
        .select()
        .from(projectExtensionMappings)
        .where(eq(projectExtensionMappings.projectId, input.projectId))
        .orderBy(asc(projectExtensionMappings.position), asc(projectExtensionMappings.extensionId))
        .for('update');
      const byId = new Map(rows.map((r) => [r.extensionId, r]));
      const unknown = wanted.filter((id) => !byId.has(id));
      if (unknown.length > 0) throw invalid(`Not mapped in this project: ${unknown.join(', ')}.`, 'extensionIds');
      const order = [...wanted, ...rows.map((r) => r.extensionId).filter((id) => !wanted.includes(id))];
      for (const [position, extensionId] of order.entries()) {
        const row = byId.get(extensionId);
        if (row && row.position !== position) {
          await tx.update(projectExtensionMappings).set({ position }).where(eq(projectExtensionMappings.id, row.id));
        }
      }
    },
  );
}

/** Stores the project's overrides after checking that the merged dashboard is valid; null removes them. */
export function setCustomConfig(
  db: Db,
  input: { projectId: string; extensionId: string; customConfig: unknown; actor: string },
): Promise<DashboardConfig> {
  return customize(db, input, () => input.customConfig);
}

/** The override form of a mapped extension: the template's fields with the project's values. */
export async function overridesForm(db: Db, projectId: string, extensionId: string): Promise<FormField[]> {
  const row = await requireMapping(db, projectId, extensionId);
  const template = await requireTemplate(db, row.dashboardId);
  return configFormFields(template.config, effectiveConfig(template.config, row.customConfig));
}

/**
 * Applies form edits to the effective dashboard and stores what differs from the template as the
 * overrides, so values left at the template's stay inherited from it.
 */
export function setOverridesFromForm(
  db: Db,
  input: { projectId: string; extensionId: string; edits: FormEdit[]; actor: string },
): Promise<DashboardConfig> {
  return customize(db, input, (templateConfig, current) => {
    const effective = effectiveConfig(templateConfig, current);
    const edited = applyFormEdits(effective, configFormFields(templateConfig, effective), input.edits);
    const override = minimalOverride(templateConfig, edited);
    return isPlainObject(override) && Object.keys(override).length === 0 ? null : override;
  });
}

/** Replaces the overrides with `next(templateConfig, currentOverrides)`, inside one locked transaction. */
function customize(
  db: Db,
  input: { projectId: string; extensionId: string; actor: string },
  next: (templateConfig: unknown, current: unknown) => unknown,
): Promise<DashboardConfig> {
  return audited(
    db,
    {
      userId: input.actor,
      action: 'extension_mapping.customize',
      resourceType: 'project_extension_mapping',
      metadata: { projectId: input.projectId, extensionId: input.extensionId },
    },
    async (tx) => {
      const row = await requireMapping(tx, input.projectId, input.extensionId, true);
      const template = await requireTemplate(tx, row.dashboardId);
      const customConfig = next(template.config, row.customConfig) ?? null;
      const merged = validateCustomConfig(template.config, customConfig);
      await tx.update(projectExtensionMappings).set({ customConfig }).where(eq(projectExtensionMappings.id, row.id));
      return merged;
    },
  );
}

async function requireTemplate(db: Executor, templateId: string) {
  const [template] = await db.select().from(extensionDashboards).where(eq(extensionDashboards.id, templateId));
  if (!template) throw notFound('Dashboard template', templateId);
  return template;
}

export async function unmapExtension(db: Db, input: { projectId: string; extensionId: string; actor: string }) {
  await audited(
    db,
    {
      userId: input.actor,
      action: 'extension_mapping.unmap',
      resourceType: 'project_extension_mapping',
      metadata: { projectId: input.projectId, extensionId: input.extensionId },
    },
    async (tx) => {
      const row = await requireMapping(tx, input.projectId, input.extensionId, true);
      await tx.delete(projectExtensionMappings).where(eq(projectExtensionMappings.id, row.id));
      return row;
    },
    (row) => ({ resourceId: row.id }),
  );
}

export interface ProjectDashboard {
  mappingId: string;
  extensionId: string;
  enabled: boolean;
  position: number;
  template: { id: string; dashboardId: string; name: string; communityApproved: boolean };
  customConfig: unknown;
  /** The template deep-merged with the overrides; absent when that no longer validates. */
  config?: DashboardConfig;
  /** Why `config` is absent (e.g. the template changed under the overrides). */
  error?: string;
}

/** Every mapping of the project in display order, with its effective configuration. */
export async function projectDashboards(db: Db, projectId: string): Promise<ProjectDashboard[]> {
  const rows = await db
    .select({ mapping: projectExtensionMappings, template: extensionDashboards })
    .from(projectExtensionMappings)
    .innerJoin(extensionDashboards, eq(extensionDashboards.id, projectExtensionMappings.dashboardId))
    .where(eq(projectExtensionMappings.projectId, projectId))
    .orderBy(asc(projectExtensionMappings.position), asc(projectExtensionMappings.extensionId));
  return rows.map(({ mapping, template }) => {
    const base = {
      mappingId: mapping.id,
      extensionId: mapping.extensionId,
      enabled: mapping.enabled,
      position: mapping.position ?? 0,
      template: {
        id: template.id,
        dashboardId: template.dashboardId,
        name: template.name,
        communityApproved: template.communityApproved,
      },
      customConfig: mapping.customConfig,
    };
    try {
      return { ...base, config: effectiveConfig(template.config, mapping.customConfig) };
    } catch (error) {
      return { ...base, error: (error as Error).message };
    }
  });
}

/** The effective dashboard of one mapped extension (what the allowlist checks run against). */
export async function effectiveDashboard(db: Db, projectId: string, extensionId: string): Promise<DashboardConfig> {
  const dashboard = (await projectDashboards(db, projectId)).find(
    (d) => d.extensionId === canonicalExtensionId(extensionId),
  );
  if (!dashboard) throw notFound('Mapping of extension', `${extensionId} in project ${projectId}`);
  if (!dashboard.enabled) throw new CockpitError('forbidden', `The dashboard of ${extensionId} is disabled.`);
  if (!dashboard.template.communityApproved) {
    throw new CockpitError('forbidden', `Template "${dashboard.template.name}" needs approval before it can be used.`);
  }
  if (!dashboard.config) throw invalid(dashboard.error ?? 'The dashboard configuration is invalid.');
  return dashboard.config;
}
