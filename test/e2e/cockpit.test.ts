/**
 * The packaged extension in a real VS Code (code-server) in Chromium, as a user drives it.
 * One server for the suite; a fresh database on the real MariaDB.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeGitWorkspace, startCodeServer } from './harness.ts';
import { codeServerSuite } from './suite.ts';
import { writeAndFindInTimeline } from './timeline.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const VSIX = path.join(ROOT, 'dist/devguide-cockpit.vsix');
const SERVER_URL = (process.env.COCKPIT_TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/').replace(/\/?$/, '/');
const DATABASE = `cockpit_e2e_${process.pid}`;
const EXTENSION_ID = 'devguide.devguide-cockpit';
const VISIBLE = { state: 'visible', timeout: 60_000 } as const;
/** Connecting creates and migrates a database: slow on a loaded 2-core machine. */
const SLOW = { state: 'visible', timeout: 150_000 } as const;

describe('DevGuide Cockpit in VS Code', () => {
  let workspace: string | undefined;
  const started = codeServerSuite(async (onCleanup) => {
    onCleanup(() =>
      execFileSync('mariadb', ['-h127.0.0.1', '-uroot', '-e', `DROP DATABASE IF EXISTS \`${DATABASE}\``]),
    );
    execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    // The user's starting point: a URL setting without a database yet, no password stored. The
    // setting is machine-overridable, so in a remote (code-server) window it lives in the workspace.
    const folder = await makeGitWorkspace({
      'README.md': '# e2e workspace\n',
      // No NTP server is reachable from the test machine.
      '.vscode/settings.json': JSON.stringify({
        'cockpit.database.url': `${SERVER_URL}${DATABASE}`,
        'cockpit.clock.ntpServers': [],
      }),
    });
    workspace = folder;
    onCleanup(() => rm(folder, { recursive: true, force: true }));
    return startCodeServer({ vsixPath: VSIX, workspaceDir: folder, suite: 'cockpit' });
  });

  const toast = (text: string | RegExp) =>
    started().page.locator('.notifications-toasts .notification-toast').filter({ hasText: text });

  it(
    'connects: URL and password asked, database created and migrated with progress',
    { timeout: 300_000 },
    async () => {
      const { page, runCommand } = started();
      await runCommand('Cockpit: Connect Database');
      const input = page.locator('.quick-input-widget input.input');
      await page.locator('.quick-input-widget').getByText('Cockpit: Connect Database (1/2)').waitFor(VISIBLE);
      // The box shows the current setting (filled in just after the box appears).
      await page.waitForFunction(
        (expected) => document.querySelector<HTMLInputElement>('.quick-input-widget input.input')?.value === expected,
        `${SERVER_URL}${DATABASE}`,
        { timeout: 10_000 },
      );
      await input.press('Enter');
      await page.locator('.quick-input-widget').getByText('Password (leave empty for none)').waitFor(VISIBLE);
      await input.press('Enter');
      await toast(/connected; data model 1\.\d+\.\d+ \(\d+ migration\(s\) applied\)/).waitFor(SLOW);
    },
  );

  it('verifies the schema from the palette', { timeout: 120_000 }, async () => {
    await started().runCommand('Cockpit: Verify Database Schema');
    await toast(/the database schema matches the data model \(\d+ tables\)/).waitFor(VISIBLE);
  });

  const cockpitApp = () => started().webviewFrame(EXTENSION_ID).locator('cockpit-app');

  it(
    'creates a project from vibe_coding; Master Control shows it; its files are watched from then on; switching survives a window reload',
    { timeout: 400_000 },
    async () => {
      const { runCommand, reloadWindow } = started();
      const begin = performance.now();
      await runCommand('Cockpit: Open Cockpit');
      let app = cockpitApp();
      await app.getByText('has no Cockpit project yet').waitFor(SLOW);
      console.log(`cockpit_first_render_ms=${Math.round(performance.now() - begin)}`);
      await app.getByRole('textbox', { name: 'Project name' }).fill('E2E project');
      await app.locator('.card', { hasText: 'vibe_coding' }).getByRole('button', { name: 'Create' }).click();
      await app.locator('h1', { hasText: 'E2E project' }).waitFor(SLOW);
      assert.deepEqual(await app.locator('section.profile button.profile-name').allInnerTexts(), [
        'Builder',
        'Reviewer',
      ]);
      assert.deepEqual(await app.locator('li.dashboard .dashboard-button').allInnerTexts(), ['Plan', 'Ship', 'Review']);

      // The folder had no project when the window opened, so nothing watched it; now it has one.
      assert.ok(workspace);
      await writeAndFindInTimeline(started(), workspace, 'README.md', '# e2e workspace, watched\n', 120_000);
      await runCommand('Cockpit: Open Cockpit');
      app = cockpitApp();
      await app.locator('li.dashboard .dashboard-button', { hasText: 'Ship' }).click();
      await app.locator('li.dashboard.active .dashboard-button', { hasText: 'Ship' }).waitFor(VISIBLE);
      await app.locator('main h2', { hasText: 'Ship' }).waitFor(VISIBLE);

      await reloadWindow();
      app = cockpitApp();
      await app.locator('li.dashboard.active .dashboard-button', { hasText: 'Ship' }).waitFor(SLOW);
      await app.locator('main h2', { hasText: 'Ship' }).waitFor(VISIBLE);
    },
  );

  it(
    'edits a checklist and a decision log; after a reload both are there and audited',
    { timeout: 400_000 },
    async () => {
      const { page, runCommand, reloadWindow } = started();
      let app = cockpitApp();
      await app.locator('li.dashboard .dashboard-button', { hasText: 'Plan' }).click();
      await app.locator('main h2', { hasText: 'Plan' }).waitFor(VISIBLE);

      const checklist = app.locator('cockpit-module', { hasText: 'Next steps' });
      const newItem = checklist.getByRole('textbox', { name: 'New item' });
      await newItem.fill('Write the end-to-end test');
      await newItem.press('Enter');
      await checklist.getByText('Write the end-to-end test').waitFor(VISIBLE);

      const decisions = app.locator('cockpit-module', { hasText: 'Decisions' });
      await decisions.locator('summary', { hasText: 'Log a decision' }).click();
      await decisions.getByRole('textbox', { name: 'Title', exact: true }).fill('Use TiDB in production');
      await decisions.getByRole('textbox', { name: 'Context — why is a decision needed?' }).fill('Team growth');
      await decisions.getByRole('textbox', { name: 'Decision', exact: true }).fill('TiDB, MariaDB locally');
      await decisions.getByRole('button', { name: 'Add decision' }).click();
      await decisions.locator('li.decision', { hasText: 'Use TiDB in production' }).waitFor(VISIBLE);

      await reloadWindow();
      app = cockpitApp();
      await app
        .locator('cockpit-module', { hasText: 'Next steps' })
        .getByText('Write the end-to-end test')
        .waitFor(SLOW);
      await app.locator('li.decision', { hasText: 'Use TiDB in production' }).waitFor(VISIBLE);

      await runCommand('Cockpit: Show Audit Trail');
      await page.locator('.quick-input-widget').getByText('audit trail of E2E project').waitFor(VISIBLE);
      const auditRow = (action: string) =>
        page.locator('.quick-input-list .monaco-list-row', { hasText: action }).first();
      await auditRow('module.decision.add').waitFor(VISIBLE);
      await auditRow('module.checklist.add').waitFor(VISIBLE);
      await page.keyboard.press('Escape');
    },
  );

  it('measures activation, bundle and package size', { timeout: 60_000 }, async () => {
    const logs = await started().logs();
    // One activation per window load (the suite reloads the window): report the slowest, and all of them.
    const activations: Array<{ ms: number; cpuMs: number }> = [];
    const deferred: Array<{ ms: number; cpuMs: number }> = [];
    for (const file of logs.all) {
      const text = await readFile(file, 'utf8').catch(() => '');
      for (const m of text.matchAll(/Activated in ([\d.]+) ms \(CPU ([\d.]+) ms\)/g)) {
        activations.push({ ms: Number(m[1]), cpuMs: Number(m[2]) });
      }
      for (const m of text.matchAll(
        /Started status bars, listeners and watchers in ([\d.]+) ms \(CPU ([\d.]+) ms\)/g,
      )) {
        deferred.push({ ms: Number(m[1]), cpuMs: Number(m[2]) });
      }
    }
    assert.ok(activations.length > 0, 'the extension logs its activation time');
    assert.ok(deferred.length > 0, 'the start-up deferred after activation ran and logged its time');
    const slowest = (list: typeof activations) => list.reduce((a, b) => (b.ms > a.ms ? b : a));
    const each = (list: typeof activations) => list.map((a) => `${a.ms}/${a.cpuMs}`).join(',');
    const vsixBytes = (await stat(VSIX)).size;
    const hostBytes = (await stat(path.join(ROOT, 'dist/extension.js'))).size;
    console.log(
      `activation_ms=${slowest(activations).ms} activation_cpu_ms=${slowest(activations).cpuMs} activations_ms_cpu=${each(activations)} after_activation_ms_cpu=${each(deferred)} vsix_kb=${Math.round(vsixBytes / 1024)} host_bundle_kb=${Math.round(hostBytes / 1024)}`,
    );
    assert.ok(vsixBytes < 3 * 1024 * 1024, 'VSIX under 3 MB');
    assert.ok(hostBytes < 2 * 1024 * 1024, 'host bundle under 2 MB');
  });
});
