import { execFile } from 'node:child_process';

/**
 * The folder's `origin` remote (else its first remote), without credentials, or undefined when
 * the folder is not a git repository or git is missing. Callers skip this in untrusted workspaces.
 */
export async function gitRemoteUrl(folder: string): Promise<string | undefined> {
  const run = (args: string[]) =>
    new Promise<string>((resolve) => {
      execFile('git', args, { cwd: folder, timeout: 3000 }, (error, stdout) => resolve(error ? '' : stdout.trim()));
    });
  const origin = await run(['config', '--get', 'remote.origin.url']);
  const url = origin || (await run(['config', '--get-regexp', '^remote\\..*\\.url$'])).split('\n')[0]?.split(' ')[1];
  return url ? normalizeRemoteUrl(url) : undefined;
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
