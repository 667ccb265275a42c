/**
 * The catalog of extension dashboard templates (`extension_dashboards`) and their version history
 * (`dashboard_versions`): import/export, approval, config changes with SemVer, rollback, diff and
 * RESTRICT-aware deletion. Every mutation is audited in its own transaction.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { dashboardVersions, extensionDashboards, projectExtensionMappings, projects } from '../../db/schema/index.js';
import { audited, type Executor } from '../audit.js';
import { CockpitError, invalid, notFound } from '../errors.js';
import {
  canonicalExtensionId,
  parseDashboardConfig,
  parseTemplateFile,
  TEMPLATE_FORMAT,
  type DashboardConfig,
  type TemplateFile,
} from './config.js';
import { diffJson, suggestBump, type DiffEntry } from './diff.js';
import { applyFormEdits, configFormFields, type FormEdit, type FormField } from './form.js';
import { jsonEqual } from './merge.js';
import { isDuplicateKey, isForeignKeyRestrict } from './retry.js';
import { bumpSemVer, compareSemVer, isSemVer, latestSemVer, type Bump } from './semver.js';

export type TemplateRow = typeof extensionDashboards.$inferSelect;
export type VersionRow = typeof dashboardVersions.$inferSelect;

export interface TemplateSummary {
  id: string;
  extensionId: string;
  dashboardId: string;
  name: string;
  description: string | null;
  author: string | null;
  communityApproved: boolean;
  downloadCount: number;
  version: string | null;
  updatedAt: string;
}

const summarize = (row: TemplateRow, version: string | null): TemplateSummary => ({
  id: row.id,
  extensionId: row.extensionId,
  dashboardId: row.dashboardId,
  name: row.name,
  description: row.description,
  author: row.author,
  communityApproved: row.communityApproved,
  downloadCount: row.downloadCount ?? 0,
  version,
  updatedAt: row.updatedAt,
});

/** Every template (optionally of one extension), each with its current (highest) version. */
export async function listTemplates(db: Db, extensionId?: string): Promise<TemplateSummary[]> {
  const rows = await db
    .select()
    .from(extensionDashboards)
    .where(extensionId ? eq(extensionDashboards.extensionId, canonicalExtensionId(extensionId)) : undefined)
    .orderBy(asc(extensionDashboards.extensionId), asc(extensionDashboards.dashboardId));
  const versions = rows.length
    ? await db
        .select({ dashboardId: dashboardVersions.dashboardId, version: dashboardVersions.version })
        .from(dashboardVersions)
        .where(
          inArray(
            dashboardVersions.dashboardId,
            rows.map((r) => r.id),
          ),
        )
    : [];
  return rows.map((row) =>
    summarize(row, latestSemVer(versions.filter((v) => v.dashboardId === row.id).map((v) => v.version)) ?? null),
  );
}

export async function getTemplate(db: Executor, templateId: string, options: { lock?: boolean } = {}) {
  const query = db.select().from(extensionDashboards).where(eq(extensionDashboards.id, templateId));
  const [row] = options.lock ? await query.for('update') : await query;
  if (!row) throw notFound('Dashboard template', templateId);
  return row;
}

/** Versions of a template, newest (highest SemVer) first. */
export async function listVersions(db: Executor, templateId: string): Promise<VersionRow[]> {
  const rows = await db.select().from(dashboardVersions).where(eq(dashboardVersions.dashboardId, templateId));
  return rows.sort((a, b) => compareSemVer(b.version, a.version));
}

async function insertVersion(
  tx: Executor,
  templateId: string,
  entry: { version: string; config: DashboardConfig; changelog: string | null; createdBy: string },
) {
  try {
    await tx.insert(dashboardVersions).values({ id: randomUUID(), dashboardId: templateId, ...entry });
  } catch (error) {
    // UNIQUE (dashboard_id, version): another window wrote the same version first.
    if (isDuplicateKey(error)) {
      throw new CockpitError('conflict', `Version ${entry.version} of this template already exists.`, 'version');
    }
    throw error;
  }
}

export interface ImportResult {
  template: TemplateSummary;
  outcome: 'created' | 'updated' | 'unchanged';
}

export interface ImportOptions {
  actor: string;
  /** Built-in templates ship approved; community ones wait for the user's approval. */
  source: 'builtin' | 'community';
  /** A user's import counts as a download; the built-in seeding at start-up does not. */
  countDownload?: boolean;
}

