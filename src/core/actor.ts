import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';

/** Who the Cockpit acts for: git's user.email in `cwd`, else the OS user name, else `unknown`. */
export async function resolveActor(cwd: string | undefined): Promise<string> {
  const email = await new Promise<string>((resolve) => {
    execFile('git', ['config', 'user.email'], { cwd, timeout: 3000 }, (error, stdout) =>
      resolve(error ? '' : stdout.trim()),
    );
  });
  if (email) return email;
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
