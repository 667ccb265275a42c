/**
 * The command- and API-level scenarios in a desktop VS Code downloaded by @vscode/test-electron,
 * for machines that can download it (these CI machines cannot: there the e2e suite runs the same
 * extension in code-server). Usage: `npm run build && npm run test:electron`; VS Code version from
 * `VSCODE_VERSION` (default: stable). Uses the real MariaDB/MySQL/TiDB of `COCKPIT_TEST_DATABASE_URL`
 * (default mysql://root@127.0.0.1:3306/) with a fresh database, dropped afterwards.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { build } from 'esbuild';
import { createProjectFromTemplate } from '../../src/core/projects.js';
import { connect, parseDatabaseUrl } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';

const ROOT = path.resolve(__dirname, '../..');
const SERVER_URL = (process.env.COCKPIT_TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/').replace(/\/?$/, '/');

async function main(): Promise<void> {
  const databaseUrl = `${SERVER_URL}cockpit_electron_${process.pid}`;
  const database = await connect(parseDatabaseUrl(databaseUrl), { createDatabase: true, retries: 0 });
  const workspace = await mkdtemp(path.join(tmpdir(), 'devguide-electron-'));
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
    const suite = path.join(ROOT, 'dist/test/electron-suite.js');
    await build({
      entryPoints: [path.join(__dirname, 'suite.ts')],
      outfile: suite,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      logLevel: 'warning',
    });
    await runTests({
      version: process.env.VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: suite,
      launchArgs: [workspace, '--disable-extensions'],
      extensionTestsEnv: { COCKPIT_ELECTRON_PROJECT_ID: projectId },
    });
  } finally {
    await database.db.execute(`DROP DATABASE IF EXISTS \`cockpit_electron_${process.pid}\``).catch(() => undefined);
    await database.close();
    await rm(workspace, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
