/**
 * Profiles, dashboards and modules: create, rename, describe, delete, reorder — and the Single
 * Active Screen. Every mutation runs in one transaction with its audit row; dashboards and modules
 * get a version_history snapshot after each change.
 *
 * Locking: all writers take row locks in the order project → profile → dashboard → module. Profile
 * order changes lock the project row. Whatever changes
 * which dashboards a profile has (create, delete, reorder, switch) locks the profile row first, so
 * a profile can never end up pointing at a dashboard of another profile or at a deleted one.
 * Only `SELECT … FOR UPDATE` is used: TiDB refuses `FOR SHARE` by default. Reads that decide a write
 * are locking reads too: a plain read inside a TiDB transaction sees the snapshot taken at BEGIN,
 * which may predate a concurrent change committed before this transaction got its locks.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import * as z from 'zod';
import type { Db } from '../db/connection.js';
import { dashboards, modules, profiles, projects } from '../db/schema/index.js';
import { audited, type Executor } from './audit.js';
import { CockpitError, notFound } from './errors.js';
import { readSnapshot, recordVersion, type DashboardSnapshot, type ModuleSnapshot } from './history.js';
import {
  describeContent,
  emptyConfiguration,
  isKnownModuleType,
  KNOWN_MODULE_TYPES,
  parseConfiguration,
  zodToCockpit,
  type KnownModuleType,
  type ModuleConfiguration,
  type ModuleContent,
} from './module-config.js';

// ── validation ──────────────────────────────────────────────────────────────────────────────

const nameSchema = z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');
const descriptionSchema = z.string().trim().max(10_000, 'must be at most 10000 characters');
const layoutSchema = z.record(z.string(), z.unknown());

function check<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw zodToCockpit(result.error, field);
  return result.data;
}
const checkName = (value: unknown) => check(nameSchema, value, 'name');
const checkDescription = (value: unknown) =>
  value == null ? null : check(descriptionSchema, value, 'description') || null;

const changed = (what: string) =>
  new CockpitError('conflict', `The ${what} changed meanwhile (another window or the CLI); refresh and try again.`);

// ── reads ───────────────────────────────────────────────────────────────────────────────────

export interface DashboardSummary {
  id: string;
  profileId: string;
  name: string;
  description: string | null;
  position: number;
}

export interface ProfileTree {
  id: string;
  projectId: string;
  name: string;
  description: string | null;
  activeDashboardId: string | null;
  dashboards: DashboardSummary[];
}

/** A project's profiles in Master Control order with their dashboards in Master Control order. */
export async function projectHierarchy(db: Db, projectId: string): Promise<ProfileTree[]> {
  const profileRows = await db
    .select({
      id: profiles.id,
      projectId: profiles.projectId,
      name: profiles.name,
      description: profiles.description,
      activeDashboardId: profiles.activeDashboardId,
    })
    .from(profiles)
    .where(eq(profiles.projectId, projectId))
    .orderBy(asc(profiles.position), asc(profiles.createdAt), asc(profiles.id));
  if (profileRows.length === 0) return [];
  const dashboardRows = await db
    .select({
      id: dashboards.id,
      profileId: dashboards.profileId,
      name: dashboards.name,
      description: dashboards.description,
      position: dashboards.position,
    })
    .from(dashboards)
    .where(
      inArray(
        dashboards.profileId,
        profileRows.map((p) => p.id),
      ),
    )
    .orderBy(asc(dashboards.position), asc(dashboards.id));
  return profileRows.map((p) => ({ ...p, dashboards: dashboardRows.filter((d) => d.profileId === p.id) }));
}

export interface ModuleView {
  id: string;
  dashboardId: string;
  moduleType: string;
  name: string;
  position: number;
  updatedAt: string;
  content: ModuleContent;
}

