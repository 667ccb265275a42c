/**
 * Workspace folder → project: by the project id in `.vscode/cockpit.json`, else by the folder's git
 * remote, else a new project instantiated from a workflow template (profiles, dashboards and
 * modules in ONE transaction — a failure leaves nothing behind).
 */
import { hash, randomUUID } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { asc, eq, isNotNull, sql } from 'drizzle-orm';
import * as z from 'zod';
import type { Db } from '../db/connection.js';
import { poolOf, withNamedLock } from '../db/lock.js';
import { dashboards, modules, profiles, projects, templates, versionHistory } from '../db/schema/index.js';
import { resolveActor } from './actor.js';
import { audited } from './audit.js';
import { CockpitError, invalid, notFound, parseJsonText } from './errors.js';
import { normalizeRemoteUrl, normalizeRepository, originOf } from './git.js';
import { isKnownModuleType, parseConfiguration, zodToCockpit } from './module-config.js';

export interface Project {
  id: string;
  name: string;
  description: string | null;
  ownerUserId: string;
  workflowTemplate: string | null;
  gitRepository: string | null;
}

const projectColumns = {
  id: projects.id,
  name: projects.name,
  description: projects.description,
  ownerUserId: projects.ownerUserId,
  workflowTemplate: projects.workflowTemplate,
  gitRepository: projects.gitRepository,
};

export async function getProject(db: Db, id: string): Promise<Project | undefined> {
  const [row] = await db.select(projectColumns).from(projects).where(eq(projects.id, id));
  return row;
}

/** How a folder's project was found: its link file, its git remote, or it was created for it. */
export type FolderMatch = 'link' | 'git' | 'created';

/**
 * The project of a folder: the linked id wins; else the oldest project whose `git_repository` is
 * the same repository in any URL form (`git@host:org/repo.git` matches `https://host/org/repo`, as
 * two teammates' clones of one repository must).
 */
export async function findProject(
  db: Db,
  folder: { linkedProjectId?: string; gitRepository?: string },
): Promise<{ project: Project; matchedBy: 'link' | 'git' } | undefined> {
  if (folder.linkedProjectId) {
    const project = await getProject(db, folder.linkedProjectId);
    if (project) return { project, matchedBy: 'link' };
  }
  if (folder.gitRepository) {
    const wanted = normalizeRepository(folder.gitRepository);
    const candidates = await db
      .select(projectColumns)
      .from(projects)
      .where(isNotNull(projects.gitRepository))
      .orderBy(asc(projects.createdAt), asc(projects.id));
    const project = candidates.find((p) => normalizeRepository(p.gitRepository!) === wanted);
    if (project) return { project, matchedBy: 'git' };
  }
  return undefined;
}

/**
 * A workspace folder's project — one folder, one project, the same answer for the Cockpit, the file
 * watcher and the token tracker: the project its `.vscode/cockpit.json` links, else the one of its
 * git remote (read from the repository's config, no git process). A malformed link file is an error.
 */
export async function findFolderProject(
  db: Db,
  folder: string,
): Promise<{ project: Project; matchedBy: 'link' | 'git' } | undefined> {
  return findProject(db, await folderHints(folder));
}

/** What identifies a folder's project: its link file's id and its git remote. */
async function folderHints(folder: string): Promise<{ linkedProjectId?: string; gitRepository?: string }> {
  const [linkedProjectId, gitRepository] = await Promise.all([readProjectLink(folder), originOf(folder)]);
  return { linkedProjectId, gitRepository };
}

/**
 * findFolderProject, else a new project for the folder (capturing a folder that has none): named
 * after the folder, with its remote, and — as for a project created in the Cockpit — a link file
 * when there is no remote to find it by. A link naming a project this database lacks (a teammate's
 * link, a fresh database) creates the project under that id. Its owner is `actor`, else the
 * folder's git identity (asked only when a project is created).
 */
export async function ensureFolderProject(
  db: Db,
  folder: string,
  actor?: string,
): Promise<{ project: Project; matchedBy: FolderMatch }> {
  const hints = await folderHints(folder);
  const found = await findProject(db, hints);
  if (found) return found;
  return deciding(
    db,
    folder,
    hints,
    async (current) => (await findProject(db, current)) ?? createFolderProject(db, folder, current, actor),
  );
}

/**
 * The Cockpit's "Create" for a folder: a project from a workflow template with the folder's remote,
 * and — without a remote, where `writeLink` allows — a `.vscode/cockpit.json` link (a link that cannot
 * be written is reported, not thrown: the project exists). If the folder got a project meanwhile
 * (another window, a capture), that one is returned instead of making a second.
 */
