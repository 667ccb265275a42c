import { execFile } from 'node:child_process';

/** Git output is bounded: a runaway log must not fill the extension host's memory. */
const MAX_BUFFER = 8 * 1024 * 1024;

/** Runs one git command in `cwd` (never through a shell) and resolves its stdout; rejects with git's message. */
export function runGit(cwd: string, args: readonly string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...args],
      {
        cwd,
        timeout: timeoutMs,
        maxBuffer: MAX_BUFFER,
        env: { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' },
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = String(stderr).trim().split('\n')[0] || error.message;
          reject(new Error(`git ${args[0]}: ${detail}`));
        } else resolve(String(stdout));
      },
    );
  });
}

/** HEAD's commit id, or `null` outside a repository or before the first commit. */
export async function gitHead(cwd: string): Promise<string | null> {
  try {
    return (await runGit(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD'])).trim() || null;
  } catch {
    return null;
  }
}
