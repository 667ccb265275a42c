import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** Answers of gitRemoteUrl by folder, valid while the repository's config file is unchanged. */
const remotes = new Map<string, { config: string; url: string | undefined }>();

/**
 * The folder's `origin` remote (else its first remote), without credentials, or undefined when
 * the folder is not a git repository or git is missing. Callers skip this in untrusted workspaces.
 * Remotes are kept in the repository's `.git/config`: while its size and mtime are unchanged the
 * last answer stands, instead of one or two git processes each time the Cockpit opens (20–60 ms).
 */
export async function gitRemoteUrl(folder: string): Promise<string | undefined> {
  const config = await stat(path.join(folder, '.git', 'config')).then(
    (s) => `${s.size}:${s.mtimeMs}`,
    () => undefined, // not a repository's top folder (or a worktree): asked every time
  );
  const known = remotes.get(folder);
  if (config !== undefined && known?.config === config) return known.url;
  // `git config` exits 1 for a key that is not set: an answer. Any other failure (no git, a
  // timeout) is not, and is asked again next time.
  let answered = true;
  const run = (args: string[]) =>
    new Promise<string>((resolve) => {
      execFile('git', args, { cwd: folder, timeout: 3000 }, (error, stdout) => {
        if (error && error.code !== 1) answered = false;
        resolve(error ? '' : stdout.trim());
      });
    });
  const origin = await run(['config', '--get', 'remote.origin.url']);
  const remote = origin || (await run(['config', '--get-regexp', '^remote\\..*\\.url$'])).split('\n')[0]?.split(' ')[1];
  const url = remote ? normalizeRemoteUrl(remote) : undefined;
  if (config !== undefined && answered) remotes.set(folder, { config, url });
  return url;
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