export async function createFolderProjectFromTemplate(
  db: Db,
  actor: string,
  folder: string,
  input: { name: string; template: string; writeLink: boolean },
): Promise<{ projectId: string; created: boolean; linkError?: string }> {
  return deciding(db, folder, await folderHints(folder), async (hints) => {
    const existing = await findProject(db, hints);
    if (existing) return { projectId: existing.project.id, created: false };
    const gitRepository = hints.gitRepository ? normalizeRemoteUrl(hints.gitRepository) : undefined;
    const { name, template } = input;
    const { projectId } = await createProjectFromTemplate(db, actor, { name, template, gitRepository });
    if (gitRepository || !input.writeLink) return { projectId, created: true };
    const linkError = await writeProjectLink(folder, projectId).then(
      () => undefined,
      (error: Error) => error.message,
    );
    return { projectId, created: true, ...(linkError && { linkError }) };
  });
}

/**
 * Runs `decide` holding the database lock of the folder's project identity (its link, else its
 * repository, else its path), with the folder's hints read again under it: two windows, or a window
 * and `cockpit capture`, that meet a folder without a project at once take turns, and the second
 * finds the project — or the link — the first made.
 */
function deciding<T>(
  db: Db,
  folder: string,
  hints: { linkedProjectId?: string; gitRepository?: string },
  decide: (current: { linkedProjectId?: string; gitRepository?: string }) => Promise<T>,
): Promise<T> {
  const identity =
    hints.linkedProjectId ?? (hints.gitRepository ? normalizeRepository(hints.gitRepository) : path.resolve(folder));
  return withNamedLock(
    poolOf(db),
    `cockpit_project_${hash('sha256', identity, 'hex').slice(0, 40)}`,
    {
      timeoutSeconds: 30,
      busyMessage: `Another window or process has been creating the project of ${folder} for 30 seconds; try again.`,
    },
    async () => decide(await folderHints(folder)),
  );
}

/** A new project for a folder that has none (ensureFolderProject, holding the folder's lock). */
async function createFolderProject(
  db: Db,
  folder: string,
  hints: { linkedProjectId?: string; gitRepository?: string },
  actor: string | undefined,
): Promise<{ project: Project; matchedBy: FolderMatch }> {
  const { linkedProjectId, gitRepository: remote } = hints;
  const owner = actor ?? (await resolveActor(folder));
  const project: Project = {
    id: linkedProjectId ?? randomUUID(),
    name: path.basename(path.resolve(folder)) || 'project',
    description: null,
    ownerUserId: owner,
    workflowTemplate: null,
    gitRepository: remote ? normalizeRemoteUrl(remote) : null,
  };
  await audited(
    db,
    {
      userId: owner,
      action: 'project.create',
      resourceType: 'project',
      resourceId: project.id,
      metadata: { source: 'capture' },
    },
    (tx) => tx.insert(projects).values(project),
  );
  if (!remote && !linkedProjectId) await writeProjectLink(folder, project.id);
  return { project, matchedBy: 'created' };
}

// ── .vscode/cockpit.json ────────────────────────────────────────────────────────────────────

export const PROJECT_LINK_FILE = path.join('.vscode', 'cockpit.json');
const projectLink = z.object({ projectId: z.string().min(1).max(36) }).passthrough();

/** A link file holds one id and maybe a few other keys: anything larger is not read. */
const MAX_PROJECT_LINK_BYTES = 64 * 1024;