/**
 * Imports a template file idempotently, keyed by (extension_id, dashboard_id): a new key creates
 * the template and its first version; the same version with the same config changes nothing; a
 * higher version updates the config and writes a version (an updated community template needs
 * approval again); a lower or equal version with a different config is refused.
 */
export async function importTemplate(db: Db, source: string | unknown, options: ImportOptions): Promise<ImportResult> {
  const file = parseTemplateFile(source);
  const approved = options.source === 'builtin';
  return audited(
    db,
    {
      userId: options.actor,
      action: 'extension_dashboard.import',
      resourceType: 'extension_dashboard',
      metadata: {
        extensionId: file.extensionId,
        dashboardId: file.dashboardId,
        version: file.version,
        source: options.source,
      },
    },
    async (tx) => {
      const candidateId = randomUUID();
      await tx
        .insert(extensionDashboards)
        .values({
          id: candidateId,
          extensionId: file.extensionId,
          dashboardId: file.dashboardId,
          name: file.name,
          description: file.description ?? null,
          config: file.config,
          author: file.author ?? null,
          communityApproved: approved,
          downloadCount: 0,
        })
        // Concurrent imports of the same key converge on one row.
        .onDuplicateKeyUpdate({ set: { id: sql`id` } });
      const [row] = await tx
        .select()
        .from(extensionDashboards)
        .where(
          and(
            eq(extensionDashboards.extensionId, file.extensionId),
            eq(extensionDashboards.dashboardId, file.dashboardId),
          ),
        )
        .for('update');
      if (!row) throw new Error('The imported template vanished inside its transaction.');
      // affectedRows cannot tell (mysql2 reports found rows): our id is in the row only if we inserted it.
      const created = row.id === candidateId;
      const versions = await listVersions(tx, row.id);
      const current = versions[0];
      let outcome: ImportResult['outcome'];
      if (created) {
        await insertVersion(tx, row.id, {
          version: file.version,
          config: file.config,
          changelog: file.changelog ?? 'Imported.',
          createdBy: file.author || options.actor,
        });
        outcome = 'created';
      } else if (!current || compareSemVer(file.version, current.version) > 0) {
        await insertVersion(tx, row.id, {
          version: file.version,
          config: file.config,
          changelog: file.changelog ?? `Imported version ${file.version}.`,
          createdBy: file.author || options.actor,
        });
        await tx
          .update(extensionDashboards)
          .set({
            name: file.name,
            description: file.description ?? null,
            config: file.config,
            author: file.author ?? row.author,
            communityApproved: approved,
          })
          .where(eq(extensionDashboards.id, row.id));
        outcome = 'updated';
      } else if (jsonEqual(file.config, row.config)) {
        outcome = 'unchanged';
      } else {
        throw new CockpitError(
          'conflict',
          `Template "${row.name}" (${row.extensionId}/${row.dashboardId}) is at version ${current.version} with a different configuration; give the file a version above ${current.version} to update it.`,
          'version',
        );
      }
      if (options.countDownload) {
        await tx
          .update(extensionDashboards)
          .set({ downloadCount: sql`COALESCE(${extensionDashboards.downloadCount}, 0) + 1` })
          .where(eq(extensionDashboards.id, row.id));
      }
      const [fresh] = await tx.select().from(extensionDashboards).where(eq(extensionDashboards.id, row.id));
      return {
        template: summarize(fresh ?? row, latestSemVer([file.version, current?.version ?? file.version]) ?? null),
        outcome,
      };
    },
    (result) => ({ resourceId: result.template.id, metadata: { outcome: result.outcome } }),
  );
}

/**
 * Inserts the built-in templates that are not in the catalog yet. Existing ones are left alone,
 * edits included, so start-up never overwrites the user's work and never counts as a download.
 */
export async function ensureBuiltinTemplates(
  db: Db,
  files: readonly unknown[],
  actor = 'system',
): Promise<{ created: string[] }> {
  const parsed = files.map((file) => parseTemplateFile(file));
  const existing = await db
    .select({ extensionId: extensionDashboards.extensionId, dashboardId: extensionDashboards.dashboardId })
    .from(extensionDashboards)
    .where(
      inArray(
        extensionDashboards.extensionId,
        parsed.map((f) => f.extensionId),
      ),
    );
  const have = new Set(existing.map((e) => `${e.extensionId}/${e.dashboardId}`));
  const created: string[] = [];
  for (const file of parsed) {
    if (have.has(`${file.extensionId}/${file.dashboardId}`)) continue;
    const { outcome } = await importTemplate(db, file, { actor, source: 'builtin' });
    if (outcome === 'created') created.push(`${file.extensionId}/${file.dashboardId}`);
  }
  return { created };
}