export async function dashboardModules(db: Db, dashboardId: string): Promise<ModuleView[]> {
  const rows = await db
    .select()
    .from(modules)
    .where(eq(modules.dashboardId, dashboardId))
    .orderBy(asc(modules.position), asc(modules.id));
  return rows.map((m) => ({
    id: m.id,
    dashboardId: m.dashboardId,
    moduleType: m.moduleType,
    name: m.name,
    position: m.position,
    updatedAt: m.updatedAt,
    content: describeContent(m.moduleType, m.configuration),
  }));
}

// ── locks ───────────────────────────────────────────────────────────────────────────────────

async function lockProfile(tx: Executor, id: string) {
  const [row] = await tx.select().from(profiles).where(eq(profiles.id, id)).for('update');
  if (!row) throw notFound('Profile', id);
  return row;
}

async function lockDashboard(tx: Executor, id: string) {
  const [row] = await tx.select().from(dashboards).where(eq(dashboards.id, id)).for('update');
  if (!row) throw notFound('Dashboard', id);
  return row;
}

async function lockModule(tx: Executor, id: string) {
  const [row] = await tx.select().from(modules).where(eq(modules.id, id)).for('update');
  if (!row) throw notFound('Module', id);
  return row;
}

/** `SET position = CASE id WHEN … THEN 0 … END`: one statement for any number of rows. */
function positionsCase(
  column: typeof profiles.id | typeof dashboards.id | typeof modules.id,
  orderedIds: string[],
): SQL {
  const whens = orderedIds.map((id, index) => sql`WHEN ${id} THEN ${index}`);
  return sql`CASE ${column} ${sql.join(whens, sql` `)} END`;
}

function checkSameSet(current: string[], requested: string[], what: string): void {
  const unique = new Set(requested);
  if (unique.size !== requested.length) throw new CockpitError('invalid', `${what}: an id appears twice.`, 'ids');
  if (current.length !== requested.length || current.some((id) => !unique.has(id))) throw changed(what);
}

const dashboardSnapshot = (d: { name: string; description: string | null; layout: unknown }): DashboardSnapshot => ({
  name: d.name,
  description: d.description,
  layout: d.layout,
});

// ── profiles ────────────────────────────────────────────────────────────────────────────────

export async function createProfile(
  db: Db,
  actor: string,
  input: { projectId: string; name: string; description?: string | null },
): Promise<{ id: string }> {
  const id = randomUUID();
  return audited(
    db,
    { userId: actor, action: 'profile.create', resourceType: 'profile', metadata: { projectId: input.projectId } },
    async (tx) => {
      const name = checkName(input.name);
      const description = checkDescription(input.description);
      const [project] = await tx
        .select({ id: projects.id })
        .from(projects)
        .where(eq(projects.id, input.projectId))
        .for('update');
      if (!project) throw notFound('Project', input.projectId);
      const [last] = await tx
        .select({ position: sql<number | null>`MAX(${profiles.position})` })
        .from(profiles)
        .where(eq(profiles.projectId, project.id))
        .for('update');
      const position = last?.position == null ? 0 : Number(last.position) + 1;
      await tx.insert(profiles).values({ id, projectId: input.projectId, name, description, position });
      return { id };
    },
    () => ({ resourceId: id, metadata: { projectId: input.projectId, after: id } }),
  );
}

export async function updateProfile(
  db: Db,
  actor: string,
  id: string,
  input: { name?: string; description?: string | null },
): Promise<void> {
  await audited(
    db,
    { userId: actor, action: 'profile.update', resourceType: 'profile', resourceId: id },
    async (tx) => {
      const patch = {
        ...(input.name !== undefined && { name: checkName(input.name) }),
        ...(input.description !== undefined && { description: checkDescription(input.description) }),
      };
      const before = await lockProfile(tx, id);
      if (Object.keys(patch).length > 0) await tx.update(profiles).set(patch).where(eq(profiles.id, id));
      return { before: { name: before.name, description: before.description }, after: patch };
    },
    (result) => ({ metadata: result }),
  );
}

