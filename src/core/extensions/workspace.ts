/**
 * Which project a workspace folder belongs to, read-only: by the project id in
 * `.vscode/cockpit.json`, else by the git remote URL. Creating the project is the Cockpit panel's
 * job (workspace → project, issue 3); the extension dashboards only attach to an existing one.
 */
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { projects } from '../../db/schema/index.js';

/** Spellings of one remote: with/without `.git`, trailing slash and credentials (never stored). */
export function remoteVariants(url: string): string[] {
  const trimmed = url.trim().replace(/\/+$/, '');
  const withoutCredentials = trimmed.replace(/^([a-z+]+:\/\/)[^@/]+@/i, '$1');
  const bases = new Set([trimmed, withoutCredentials].map((u) => u.replace(/\.git$/, '')));
  return [...bases].flatMap((base) => [base, `${base}.git`]);
}

export async function findWorkspaceProject(
  db: Db,
  hints: { projectId?: string | undefined; gitRepository?: string | undefined },
): Promise<{ id: string; name: string } | undefined> {
  const columns = { id: projects.id, name: projects.name };
  if (hints.projectId) {
    const [byId] = await db.select(columns).from(projects).where(eq(projects.id, hints.projectId));
    if (byId) return byId;
  }
  if (hints.gitRepository) {
    const [byRemote] = await db
      .select(columns)
      .from(projects)
      .where(inArray(projects.gitRepository, remoteVariants(hints.gitRepository)))
      .limit(1);
    if (byRemote) return byRemote;
  }
  return undefined;
}
