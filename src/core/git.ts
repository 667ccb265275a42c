import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The `origin` remote URL (else the first remote's) of the repository containing `dir`, read from
 * its config file: no git process, so this is cheap and safe in untrusted workspaces too. Worktrees
 * and submodules (a `.git` file pointing elsewhere) are followed. undefined outside a repository.
 */
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
      const remotes = [...config.matchAll(/\[remote\s+"([^"]*)"\]([^[]*)/g)].map(([, name, section]) => ({
        name,
        url: /^\s*url\s*=\s*(.+?)\s*$/m.exec(section!)?.[1],
      }));
      return (remotes.find((r) => r.name === 'origin' && r.url) ?? remotes.find((r) => r.url))?.url;
    }
    if (path.dirname(current) === current) return undefined;
  }
}

/**
 * `git@github.com:Org/Repo.git`, `https://user@github.com/org/repo`, `ssh://git@github.com/org/repo.git`
 * → `github.com/org/repo`, so the forms of one remote compare equal. Local paths are returned resolved.
 */
export function normalizeRepository(value: string): string {
  const text = value.trim();
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(text);
  let hostAndPath: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return text.toLowerCase(); // not a URL after all: compared as written
    }
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

/** Drops user:password@ from URL-style remotes, so a token in a remote never reaches the database. */
export function normalizeRemoteUrl(url: string): string {
  const trimmed = url.trim();
  try {
    const parsed = new URL(trimmed);
    if (
      parsed.protocol === 'http:' ||
      parsed.protocol === 'https:' ||
      parsed.protocol === 'ssh:' ||
      parsed.protocol === 'git:'
    ) {
      parsed.username = parsed.protocol === 'ssh:' ? parsed.username : '';
      parsed.password = '';
      return parsed.toString().slice(0, 500);
    }
  } catch {
    // scp-like `git@host:org/repo.git` is not a URL; it carries no password.
  }
  return trimmed.slice(0, 500);
}