/** Deletes the profile with its dashboards and modules (their history stays). */
export async function deleteProfile(db: Db, actor: string, id: string): Promise<void> {
  await audited(
    db,
    { userId: actor, action: 'profile.delete', resourceType: 'profile', resourceId: id },
    async (tx) => {
      const [owner] = await tx.select({ projectId: profiles.projectId }).from(profiles).where(eq(profiles.id, id));
      if (!owner) throw notFound('Profile', id);
      await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, owner.projectId)).for('update');
      const profile = await lockProfile(tx, id);
      await tx.delete(profiles).where(eq(profiles.id, id));
      await compactProfiles(tx, profile.projectId);
      return { projectId: profile.projectId, name: profile.name };
    },
    (result) => ({ metadata: result }),
  );
}

async function compactProfiles(tx: Executor, projectId: string): Promise<void> {
  const remaining = await tx
    .select({ id: profiles.id })
    .from(profiles)
    .where(eq(profiles.projectId, projectId))
    .orderBy(asc(profiles.position), asc(profiles.createdAt), asc(profiles.id))
    .for('update');
  if (remaining.length === 0) return;
  await tx
    .update(profiles)
    .set({
      position: positionsCase(
        profiles.id,
        remaining.map((r) => r.id),
      ),
    })
    .where(eq(profiles.projectId, projectId));
}

/** Sets the order of a project's profiles; `orderedIds` must name exactly its profiles. */
export async function reorderProfiles(db: Db, actor: string, projectId: string, orderedIds: string[]): Promise<void> {
  await audited(
    db,
    { userId: actor, action: 'profile.reorder', resourceType: 'project', resourceId: projectId },
    async (tx) => {
      const [project] = await tx
        .select({ id: projects.id })
        .from(projects)
        .where(eq(projects.id, projectId))
        .for('update');
      if (!project) throw notFound('Project', projectId);
      const current = await tx
        .select({ id: profiles.id })
        .from(profiles)
        .where(eq(profiles.projectId, projectId))
        .orderBy(asc(profiles.position))
        .for('update');
      checkSameSet(
        current.map((c) => c.id),
        orderedIds,
        'profile order',
      );
      if (orderedIds.length > 0) {
        await tx
          .update(profiles)
          .set({ position: positionsCase(profiles.id, orderedIds) })
          .where(eq(profiles.projectId, projectId));
      }
      return { before: current.map((c) => c.id), after: orderedIds };
    },
    (result) => ({ metadata: result }),
  );
}

// ── dashboards and the Single Active Screen ─────────────────────────────────────────────────

export async function createDashboard(
  db: Db,
  actor: string,
  input: { profileId: string; name: string; description?: string | null; layout?: Record<string, unknown> },
): Promise<{ id: string; active: boolean }> {
  const id = randomUUID();
  return audited(
    db,
    { userId: actor, action: 'dashboard.create', resourceType: 'dashboard', metadata: { profileId: input.profileId } },
    async (tx) => {
      const name = checkName(input.name);
      const description = checkDescription(input.description);
      const layout = check(layoutSchema, input.layout ?? {}, 'layout');
      const profile = await lockProfile(tx, input.profileId);
      const [last] = await tx
        .select({ position: sql<number | null>`MAX(${dashboards.position})` })
        .from(dashboards)
        .where(eq(dashboards.profileId, profile.id))
        .for('update');
      const position = last?.position == null ? 0 : Number(last.position) + 1;
      await tx.insert(dashboards).values({ id, profileId: profile.id, name, description, layout, position });
      // A profile with dashboards always has an active one.
      const active = profile.activeDashboardId === null;
      if (active) await tx.update(profiles).set({ activeDashboardId: id }).where(eq(profiles.id, profile.id));
      await recordVersion(tx, 'dashboard', id, dashboardSnapshot({ name, description, layout }), 'Created', actor);
      return { id, active };
    },
    (result) => ({ resourceId: id, metadata: { profileId: input.profileId, after: id, active: result.active } }),
  );
}

