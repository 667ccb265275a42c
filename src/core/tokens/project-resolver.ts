import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { projects } from '../../db/schema/index.js';
import type { ProjectResolver } from './importers/importer.js';

/**
 * `git@github.com:Org/Repo.git`, `https://user@github.com/org/repo`, `ssh://git@github.com/org/repo.git`
 * → `github.com/org/repo`, so the forms of one remote compare equal. Local paths are returned resolved.
 */
export function normalizeRepository(value: string): string {
  const text = value.trim();
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(text);
  let hostAndPath: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    const url = new URL(text);
    if (url.protocol === 'file:') return path.resolve(decodeURIComponent(url.pathname));
    hostAndPath = `${url.hostname}${url.pathname}`;
  } else if (scp && !path.isAbsolute(text)) {
    hostAndPath = `${scp[1]}/${scp[2]}`;
  } else {
    return path.resolve(text);
  }
  return hostAndPath
    .replace(/\.git\/?$/, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

/** The `origin` remote URL of the repository containing `dir`, read from .git/config (no git process). */
export async function originOf(dir: string): Promise<string | undefined> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const dotGit = path.join(current, '.git');
    const info = await stat(dotGit).catch(() => undefined);
    if (info) {
      let gitDir = dotGit;
      if (info.isFile()) {
        // A worktree or submodule: ".git" holds "gitdir: <path>"; a worktree's config lives in its commondir.
        const pointer = /^gitdir:\s*(.+)$/m.exec(await readFile(dotGit, 'utf8'))?.[1]?.trim();
        if (!pointer) return undefined;
        gitDir = path.resolve(current, pointer);
        const common = await readFile(path.join(gitDir, 'commondir'), 'utf8').catch(() => undefined);
        if (common) gitDir = path.resolve(gitDir, common.trim());
      }
      const config = await readFile(path.join(gitDir, 'config'), 'utf8').catch(() => '');
      const section = /\[remote\s+"origin"\]([^[]*)/.exec(config)?.[1] ?? '';
      return /^\s*url\s*=\s*(.+?)\s*$/m.exec(section)?.[1];
    }
    if (path.dirname(current) === current) return undefined;
  }
}

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

/** A project's id and name, or undefined when no such project exists. */
export async function findProject(db: Db, id: string): Promise<{ id: string; name: string } | undefined> {
  const [row] = await db.select({ id: projects.id, name: projects.name }).from(projects).where(eq(projects.id, id));
  return row;
}
