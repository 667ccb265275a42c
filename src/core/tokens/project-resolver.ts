import path from 'node:path';
import type { Db } from '../../db/connection.js';
import { projects } from '../../db/schema/index.js';
import { normalizeRepository, originOf } from '../git.js';
import type { ProjectResolver } from './importers/importer.js';

export interface ProjectResolverOptions {
  /** Every event goes to this project (`--project ID`). */
  projectId?: string;
  /** Directory → project id; the longest matching prefix wins over the projects table. */
  paths?: Record<string, string>;
}

/**
 * Resolves a log's working directory to a project: an explicit directory map first, then a project
 * whose `git_repository` is a local path containing the directory, then one whose `git_repository`
 * equals the directory's `origin` remote.
 */
export async function createProjectResolver(db: Db, options: ProjectResolverOptions = {}): Promise<ProjectResolver> {
  if (options.projectId) {
    const fixed = options.projectId;
    return () => fixed;
  }
  const rows = await db.select({ id: projects.id, repository: projects.gitRepository }).from(projects);
  const known = rows
    .filter((r): r is { id: string; repository: string } => Boolean(r.repository?.trim()))
    .map((r) => ({ id: r.id, repository: normalizeRepository(r.repository) }));
  const mapped = Object.entries(options.paths ?? {})
    .map(([dir, id]) => ({ dir: path.resolve(dir), id }))
    .sort((a, b) => b.dir.length - a.dir.length);
  const inside = (dir: string, root: string) =>
    dir === root || dir.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
  return async (cwd) => {
    if (!cwd) return undefined;
    const dir = path.resolve(cwd);
    const byPath =
      mapped.find((m) => inside(dir, m.dir)) ??
      known
        .filter((k) => path.isAbsolute(k.repository) && inside(dir, k.repository))
        .sort((a, b) => b.repository.length - a.repository.length)[0];
    if (byPath) return byPath.id;
    const origin = await originOf(dir);
    if (!origin) return undefined;
    const normalized = normalizeRepository(origin);
    return known.find((k) => k.repository === normalized)?.id;
  };
}