export async function updateDashboard(
  db: Db,
  actor: string,
  id: string,
  input: { name?: string; description?: string | null; layout?: Record<string, unknown> },
): Promise<{ version: number }> {
  const what = Object.keys(input).join(', ') || 'nothing';
  return audited(
    db,
    {
      userId: actor,
      action: 'dashboard.update',
      resourceType: 'dashboard',
      resourceId: id,
      metadata: { fields: what },
    },
    async (tx) => {
      const patch = {
        ...(input.name !== undefined && { name: checkName(input.name) }),
        ...(input.description !== undefined && { description: checkDescription(input.description) }),
        ...(input.layout !== undefined && { layout: check(layoutSchema, input.layout, 'layout') }),
      };
      const before = await lockDashboard(tx, id);
      if (Object.keys(patch).length > 0) await tx.update(dashboards).set(patch).where(eq(dashboards.id, id));
      const version = await recordVersion(
        tx,
        'dashboard',
        id,
        dashboardSnapshot({ ...before, ...patch }),
        patch.name && patch.name !== before.name ? `Renamed from "${before.name}"` : `Changed ${what}`,
        actor,
      );
      return { version };
    },
  );
}

/** Moves the Single Active Screen of a profile to one of its own dashboards. */
export async function switchActiveDashboard(
  db: Db,
  actor: string,
  profileId: string,
  dashboardId: string,
): Promise<{ before: string | null; after: string }> {
  return audited(
    db,
    {
      userId: actor,
      action: 'profile.switch_active',
      resourceType: 'profile',
      resourceId: profileId,
      metadata: { after: dashboardId },
    },
    async (tx) => {
      const profile = await lockProfile(tx, profileId);
      const [dashboard] = await tx
        .select({ profileId: dashboards.profileId })
        .from(dashboards)
        .where(eq(dashboards.id, dashboardId))
        .for('update');
      if (!dashboard) throw notFound('Dashboard', dashboardId);
      if (dashboard.profileId !== profileId) {
        throw new CockpitError('invalid', `Dashboard ${dashboardId} belongs to another profile.`, 'dashboardId');
      }
      if (profile.activeDashboardId !== dashboardId) {
        await tx.update(profiles).set({ activeDashboardId: dashboardId }).where(eq(profiles.id, profileId));
      }
      return { before: profile.activeDashboardId, after: dashboardId };
    },
    (result) => ({ metadata: result }),
  );
}

/**
 * Deletes a dashboard with its modules and closes the gap in the order. When it was the active
 * one, the next dashboard by position becomes active (the previous one when it was the last;
 * NULL when none is left).
 */
export async function deleteDashboard(
  db: Db,
  actor: string,
  id: string,
): Promise<{ activeDashboardId: string | null }> {
  return audited(
    db,
    { userId: actor, action: 'dashboard.delete', resourceType: 'dashboard', resourceId: id },
    async (tx) => {
      // Lock order is profile → dashboard, so find the profile first with a plain read.
      const profile = await lockProfile(tx, await profileOf(tx, id));
      const dashboard = await lockDashboard(tx, id);
      if (dashboard.profileId !== profile.id) throw changed('dashboard');
      const siblings = await tx
        .select({ id: dashboards.id, position: dashboards.position })
        .from(dashboards)
        .where(eq(dashboards.profileId, profile.id))
        .orderBy(asc(dashboards.position), asc(dashboards.id))
        .for('update');
      const index = siblings.findIndex((s) => s.id === id);
      const remaining = siblings.filter((s) => s.id !== id);
      await tx.delete(dashboards).where(eq(dashboards.id, id));
      if (remaining.length > 0) {
        await tx
          .update(dashboards)
          .set({
            position: positionsCase(
              dashboards.id,
              remaining.map((r) => r.id),
            ),
          })
          .where(eq(dashboards.profileId, profile.id));
      }
      let active = profile.activeDashboardId;
      if (active === id || (active !== null && !remaining.some((r) => r.id === active))) {
        active = (remaining[index] ?? remaining[index - 1] ?? null)?.id ?? null;
        await tx.update(profiles).set({ activeDashboardId: active }).where(eq(profiles.id, profile.id));
      }
      return {
        activeDashboardId: active,
        before: profile.activeDashboardId,
        name: dashboard.name,
        profileId: profile.id,
      };
    },
    (result) => ({
      metadata: {
        profileId: result.profileId,
        before: result.before,
        after: result.activeDashboardId,
        name: result.name,
      },
    }),
  ).then(({ activeDashboardId }) => ({ activeDashboardId }));
}