/** The template as a file others can import; the version is the current one. */
export async function exportTemplate(db: Db, templateId: string): Promise<TemplateFile> {
  const row = await getTemplate(db, templateId);
  const [current] = await listVersions(db, templateId);
  const file: TemplateFile = {
    format: TEMPLATE_FORMAT,
    extensionId: row.extensionId,
    dashboardId: row.dashboardId,
    name: row.name,
    ...(row.description ? { description: row.description } : {}),
    ...(row.author ? { author: row.author } : {}),
    version: current?.version ?? '1.0.0',
    ...(current?.changelog ? { changelog: current.changelog } : {}),
    config: parseDashboardConfig(row.config),
  };
  return file;
}

export async function approveTemplate(db: Db, templateId: string, actor: string): Promise<void> {
  await audited(
    db,
    {
      userId: actor,
      action: 'extension_dashboard.approve',
      resourceType: 'extension_dashboard',
      resourceId: templateId,
    },
    async (tx) => {
      await getTemplate(tx, templateId, { lock: true });
      await tx
        .update(extensionDashboards)
        .set({ communityApproved: true })
        .where(eq(extensionDashboards.id, templateId));
    },
  );
}

/** A new config, whole or as form edits applied to the current one (read under the row lock). */
export type ConfigChange = {
  templateId: string;
  /** Defaults to the current version bumped as `suggestBump` says. */
  version?: string;
  changelog?: string;
  actor: string;
} & ({ config: unknown } | { edits: FormEdit[] });

export interface VersionResult {
  version: string;
  bump: Bump;
  previous: string | null;
}

/** The bump a new config would get and the version it leads to. */
export async function proposeVersion(db: Db, templateId: string, config: unknown) {
  const row = await getTemplate(db, templateId);
  const [current] = await listVersions(db, templateId);
  const next = parseDashboardConfig(config);
  const bump = suggestBump(row.config, next);
  return {
    current: current?.version ?? null,
    bump,
    suggested: bump === 'none' ? null : bumpSemVer(current?.version ?? '0.0.0', bump),
    diff: diffJson(row.config, next),
  };
}

/**
 * Changes a template's config and records the version: the version must be valid SemVer and
 * higher than every existing one; the row is locked so two windows cannot both write "the next".
 */
export async function updateTemplateConfig(db: Db, change: ConfigChange, action = 'extension_dashboard.update') {
  if (change.version !== undefined && !isSemVer(change.version)) {
    throw invalid(`"${change.version}" is not a SemVer version (e.g. 1.2.0).`, 'version');
  }
  return audited(
    db,
    {
      userId: change.actor,
      action,
      resourceType: 'extension_dashboard',
      resourceId: change.templateId,
      metadata: { version: change.version ?? null },
    },
    async (tx): Promise<VersionResult> => {
      const row = await getTemplate(tx, change.templateId, { lock: true });
      const config = parseDashboardConfig(
        'edits' in change
          ? applyFormEdits(row.config, configFormFields(row.config, row.config), change.edits)
          : change.config,
      );
      const [current] = await listVersions(tx, row.id);
      const kind = suggestBump(row.config, config);
      if (kind === 'none') throw invalid('The configuration is unchanged; there is nothing to version.', 'config');
      const previous = current?.version ?? null;
      const version = change.version ?? bumpSemVer(previous ?? '0.0.0', kind);
      if (previous && compareSemVer(version, previous) <= 0) {
        throw invalid(`Version ${version} must be higher than the current version ${previous}.`, 'version');
      }
      await insertVersion(tx, row.id, {
        version,
        config,
        changelog: change.changelog?.trim() || null,
        createdBy: change.actor,
      });
      await tx.update(extensionDashboards).set({ config }).where(eq(extensionDashboards.id, row.id));
      return { version, bump: kind, previous };
    },
    (result) => ({ metadata: { version: result.version, previous: result.previous, bump: result.bump } }),
  );
}

export interface TemplateEditor {
  id: string;
  name: string;
  extensionId: string;
  communityApproved: boolean;
  /** The current (highest) version. */
  version: string | null;
  fields: FormField[];
  /** The config as formatted JSON, for the raw editor. */
  json: string;
  versions: Array<{ version: string; changelog: string | null; createdBy: string | null; createdAt: string }>;
}

