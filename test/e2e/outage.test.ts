/**
 * The database goes away mid-session: the panel says so, what the user typed is kept, and once the
 * server is back the edit is saved. Runs on a private MariaDB (own port and data dir), so the shared
 * server on 3306 is never stopped.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeGitWorkspace, startCodeServer } from './harness.ts';
import { startPrivateMariaDb, type PrivateMariaDb } from './private-mariadb.ts';
import { codeServerSuite, seedDatabase } from './suite.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const VSIX = path.join(ROOT, 'dist/devguide-cockpit.vsix');
const EXTENSION_ID = 'devguide.devguide-cockpit';
const PORT = 33_000 + (process.pid % 1000);
const VISIBLE = { state: 'visible', timeout: 60_000 } as const;
const SLOW = { state: 'visible', timeout: 150_000 } as const;

describe('DevGuide Cockpit when the database stops mid-session', () => {
  let mariadb: PrivateMariaDb | undefined;
  const started = codeServerSuite(async (onCleanup) => {
    const server = await startPrivateMariaDb(PORT);
    mariadb = server;
    onCleanup(() => server.destroy());
    const url = `${server.serverUrl}cockpit_outage`;
    const projectId = await seedDatabase(url, 'Outage project');
    execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const workspace = await makeGitWorkspace({
      'README.md': '# outage workspace\n',
      '.vscode/cockpit.json': JSON.stringify({ projectId }),
      '.vscode/settings.json': JSON.stringify({ 'cockpit.database.url': url, 'cockpit.clock.ntpServers': [] }),
    });
    onCleanup(() => rm(workspace, { recursive: true, force: true }));
    return startCodeServer({ vsixPath: VSIX, workspaceDir: workspace, suite: 'outage' });
  });

  it(
    'shows Disconnected, keeps the typed item, and saves it once the server is back',
    { timeout: 600_000 },
    async () => {
      const { runCommand, webviewFrame, reloadWindow } = started();
      assert.ok(mariadb, 'set-up failed');
      await runCommand('Cockpit: Open Cockpit');
      let app = webviewFrame(EXTENSION_ID).locator('cockpit-app');
      await app.locator('h1', { hasText: 'Outage project' }).waitFor(SLOW);
      await app.locator('li.dashboard .dashboard-button', { hasText: 'Plan' }).click();
      const newItem = () =>
        app.locator('cockpit-module', { hasText: 'Next steps' }).getByRole('textbox', { name: 'New item' });
      await newItem().fill('Typed while the database was down');

      await mariadb.stop();
      // The panel may notice the outage on its own before the write is tried: both end in Disconnected.
      await newItem()
        .press('Enter', { timeout: 5_000 })
        .catch(() => undefined);
      await app.getByText('Disconnected').waitFor(SLOW);
      await app.getByText('Nothing you typed is lost').waitFor(VISIBLE);

      await mariadb.start();
      // The pool's old connections died with the server: Retry until a fresh one answers.
      const deadline = Date.now() + 120_000;
      while (!(await app.locator('h1', { hasText: 'Outage project' }).isVisible()) && Date.now() < deadline) {
        await app
          .getByRole('button', { name: 'Retry' })
          .click({ timeout: 5_000 })
          .catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
      await newItem().waitFor(VISIBLE);
      assert.equal(await newItem().inputValue(), 'Typed while the database was down');
      await newItem().press('Enter');
      await app
        .locator('cockpit-module', { hasText: 'Next steps' })
        .getByText('Typed while the database was down')
        .waitFor(SLOW);

      await reloadWindow();
      app = webviewFrame(EXTENSION_ID).locator('cockpit-app');
      await app
        .locator('cockpit-module', { hasText: 'Next steps' })
        .getByText('Typed while the database was down')
        .waitFor(SLOW);
    },
  );
});