async function profileOf(tx: Executor, dashboardId: string): Promise<string> {
  const [row] = await tx
    .select({ profileId: dashboards.profileId })
    .from(dashboards)
    .where(eq(dashboards.id, dashboardId));
  if (!row) throw notFound('Dashboard', dashboardId);
  return row.profileId;
}

/** Sets the Master Control order; `orderedIds` must name exactly the profile's dashboards. */
export async function reorderDashboards(db: Db, actor: string, profileId: string, orderedIds: string[]): Promise<void> {
  await audited(
    db,
    { userId: actor, action: 'dashboard.reorder', resourceType: 'profile', resourceId: profileId },
    async (tx) => {
      await lockProfile(tx, profileId);
      const current = await tx
        .select({ id: dashboards.id })
        .from(dashboards)
        .where(eq(dashboards.profileId, profileId))
        .orderBy(asc(dashboards.position))
        .for('update');
      checkSameSet(
        current.map((c) => c.id),
        orderedIds,
        'dashboard order',
      );
      if (orderedIds.length > 0) {
        await tx
          .update(dashboards)
          .set({ position: positionsCase(dashboards.id, orderedIds) })
          .where(eq(dashboards.profileId, profileId));
      }
      return { before: current.map((c) => c.id), after: orderedIds };
    },
    (result) => ({ metadata: result }),
  );
}

// ── modules ─────────────────────────────────────────────────────────────────────────────────

export async function createModule(
  db: Db,
  actor: string,
  input: { dashboardId: string; moduleType: string; name: string; configuration?: unknown },
): Promise<{ id: string }> {
  const id = randomUUID();
  const { moduleType } = input;
  return audited(
    db,
    {
      userId: actor,
      action: 'module.create',
      resourceType: 'module',
      metadata: { dashboardId: input.dashboardId, moduleType },
    },
    async (tx) => {
      const name = checkName(input.name);
      if (!isKnownModuleType(moduleType)) {
        throw new CockpitError('invalid', `moduleType: must be one of ${KNOWN_MODULE_TYPES.join(', ')}.`, 'moduleType');
      }
      const configuration =
        input.configuration === undefined
          ? emptyConfiguration(moduleType)
          : parseConfiguration(moduleType, input.configuration);
      const dashboard = await lockDashboard(tx, input.dashboardId);
      const [last] = await tx
        .select({ position: sql<number | null>`MAX(${modules.position})` })
        .from(modules)
        .where(eq(modules.dashboardId, dashboard.id))
        .for('update');
      const position = last?.position == null ? 0 : Number(last.position) + 1;
      await tx.insert(modules).values({ id, dashboardId: dashboard.id, moduleType, name, configuration, position });
      await recordVersion(tx, 'module', id, { name, moduleType, configuration }, 'Created', actor);
      return { id };
    },
    () => ({ resourceId: id, metadata: { dashboardId: input.dashboardId, moduleType, after: id } }),
  );
}

export async function renameModule(db: Db, actor: string, id: string, newName: string): Promise<{ version: number }> {
  return audited(db, { userId: actor, action: 'module.update', resourceType: 'module', resourceId: id }, async (tx) => {
    const name = checkName(newName);
    const before = await lockModule(tx, id);
    await tx.update(modules).set({ name }).where(eq(modules.id, id));
    const version = await recordVersion(
      tx,
      'module',
      id,
      { name, moduleType: before.moduleType, configuration: before.configuration },
      `Renamed from "${before.name}"`,
      actor,
    );
    return { version };
  });
}

