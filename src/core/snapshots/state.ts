/**
 * Reads a project's state for a snapshot and writes one back. Reads run inside the caller's
 * transaction (a consistent view); writes delete and re-insert in dependency order with the
 * original ids and timestamps. Child rows are deleted explicitly rather than through ON DELETE
 * CASCADE: TiDB before 6.6 does not enforce foreign keys.
 */
import { asc, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../audit.js';
import {
  apiConfigurations,
  capabilities,
  dashboards,
  extensionDashboards,
  guardrails,
  modules,
  profiles,
  projectExtensionMappings,
  projects,
} from '../../db/schema/index.js';
import { CockpitError, notFound } from '../errors.js';
import { projectState, type ProjectState } from './document.js';

/** IN lists are chunked so one statement never carries thousands of ids. */
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

async function selectIn<T>(ids: readonly string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (const chunk of chunks(ids)) rows.push(...(await read(chunk)));
  return rows;
}

const byId = <T extends { id: string }>(rows: T[]) => rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/**
 * drizzle's varbinary column decodes bytes as UTF-8 text, which corrupts ciphertext: the bytes
 * travel as hex through SQL (HEX/UNHEX are portable; TO_BASE64 wraps lines on MySQL).
 */
const apiKeyHex = sql<string | null>`HEX(${apiConfigurations.apiKeyEncrypted})`;
const hexToBase64 = (hex: string | null) => (hex === null ? null : Buffer.from(hex, 'hex').toString('base64'));
const base64ToSql = (base64: string | null): SQL | null =>
  base64 === null ? null : sql`UNHEX(${Buffer.from(base64, 'base64').toString('hex')})`;

/** The project's full state, rows sorted by id; `lock` takes the project row FOR UPDATE first. */
export async function readProjectState(
  tx: Executor,
  projectId: string,
  options: { lock?: boolean } = {},
): Promise<ProjectState> {
  const projectQuery = tx.select().from(projects).where(eq(projects.id, projectId));
  const [project] = options.lock ? await projectQuery.for('update') : await projectQuery;
  if (!project) throw notFound('Project', projectId);

  const profileRows = await tx
    .select()
    .from(profiles)
    .where(eq(profiles.projectId, projectId))
    .orderBy(asc(profiles.id));
  const dashboardRows = byId(
    await selectIn(
      profileRows.map((p) => p.id),
      (ids) => tx.select().from(dashboards).where(inArray(dashboards.profileId, ids)),
    ),
  );
  const moduleRows = byId(
    await selectIn(
      dashboardRows.map((d) => d.id),
      (ids) => tx.select().from(modules).where(inArray(modules.dashboardId, ids)),
    ),
  );
  const capabilityRows = byId(
    await selectIn(
      moduleRows.map((m) => m.id),
      (ids) => tx.select().from(capabilities).where(inArray(capabilities.moduleId, ids)),
    ),
  );
  const guardrailRows = await tx
    .select()
    .from(guardrails)
    .where(eq(guardrails.projectId, projectId))
    .orderBy(asc(guardrails.id));
  const mappingRows = await tx
    .select()
    .from(projectExtensionMappings)
    .where(eq(projectExtensionMappings.projectId, projectId))
    .orderBy(asc(projectExtensionMappings.id));
  const apiRows = await tx
    .select({ ...getTableColumns(apiConfigurations), apiKeyEncrypted: apiKeyHex })
    .from(apiConfigurations)
    .where(eq(apiConfigurations.projectId, projectId))
    .orderBy(asc(apiConfigurations.id));

  // Validated like an imported file, so a snapshot that could not be restored is never stored.
  return projectState.parse({
    project,
    profiles: profileRows,
    dashboards: dashboardRows,
    modules: moduleRows,
    capabilities: capabilityRows,
    guardrails: guardrailRows.map((g) => ({ ...g, projectId })),
    extensionMappings: mappingRows,
    apiConfigurations: apiRows.map((a) => ({ ...a, apiKeyEncrypted: hexToBase64(a.apiKeyEncrypted) })),
  });
}

async function insertChunked<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (const chunk of chunks(rows)) await insert(chunk);
}

async function deleteIn(ids: readonly string[], remove: (chunk: string[]) => Promise<unknown>): Promise<void> {
  for (const chunk of chunks(ids)) await remove(chunk);
}

/**
 * Replaces the project's current state (`current`, read in this transaction) with `target`:
 * deletes children before parents, upserts the project row, inserts parents before children.
 * Runs inside the caller's transaction: any failure leaves everything as it was.
 */
export async function writeProjectState(
  tx: Executor,
  current: ProjectState | null,
  target: ProjectState,
): Promise<void> {
  const templateIds = [...new Set(target.extensionMappings.map((m) => m.dashboardId))];
  if (templateIds.length > 0) {
    const found = new Set(
      (
        await tx
          .select({ id: extensionDashboards.id })
          .from(extensionDashboards)
          .where(inArray(extensionDashboards.id, templateIds))
      ).map((r) => r.id),
    );
    const missing = templateIds.filter((templateId) => !found.has(templateId));
    if (missing.length > 0) {
      throw new CockpitError(
        'conflict',
        `The snapshot maps extensions to dashboard templates that are not installed: ${missing.join(', ')}.`,
        'state.extensionMappings',
      );
    }
  }

  if (current) {
    await deleteIn(
      current.capabilities.map((r) => r.id),
      (ids) => tx.delete(capabilities).where(inArray(capabilities.id, ids)),
    );
    await deleteIn(
      current.modules.map((r) => r.id),
      (ids) => tx.delete(modules).where(inArray(modules.id, ids)),
    );
    await deleteIn(
      current.dashboards.map((r) => r.id),
      (ids) => tx.delete(dashboards).where(inArray(dashboards.id, ids)),
    );
    await deleteIn(
      current.profiles.map((r) => r.id),
      (ids) => tx.delete(profiles).where(inArray(profiles.id, ids)),
    );
    await deleteIn(
      current.guardrails.map((r) => r.id),
      (ids) => tx.delete(guardrails).where(inArray(guardrails.id, ids)),
    );
    await deleteIn(
      current.extensionMappings.map((r) => r.id),
      (ids) => tx.delete(projectExtensionMappings).where(inArray(projectExtensionMappings.id, ids)),
    );
    await deleteIn(
      current.apiConfigurations.map((r) => r.id),
      (ids) => tx.delete(apiConfigurations).where(inArray(apiConfigurations.id, ids)),
    );
    // Explicit updated_at: ON UPDATE CURRENT_TIMESTAMP(6) applies only when the statement leaves it out.
    const { id: _id, ...fields } = target.project;
    await tx.update(projects).set(fields).where(eq(projects.id, target.project.id));
  } else {
    await tx.insert(projects).values(target.project);
  }

  await insertChunked(target.profiles, (rows) => tx.insert(profiles).values(rows));
  await insertChunked(target.dashboards, (rows) => tx.insert(dashboards).values(rows));
  await insertChunked(target.modules, (rows) => tx.insert(modules).values(rows));
  await insertChunked(target.capabilities, (rows) => tx.insert(capabilities).values(rows));
  await insertChunked(target.guardrails, (rows) => tx.insert(guardrails).values(rows));
  await insertChunked(target.extensionMappings, (rows) => tx.insert(projectExtensionMappings).values(rows));
  await insertChunked(target.apiConfigurations, (rows) =>
    tx.insert(apiConfigurations).values(rows.map((r) => ({ ...r, apiKeyEncrypted: base64ToSql(r.apiKeyEncrypted) }))),
  );
}