/** What the template editor shows: the config as a form and as JSON, and the version history. */
export async function templateEditor(db: Db, templateId: string): Promise<TemplateEditor> {
  const row = await getTemplate(db, templateId);
  const versions = await listVersions(db, templateId);
  return {
    id: row.id,
    name: row.name,
    extensionId: row.extensionId,
    communityApproved: row.communityApproved,
    version: versions[0]?.version ?? null,
    fields: configFormFields(row.config, row.config),
    json: JSON.stringify(row.config, null, 2),
    versions: versions.map((v) => ({
      version: v.version,
      changelog: v.changelog,
      createdBy: v.createdBy,
      createdAt: v.createdAt,
    })),
  };
}

/** The template's config with form edits applied (validated when it is saved or previewed). */
export async function templateConfigWithEdits(db: Db, templateId: string, edits: FormEdit[]): Promise<unknown> {
  const row = await getTemplate(db, templateId);
  return applyFormEdits(row.config, configFormFields(row.config, row.config), edits);
}

/** Restores the config of `toVersion` as a NEW version (history is never rewritten). */
export async function rollbackTemplate(
  db: Db,
  input: { templateId: string; toVersion: string; version?: string; changelog?: string; actor: string },
): Promise<VersionResult> {
  const [target] = await db
    .select()
    .from(dashboardVersions)
    .where(and(eq(dashboardVersions.dashboardId, input.templateId), eq(dashboardVersions.version, input.toVersion)));
  if (!target) throw notFound('Version', `${input.toVersion} of template ${input.templateId}`);
  return updateTemplateConfig(
    db,
    {
      templateId: input.templateId,
      config: target.config,
      ...(input.version ? { version: input.version } : {}),
      changelog: input.changelog?.trim() || `Rolled back to version ${input.toVersion}.`,
      actor: input.actor,
    },
    'extension_dashboard.rollback',
  );
}

/** Structural diff of the configs of two versions (`from` → `to`). */
export async function diffVersions(db: Db, templateId: string, from: string, to: string): Promise<DiffEntry[]> {
  const rows = await db
    .select()
    .from(dashboardVersions)
    .where(and(eq(dashboardVersions.dashboardId, templateId), inArray(dashboardVersions.version, [from, to])));
  const find = (version: string) => {
    const row = rows.find((r) => r.version === version);
    if (!row) throw notFound('Version', `${version} of template ${templateId}`);
    return row.config;
  };
  return diffJson(find(from), find(to));
}

/** Names of the projects whose mappings use the template. */
async function projectsUsing(db: Executor, templateId: string): Promise<string[]> {
  const rows = await db
    .select({ name: projects.name })
    .from(projectExtensionMappings)
    .innerJoin(projects, eq(projects.id, projectExtensionMappings.projectId))
    .where(eq(projectExtensionMappings.dashboardId, templateId))
    .orderBy(asc(projects.name));
  return rows.map((r) => r.name);
}

function restrictError(name: string, projectNames: string[]) {
  return new CockpitError(
    'conflict',
    `Template "${name}" is used by project${projectNames.length === 1 ? '' : 's'} ${projectNames
      .map((p) => `"${p}"`)
      .join(', ')}; map ${projectNames.length === 1 ? 'it' : 'them'} to another template or unmap the extension first.`,
  );
}

/** Deletes a template and its versions, refused (RESTRICT) while any project maps to it. */
export async function deleteTemplate(db: Db, templateId: string, actor: string): Promise<void> {
  try {
    await audited(
      db,
      {
        userId: actor,
        action: 'extension_dashboard.delete',
        resourceType: 'extension_dashboard',
        resourceId: templateId,
      },
      async (tx) => {
        const row = await getTemplate(tx, templateId, { lock: true });
        const users = await projectsUsing(tx, templateId);
        if (users.length > 0) throw restrictError(row.name, users);
        await tx.delete(extensionDashboards).where(eq(extensionDashboards.id, templateId));
      },
    );
  } catch (error) {
    // A mapping created between our check and the DELETE: the foreign key refuses (errno 1451).
    if (isForeignKeyRestrict(error)) {
      const row = await getTemplate(db, templateId);
      throw restrictError(row.name, await projectsUsing(db, templateId));
    }
    throw error;
  }
}
