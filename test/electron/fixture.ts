/**
 * What the extension-host suite (suite.ts) runs against: a fresh database on the real MariaDB/MySQL/
 * TiDB of `COCKPIT_TEST_DATABASE_URL` (default mysql://root@127.0.0.1:3306/) with a project, a
 * workspace folder linked to it, and the suite bundled as the one CommonJS file an extension host
 * loads. Shared by run.ts (@vscode/test-electron) and the e2e suite that runs it in code-server.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { createProjectFromTemplate } from '../../src/core/projects.js';
import { connect, parseDatabaseUrl } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';

const SERVER_URL = (process.env.COCKPIT_TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/').replace(/\/?$/, '/');

export interface HostSuiteFixture {
  /** The workspace folder to open: linked to the project, settings pointing at the database. */
  workspace: string;
  /** The bundled suite (`run()` exported), for `extensionTestsPath`. */
  suitePath: string;
  /** Environment the suite reads in the extension host. */
  env: Record<string, string>;
  /** Drops the database and removes the workspace. */
  dispose(): Promise<void>;
}

/** `root`: the repository (callers pass their own: this file is loaded as CommonJS or ES module). */
export async function prepareHostSuite(root: string): Promise<HostSuiteFixture> {
  const databaseName = `cockpit_host_suite_${process.pid}`;
  const databaseUrl = `${SERVER_URL}${databaseName}`;
  const database = await connect(parseDatabaseUrl(databaseUrl), { createDatabase: true, retries: 0 });
  const workspace = await mkdtemp(path.join(tmpdir(), 'devguide-host-suite-'));
  const dispose = async () => {
    await database.db.execute(`DROP DATABASE IF EXISTS \`${databaseName}\``).catch(() => undefined);
    await database.close();
    await rm(workspace, { recursive: true, force: true });
  };
  try {
    await migrate(database);
    const { projectId } = await createProjectFromTemplate(database.db, 'electron@example.invalid', {
      name: 'Electron project',
      template: 'vibe_coding',
    });
    await mkdir(path.join(workspace, '.vscode'));
    await writeFile(path.join(workspace, '.vscode/cockpit.json'), JSON.stringify({ projectId }));
    await writeFile(
      path.join(workspace, '.vscode/settings.json'),
      JSON.stringify({ 'cockpit.database.url': databaseUrl, 'cockpit.clock.ntpServers': [] }),
    );
    execFileSync('git', ['init', '--quiet'], { cwd: workspace });

    // The suite runs inside VS Code's extension host: one CommonJS file, `vscode` provided by the host.
    const suitePath = path.join(root, 'dist/test/electron-suite.js');
    await build({
      entryPoints: [path.join(root, 'test/electron/suite.ts')],
      outfile: suitePath,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      logLevel: 'warning',
    });
    return { workspace, suitePath, env: { COCKPIT_ELECTRON_PROJECT_ID: projectId }, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