/**
 * Changes a module's configuration under its row lock: `change` gets the current, validated
 * configuration and returns the new one (validated again) and what it did (history, audit).
 * Modules of unknown types, or whose stored configuration is invalid, are read-only.
 */
export async function changeModuleConfiguration<T extends KnownModuleType>(
  db: Db,
  actor: string,
  id: string,
  expectedType: T | null,
  action: string,
  change: (
    configuration: ModuleConfiguration<T>,
  ) => { configuration: unknown; description: string } | Promise<{ configuration: unknown; description: string }>,
): Promise<{ version: number }> {
  return audited(db, { userId: actor, action, resourceType: 'module', resourceId: id }, async (tx) => {
    const row = await lockModule(tx, id);
    if (expectedType !== null && row.moduleType !== expectedType) {
      throw new CockpitError('invalid', `Module ${id} is a ${row.moduleType}, not a ${expectedType}.`, 'moduleId');
    }
    if (!isKnownModuleType(row.moduleType)) {
      throw new CockpitError('forbidden', `Module type "${row.moduleType}" is read-only in this version.`);
    }
    const type = row.moduleType as T;
    let current: ModuleConfiguration<T>;
    try {
      current = parseConfiguration(type, row.configuration);
    } catch (error) {
      throw new CockpitError(
        'forbidden',
        `The stored configuration is invalid (${(error as Error).message}); it is shown read-only. Restore a version or fix it.`,
      );
    }
    const next = await change(current);
    const configuration = parseConfiguration(type, next.configuration);
    await tx.update(modules).set({ configuration }).where(eq(modules.id, id));
    const version = await recordVersion(
      tx,
      'module',
      id,
      { name: row.name, moduleType: row.moduleType, configuration },
      next.description,
      actor,
    );
    return { version };
  });
}

/** Replaces a module's whole configuration (a JSON string or value), validated for its type. */
export function setModuleConfiguration(db: Db, actor: string, id: string, configuration: unknown) {
  return changeModuleConfiguration(db, actor, id, null, 'module.configure', () => ({
    configuration,
    description: 'Configuration replaced',
  }));
}

export async function deleteModule(db: Db, actor: string, id: string): Promise<void> {
  await audited(
    db,
    { userId: actor, action: 'module.delete', resourceType: 'module', resourceId: id },
    async (tx) => {
      // Lock order is dashboard → module, so find the dashboard first with a plain read.
      const [row] = await tx.select({ dashboardId: modules.dashboardId }).from(modules).where(eq(modules.id, id));
      if (!row) throw notFound('Module', id);
      await lockDashboard(tx, row.dashboardId);
      const module = await lockModule(tx, id);
      if (module.dashboardId !== row.dashboardId) throw changed('module');
      await tx.delete(modules).where(eq(modules.id, id));
      const remaining = await tx
        .select({ id: modules.id })
        .from(modules)
        .where(eq(modules.dashboardId, row.dashboardId))
        .orderBy(asc(modules.position), asc(modules.id))
        .for('update');
      if (remaining.length > 0) {
        await tx
          .update(modules)
          .set({
            position: positionsCase(
              modules.id,
              remaining.map((r) => r.id),
            ),
          })
          .where(eq(modules.dashboardId, row.dashboardId));
      }
      return { dashboardId: row.dashboardId, name: module.name, moduleType: module.moduleType };
    },
    (result) => ({ metadata: result }),
  );
}

