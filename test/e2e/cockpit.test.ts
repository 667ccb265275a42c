/**
 * The packaged extension in a real VS Code (code-server) in Chromium, as a user drives it.
 * One server for the suite; a fresh database on the real MariaDB.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { makeGitWorkspace, startCodeServer, type CodeServer } from './harness.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const VSIX = path.join(ROOT, 'dist/devguide-cockpit.vsix');
const SERVER_URL = (process.env.COCKPIT_TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/').replace(/\/?$/, '/');
const DATABASE = `cockpit_e2e_${process.pid}`;
const VISIBLE = { state: 'visible', timeout: 60_000 } as const;
/** Connecting creates and migrates a database: slow on a loaded 2-core machine. */
const SLOW = { state: 'visible', timeout: 150_000 } as const;

describe('DevGuide Cockpit in VS Code', () => {
  let vscode: CodeServer | undefined;
  let workspace: string | undefined;
  let failed = false;

  before(
    async () => {
      execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
      workspace = await makeGitWorkspace();
      vscode = await startCodeServer({
        vsixPath: VSIX,
        workspaceDir: workspace,
        suite: 'cockpit',
        // The user's starting point: a URL setting without a database yet, no password stored.
        settings: { 'cockpit.database.url': `${SERVER_URL}${DATABASE}` },
      });
    },
    { timeout: 20 * 60_000 },
  );

  afterEach((t) => {
    if ('passed' in t && !t.passed) failed = true;
  });

  after(async () => {
    await vscode?.stop({ failed });
    if (workspace) await rm(workspace, { recursive: true, force: true });
    execFileSync('mariadb', ['-h127.0.0.1', '-uroot', '-e', `DROP DATABASE IF EXISTS \`${DATABASE}\``]);
  });

  function started(): CodeServer {
    assert.ok(vscode, 'code-server did not start');
    return vscode;
  }

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

  it('measures activation, bundle and package size', { timeout: 60_000 }, async () => {
    const logs = await started().logs();
    let activationMs: number | undefined;
    for (const file of logs.all) {
      const match = /Activated in ([\d.]+) ms/.exec(await readFile(file, 'utf8').catch(() => ''));
      if (match) activationMs = Number(match[1]);
    }
    assert.ok(activationMs !== undefined, 'the extension logs its activation time');
    const vsixBytes = (await stat(VSIX)).size;
    const hostBytes = (await stat(path.join(ROOT, 'dist/extension.js'))).size;
    console.log(
      `activation_ms=${activationMs} vsix_kb=${Math.round(vsixBytes / 1024)} host_bundle_kb=${Math.round(hostBytes / 1024)}`,
    );
    assert.ok(vsixBytes < 3 * 1024 * 1024, 'VSIX under 3 MB');
    assert.ok(hostBytes < 2 * 1024 * 1024, 'host bundle under 2 MB');
  });
});