/** The project id a folder is linked to, undefined without a link file; a malformed file is an error. */
export async function readProjectLink(folder: string): Promise<string | undefined> {
  const file = path.join(folder, PROJECT_LINK_FILE);
  const size = await stat(file).then(
    (s) => (s.isFile() ? s.size : undefined),
    () => undefined,
  );
  if (size === undefined) return undefined;
  if (size > MAX_PROJECT_LINK_BYTES) {
    throw invalid(`${PROJECT_LINK_FILE} is ${size} bytes; a project link is at most 64 KB.`, 'projectId');
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const json = parseJsonText(text, PROJECT_LINK_FILE, 'projectId');
  const parsed = projectLink.safeParse(json);
  if (!parsed.success) throw zodToCockpit(parsed.error, PROJECT_LINK_FILE);
  return parsed.data.projectId;
}

/** Writes the link, keeping any other keys the file has. */
export async function writeProjectLink(folder: string, projectId: string): Promise<void> {
  const file = path.join(folder, PROJECT_LINK_FILE);
  let existing: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) existing = parsed as Record<string, unknown>;
  } catch {
    // missing or malformed: replaced by a valid link
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ ...existing, projectId }, null, 2)}\n`);
}

// ── templates ───────────────────────────────────────────────────────────────────────────────

const nameField = z.string().trim().min(1).max(255);
const templateSpecification = z.object({
  profiles: z
    .array(
      z.object({
        name: nameField,
        description: z.string().max(10_000).optional(),
        dashboards: z.array(
          z.object({
            name: nameField,
            description: z.string().max(10_000).optional(),
            layout: z.record(z.string(), z.unknown()).optional(),
            modules: z.array(
              z.object({ type: z.string().min(1).max(100), name: nameField, configuration: z.unknown() }),
            ),
          }),
        ),
      }),
    )
    .min(1),
});

export interface WorkflowTemplate {
  id: string;
  name: string;
  description: string | null;
}

export async function listWorkflowTemplates(db: Db): Promise<WorkflowTemplate[]> {
  return db
    .select({ id: templates.id, name: templates.name, description: templates.description })
    .from(templates)
    .where(eq(templates.category, 'workflow'))
    .orderBy(asc(templates.name));
}

/**
 * Creates a project with the template's whole hierarchy: each profile's first dashboard is its
 * active one; every dashboard and module starts at version 1. One transaction, batched inserts.
 */
export async function createProjectFromTemplate(
  db: Db,
  actor: string,
  input: { name: string; template: string; description?: string | null; gitRepository?: string | null },
): Promise<{ projectId: string; profiles: number; dashboards: number; modules: number }> {
  const name = nameField.safeParse(input.name);
  if (!name.success) throw zodToCockpit(name.error, 'name');
  const [template] = await db.select().from(templates).where(eq(templates.name, input.template));
  if (!template || template.category !== 'workflow') throw notFound('Workflow template', input.template);
  const spec = templateSpecification.safeParse(template.specification);
  if (!spec.success) {
    throw new CockpitError(
      'invalid',
      `Template ${template.name} is malformed: ${zodToCockpit(spec.error, 'specification').message}`,
    );
  }

  const projectId = randomUUID();
  const rows = {
    profiles: [] as Array<typeof profiles.$inferInsert>,
    dashboards: [] as Array<typeof dashboards.$inferInsert>,
    modules: [] as Array<typeof modules.$inferInsert>,
    versions: [] as Array<typeof versionHistory.$inferInsert>,
  };
  const version = (resourceType: 'dashboard' | 'module', resourceId: string, snapshot: object) =>
    rows.versions.push({
      id: randomUUID(),
      resourceType,
      resourceId,
      versionNumber: 1,
      snapshot,
      changeDescription: `Created from template ${template.name}`,
      createdBy: actor,
    });
  spec.data.profiles.forEach((p, pi) => {
    const profileId = randomUUID();
    const dashboardIds = p.dashboards.map(() => randomUUID());
    rows.profiles.push({
      id: profileId,
      projectId,
      name: p.name,
      description: p.description ?? null,
      activeDashboardId: dashboardIds[0] ?? null,
      position: pi,
    });
    p.dashboards.forEach((d, di) => {
      const dashboardId = dashboardIds[di]!;
      const layout = d.layout ?? {};
      rows.dashboards.push({
        id: dashboardId,
        profileId,
        name: d.name,
        description: d.description ?? null,
        layout,
        position: di,
      });
      version('dashboard', dashboardId, { name: d.name, description: d.description ?? null, layout });
      d.modules.forEach((m, mi) => {
        const field = `specification.profiles.${pi}.dashboards.${di}.modules.${mi}`;
        let configuration = m.configuration ?? {};
        if (isKnownModuleType(m.type)) {
          try {
            configuration = parseConfiguration(m.type, configuration);
          } catch (error) {
            throw new CockpitError('invalid', `Template ${template.name}: ${field}: ${(error as Error).message}`);
          }
        }
        const moduleId = randomUUID();
        rows.modules.push({ id: moduleId, dashboardId, moduleType: m.type, name: m.name, configuration, position: mi });
        version('module', moduleId, { name: m.name, moduleType: m.type, configuration });
      });
    });
  });

  return audited(
    db,
    {
      userId: actor,
      action: 'project.create',
      resourceType: 'project',
      resourceId: projectId,
      metadata: { template: template.name },
    },
    async (tx) => {
      await tx.insert(projects).values({
        id: projectId,
        name: name.data,
        description: input.description ?? null,
        ownerUserId: actor,
        workflowTemplate: template.name,
        gitRepository: input.gitRepository ?? null,
      });
      await tx.insert(profiles).values(rows.profiles);
      if (rows.dashboards.length > 0) await tx.insert(dashboards).values(rows.dashboards);
      if (rows.modules.length > 0) await tx.insert(modules).values(rows.modules);
      if (rows.versions.length > 0) await tx.insert(versionHistory).values(rows.versions);
      await tx
        .update(templates)
        .set({ downloadCount: sql`COALESCE(${templates.downloadCount}, 0) + 1` })
        .where(eq(templates.id, template.id));
      return {
        projectId,
        profiles: rows.profiles.length,
        dashboards: rows.dashboards.length,
        modules: rows.modules.length,
      };
    },
    (result) => ({ metadata: { template: template.name, after: projectId, ...result } }),
  );
}
