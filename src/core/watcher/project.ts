import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { projects } from '../../db/schema/index.js';
import { resolveActor } from '../actor.js';
import { audited } from '../audit.js';
import { invalid, parseJsonText } from '../errors.js';
import { captureRowId } from './rows.js';

export interface FolderProject {
  id: string;
  name: string;
  matchedBy: 'cockpit.json' | 'git-remote' | 'folder' | 'created';
}

/** `.vscode/cockpit.json`'s project id; undefined when the file does not exist. */
export async function configuredProjectId(folder: string): Promise<string | undefined> {
  const file = path.join(folder, '.vscode', 'cockpit.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const value = parseJsonText(text, file, 'projectId');
  const projectId = (value as { projectId?: unknown } | null)?.projectId;
  if (projectId === undefined) return undefined;
  if (typeof projectId !== 'string' || !/^[A-Za-z0-9_-]{1,36}$/.test(projectId)) {
    throw invalid(`${file}: "projectId" must be a string of 1–36 letters, digits, "-" or "_".`, 'projectId');
  }
  return projectId;
}

/** origin's URL without credentials (a token in an https remote must never be stored). */
async function originUrl(folder: string): Promise<string | undefined> {
  const url = await new Promise<string>((resolve) => {
    execFile('git', ['config', '--get', 'remote.origin.url'], { cwd: folder, timeout: 3000 }, (error, stdout) =>
      resolve(error ? '' : stdout.trim()),
    );
  });
  if (!url) return undefined;
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}

/** host/owner/repo, case-folded, without scheme, user, port-less scp syntax or `.git`. */
export function normaliseRemote(url: string): string {
  return url
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/^[^@/]*@/, '')
    .replace(/^([^/:]+):(?!\d+\/)/, '$1/')
    .replace(/\.git\/?$/, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

/**
 * The project a folder's captures belong to — deliberately minimal until the workspace→project
 * mapping lands: `.vscode/cockpit.json` {"projectId"} (created with that id if the database lacks
 * it), else the project whose `git_repository` is the folder's origin, else the folder's own
 * project: its id is derived from host and path, so capturing the same folder again finds it.
 */
export async function resolveFolderProject(db: Db, folder: string): Promise<FolderProject> {
  const configured = await configuredProjectId(folder);
  const remote = await originUrl(folder);
  if (configured) {
    const [existing] = await db.select({ name: projects.name }).from(projects).where(eq(projects.id, configured));
    if (existing) return { id: configured, name: existing.name, matchedBy: 'cockpit.json' };
    return createProject(db, folder, configured, remote, 'cockpit.json');
  }
  if (remote) {
    const wanted = normaliseRemote(remote);
    const candidates = await db
      .select({ id: projects.id, name: projects.name, gitRepository: projects.gitRepository })
      .from(projects)
      .where(isNotNull(projects.gitRepository));
    const match = candidates.find((p) => p.gitRepository && normaliseRemote(p.gitRepository) === wanted);
    if (match) return { id: match.id, name: match.name, matchedBy: 'git-remote' };
  }
  const ownId = folderProjectId(folder);
  const [own] = await db.select({ name: projects.name }).from(projects).where(eq(projects.id, ownId));
  if (own) return { id: ownId, name: own.name, matchedBy: 'folder' };
  return createProject(db, folder, ownId, remote, 'created');
}

/** A stable UUID for a folder on this machine. */
export function folderProjectId(folder: string): string {
  return captureRowId('folder', `${hostname()}:${path.resolve(folder)}`, 'scan', 0n, 0n);
}

async function createProject(
  db: Db,
  folder: string,
  id: string,
  remote: string | undefined,
  matchedBy: FolderProject['matchedBy'],
): Promise<FolderProject> {
  const name = path.basename(path.resolve(folder)) || 'project';
  const owner = await resolveActor(folder);
  await audited(
    db,
    {
      userId: owner,
      action: 'project.create',
      resourceType: 'project',
      resourceId: id,
      metadata: { source: 'capture' },
    },
    (tx) => tx.insert(projects).values({ id, name, ownerUserId: owner, gitRepository: remote ?? null }),
  );
  return { id, name, matchedBy };
}