export async function reorderModules(db: Db, actor: string, dashboardId: string, orderedIds: string[]): Promise<void> {
  await audited(
    db,
    { userId: actor, action: 'module.reorder', resourceType: 'dashboard', resourceId: dashboardId },
    async (tx) => {
      await lockDashboard(tx, dashboardId);
      const current = await tx
        .select({ id: modules.id })
        .from(modules)
        .where(eq(modules.dashboardId, dashboardId))
        .orderBy(asc(modules.position))
        .for('update');
      checkSameSet(
        current.map((c) => c.id),
        orderedIds,
        'module order',
      );
      if (orderedIds.length > 0) {
        await tx
          .update(modules)
          .set({ position: positionsCase(modules.id, orderedIds) })
          .where(eq(modules.dashboardId, dashboardId));
      }
      return { before: current.map((c) => c.id), after: orderedIds };
    },
    (result) => ({ metadata: result }),
  );
}

// ── restore ─────────────────────────────────────────────────────────────────────────────────

const dashboardSnapshotSchema = z.object({
  name: nameSchema,
  description: z.string().nullable(),
  layout: z.record(z.string(), z.unknown()),
});
const moduleSnapshotSchema = z.object({ name: nameSchema, moduleType: z.string(), configuration: z.unknown() });

/** Brings a snapshot back; the restore is itself recorded as a new version. */
export async function restoreVersion(
  db: Db,
  actor: string,
  resourceType: 'dashboard' | 'module',
  resourceId: string,
  versionNumber: number,
): Promise<{ version: number }> {
  return audited(
    db,
    {
      userId: actor,
      action: `${resourceType}.restore`,
      resourceType,
      resourceId,
      metadata: { restoredVersion: versionNumber },
    },
    async (tx) => {
      const description = `Restored version ${versionNumber}`;
      if (resourceType === 'dashboard') {
        await lockDashboard(tx, resourceId);
        const snapshot = parseSnapshot(
          dashboardSnapshotSchema,
          await readSnapshot(tx, resourceType, resourceId, versionNumber),
          versionNumber,
        );
        await tx.update(dashboards).set(snapshot).where(eq(dashboards.id, resourceId));
        return { version: await recordVersion(tx, 'dashboard', resourceId, snapshot, description, actor) };
      }
      const current = await lockModule(tx, resourceId);
      const snapshot = parseSnapshot(
        moduleSnapshotSchema,
        await readSnapshot(tx, resourceType, resourceId, versionNumber),
        versionNumber,
      );
      // A snapshot of a known type must still be valid for it; unknown types come back as they were.
      const configuration = isKnownModuleType(current.moduleType)
        ? parseConfiguration(current.moduleType, snapshot.configuration)
        : snapshot.configuration;
      await tx.update(modules).set({ name: snapshot.name, configuration }).where(eq(modules.id, resourceId));
      const restored: ModuleSnapshot = { name: snapshot.name, moduleType: current.moduleType, configuration };
      return { version: await recordVersion(tx, 'module', resourceId, restored, description, actor) };
    },
  );
}

function parseSnapshot<T>(schema: z.ZodType<T>, snapshot: unknown, versionNumber: number): T {
  if (snapshot === undefined) {
    throw new CockpitError('not-found', `Version ${versionNumber} does not exist.`, 'versionNumber');
  }
  const result = schema.safeParse(snapshot);
  if (!result.success)
    throw new CockpitError(
      'invalid',
      `Version ${versionNumber} cannot be restored: ${zodToCockpit(result.error, 'snapshot').message}`,
    );
  return result.data;
}

// ── single rows (for confirmations and pickers) ─────────────────────────────────────────────

export async function getProfile(db: Db, id: string) {
  const [row] = await db.select().from(profiles).where(eq(profiles.id, id));
  if (!row) throw notFound('Profile', id);
  return row;
}

export async function getDashboard(db: Db, id: string) {
  const [row] = await db.select().from(dashboards).where(eq(dashboards.id, id));
  if (!row) throw notFound('Dashboard', id);
  return row;
}

export async function getModule(db: Db, id: string) {
  const [row] = await db.select().from(modules).where(eq(modules.id, id));
  if (!row) throw notFound('Module', id);
  return row;
}
