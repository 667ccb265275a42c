/**
 * The Cockpit's features as a user meets them in a real VS Code (code-server) in Chromium, with a
 * second extension installed beside it (the hello fixture): the token-cost status bar fed by a
 * Claude Code log and by that extension through the exported API, token analytics, the file
 * watcher's timeline, extension dashboards edited through the generated form, the Time & Versions
 * panel, and a hostile message injected into the Cockpit webview. One server for the suite; a fresh database.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { importTemplate } from '../../src/core/extensions/catalog.ts';
import type { Locator } from 'playwright-core';
import { makeGitWorkspace, startCodeServer, whenVisible, type CodeServer } from './harness.ts';
import { codeServerSuite, seedDatabase } from './suite.ts';
import { writeAndFindInTimeline } from './timeline.ts';
import { packFixture } from './vsix.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const VSIX = path.join(ROOT, 'dist/devguide-cockpit.vsix');
const SERVER_URL = (process.env.COCKPIT_TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/').replace(/\/?$/, '/');
const DATABASE = `cockpit_e2e_features_${process.pid}`;
const COCKPIT = 'devguide.devguide-cockpit';
const HELLO = 'devguide-e2e.hello-e2e';
const VISIBLE = { state: 'visible', timeout: 60_000 } as const;
const SLOW = { state: 'visible', timeout: 150_000 } as const;
const MODEL = 'claude-sonnet-4-5-20250929';

/** Ten Claude Code transcript lines of 100,000 input tokens each: $3.00 at $3 per million. */
function claudeLog(cwd: string): string {
  const now = Date.now();
  return Array.from({ length: 10 }, (_, i) =>
    JSON.stringify({
      type: 'assistant',
      cwd,
      sessionId: 'e2e-session',
      version: '2.0.14',
      gitBranch: 'main',
      requestId: `req_e2e_${i}`,
      timestamp: new Date(now - i * 1000).toISOString(),
      message: {
        id: `msg_e2e_${i}`,
        type: 'message',
        role: 'assistant',
        model: MODEL,
        content: [{ type: 'text', text: 'Done.' }],
        usage: { input_tokens: 100_000, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    }),
  ).join('\n');
}

describe('DevGuide Cockpit features in VS Code, beside another extension', () => {
  let workspace: string | undefined;
  const started = codeServerSuite(async (onCleanup) => {
    const url = `${SERVER_URL}${DATABASE}`;
    onCleanup(() =>
      execFileSync('mariadb', ['-h127.0.0.1', '-uroot', '-e', `DROP DATABASE IF EXISTS \`${DATABASE}\``]),
    );
    // With the second extension's dashboard template, as "Cockpit: Import Dashboard Template" stores it.
    const template = await readFile(path.join(import.meta.dirname, 'fixtures/hello-dashboard.json'), 'utf8');
    const projectId = await seedDatabase(url, 'Features project', (db) =>
      importTemplate(db, template, { actor: 'e2e@example.invalid', source: 'builtin' }),
    );
    execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const folder = await makeGitWorkspace({
      'README.md': '# features workspace\n',
      'docs/notes.md': '# Notes\n',
      '.vscode/cockpit.json': JSON.stringify({ projectId }),
      '.vscode/settings.json': JSON.stringify({
        'cockpit.database.url': url,
        'cockpit.clock.ntpServers': [],
        'cockpit.tokens.dailyBudget': 4,
      }),
    });
    workspace = folder;
    onCleanup(() => rm(folder, { recursive: true, force: true }));
    const claudeDir = path.join(tmpdir(), `devguide-e2e-claude-${process.pid}`);
    onCleanup(() => rm(claudeDir, { recursive: true, force: true }));
    await mkdir(path.join(claudeDir, 'projects', 'features'), { recursive: true });
    await writeFile(path.join(claudeDir, 'projects', 'features', 'e2e-session.jsonl'), `${claudeLog(folder)}\n`);
    return startCodeServer({
      vsixPath: VSIX,
      extraVsixPaths: [await packFixture()],
      workspaceDir: folder,
      env: { CLAUDE_CONFIG_DIR: claudeDir },
      suite: 'features',
    });
  });

  /** Whether the item is painted with the theme colour `--vscode-<name>` (as a user sees it). */
  async function paintedWith(item: ReturnType<CodeServer['statusBarItem']>, colour: string): Promise<boolean> {
    return item.first().evaluate(
      (element, variable) => {
        const probe = document.createElement('div');
        probe.style.backgroundColor = `var(${variable})`;
        document.body.append(probe);
        const wanted = getComputedStyle(probe).backgroundColor;
        probe.remove();
        const painted = [element, ...element.querySelectorAll('*')].map((e) => getComputedStyle(e).backgroundColor);
        return painted.includes(wanted);
      },
      `--vscode-${colour.replace('.', '-')}`,
    );
  }

  it(
    'the status bar shows the cost imported from a Claude Code log, with its tooltip and budget colour',
    { timeout: 300_000 },
    async () => {
      const { page, statusBarItem } = started();
      const item = statusBarItem('$(pulse) $3.00 today');
      await item.waitFor(SLOW);
      assert.ok(await paintedWith(item, 'statusBarItem.warningBackground'), '75 % of the budget: warning colour');
      await item.hover();
      await page.getByText('Today: $3.0000 — 75 % of the $4 budget').waitFor(VISIBLE);
      await page.getByText(`${MODEL}: $3.0000`).waitFor(VISIBLE);
      await page.mouse.move(0, 0);
    },
  );

  it(
    'another extension records usage through the exported API: shown within seconds, once per event',
    { timeout: 300_000 },
    async () => {
      const { page, runCommand, statusBarItem } = started();
      await runCommand('Hello E2E: Record Token Usage');
      await page.getByText('Hello E2E: recorded 4 token usage events.').first().waitFor(VISIBLE);
      // $3.00 + 4 × $0.30 = $4.20: over the $4 budget, so the warning icon and the error colour.
      const over = statusBarItem('$(warning) $4.20 today');
      await over.waitFor(VISIBLE);
      assert.ok(await paintedWith(over, 'statusBarItem.errorBackground'), 'over budget: error colour');
      // The same events again (same keys) count once.
      await runCommand('Hello E2E: Record Token Usage');
      await page.getByText('Hello E2E: recorded 4 token usage events.').first().waitFor(VISIBLE);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      assert.equal(await statusBarItem('$(warning) $4.20 today').count(), 1);
    },
  );

  it('clicking the indicator opens token analytics with the same spend', { timeout: 300_000 }, async () => {
    const { statusBarItem, webviewFrame } = started();
    await statusBarItem('$(warning) $4.20 today').click();
    const analytics = webviewFrame(COCKPIT).locator('token-analytics');
    await analytics.locator('h1', { hasText: 'Features project' }).waitFor(SLOW);
    await analytics.locator('#cost-chart canvas').waitFor(VISIBLE);
    assert.equal(await analytics.locator('.total-cost').innerText(), '$4.20');
    assert.deepEqual(
      (await analytics.locator('table.models tbody td.model').allInnerTexts()).map((t) => t.trim()),
      [MODEL],
    );
  });

  it(
    'a file written in the workspace appears in its timeline with MAC times and its git commit',
    { timeout: 300_000 },
    async () => {
      assert.ok(workspace);
      const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: workspace, encoding: 'utf8' }).trim();
      const { preview, row } = await writeAndFindInTimeline(
        started(),
        workspace,
        'docs/notes.md',
        '# Notes\n\nWritten by the e2e test.\n',
        120_000,
      );
      assert.match(await row.innerText(), new RegExp(head.slice(0, 10)));
      await preview.getByText(head.slice(0, 10)).first().waitFor(VISIBLE);
    },
  );

  it(
    'the Extensions view offers the second extension’s dashboard; enabled, its widgets render and run its command',
    { timeout: 300_000 },
    async () => {
      const { runCommand, webviewFrame } = started();
      await runCommand('Cockpit: Open Extension Dashboards');
      const view = webviewFrame(COCKPIT).locator('cockpit-extensions');
      const row = view.locator('tr', { hasText: HELLO });
      await row.getByText('mapped (disabled)').waitFor(SLOW);
      await row.getByRole('button', { name: 'Enable' }).click();
      await row.getByText('enabled', { exact: true }).waitFor(VISIBLE);
      const dashboard = view.locator('section[aria-label="Hello"]');
      await dashboard.locator('strong', { hasText: 'Hello E2E' }).waitFor(VISIBLE);
      await dashboard.locator('dd', { hasText: '0.0.1' }).waitFor(VISIBLE);

      await dashboard.getByRole('button', { name: 'Say hello' }).click();
      await webviewFrame(HELLO).getByText('Hello from webview').waitFor(SLOW);

      // Overrides through the form generated from the template schema.
      await runCommand('Cockpit: Open Extension Dashboards');
      await row.getByRole('button', { name: 'Edit overrides' }).click();
      const title = view.locator('.form-field[data-path="title"] input');
      await title.waitFor(VISIBLE);
      await title.fill('Hello, project');
      await title.press('Tab');
      await view.getByRole('button', { name: 'Save overrides' }).click();
      await view.locator('section[aria-label="Hello, project"] h2', { hasText: 'Hello, project' }).waitFor(VISIBLE);
    },
  );

  it(
    'Time & Versions: a clock check measures the database and this webview; the 5 layers of the project',
    { timeout: 300_000 },
    async () => {
      const { runCommand, webviewFrame } = started();
      await runCommand('Cockpit: Show Time & Versions');
      const time = webviewFrame(COCKPIT).locator('cockpit-time');
      await time.locator('h1', { hasText: 'Time & versions' }).waitFor(SLOW);
      await time.getByRole('button', { name: 'Check now' }).click();
      const card = (protocol: string) => time.locator('.card.component', { hasText: protocol });
      for (const protocol of ['Server', 'Browser']) {
        await card(protocol).first().waitFor(SLOW);
        assert.match(await card(protocol).first().locator('.status').innerText(), /^(synchronized|drifting)$/);
      }
      await time.locator('#clock-chart canvas').first().waitFor(VISIBLE);
      await time.locator('#layers-title', { hasText: 'Features project' }).waitFor(VISIBLE);
      await time.getByText('from version_history').first().waitFor(VISIBLE);
    },
  );

  it('The Bin and the assistant open from the palette; asking again reveals the open panel', async () => {
    const { runCommand, webviewFrame, page } = started();
    const tabs = (title: string) => page.locator('.tabs-container .tab', { hasText: title });
    await runCommand('Cockpit: Open The Bin');
    await webviewFrame(COCKPIT).locator('bin-app h1', { hasText: 'The Bin' }).waitFor(SLOW);
    await runCommand('Cockpit: Open The Bin');
    assert.equal(await tabs('Cockpit: The Bin').count(), 1);
    await runCommand('View: Close All Editors');

    await runCommand('Cockpit: Open Assistant');
    await webviewFrame(COCKPIT)
      .locator('cockpit-assistant header strong', { hasText: 'Features project' })
      .waitFor(SLOW);
    await runCommand('Cockpit: Open Assistant');
    assert.equal(await tabs('Cockpit: Assistant').count(), 1);
    await runCommand('View: Close All Editors');
  });

  it("first render: the Cockpit's dashboard against a trivial static webview, both warm, in this window", async () => {
    const { runCommand, webviewFrame } = started();
    /** From the palette's first key to visible, and from the command's invocation (the row's click) to visible. */
    const timed = async (command: string, target: () => Locator) => {
      await runCommand('View: Close All Editors');
      const begin = performance.now();
      const invokedAt = await runCommand(command);
      await whenVisible(target(), SLOW.timeout);
      const end = performance.now();
      return { withPalette: end - begin, fromCommand: end - invokedAt };
    };
    const trivial = () => timed('Hello E2E: Show', () => webviewFrame(HELLO).getByText('Hello from webview'));
    const cockpit = () =>
      timed('Cockpit: Open Cockpit', () =>
        webviewFrame(COCKPIT).locator('cockpit-app main[aria-label="Active dashboard"] h2'),
      );
    // Alternated, seven each (each side's single opens spread by ±15 %, so medians of five moved the
    // ratio by ±0.1 on their own); the medians are printed (reported, not asserted: the machine is shared).
    const ROUNDS = 7;
    const trivialRuns: Array<{ withPalette: number; fromCommand: number }> = [];
    const cockpitRuns: typeof trivialRuns = [];
    for (let round = 0; round < ROUNDS; round++) {
      trivialRuns.push(await trivial());
      cockpitRuns.push(await cockpit());
    }
    await runCommand('View: Close All Editors');
    const median = (runs: typeof trivialRuns, key: keyof (typeof runs)[number]) =>
      runs.map((run) => run[key]).sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
    const figures = (key: keyof (typeof trivialRuns)[number]) => {
      const [cockpitMs, trivialMs] = [median(cockpitRuns, key), median(trivialRuns, key)];
      return `cockpit_ms=${Math.round(cockpitMs)} trivial_ms=${Math.round(trivialMs)} ratio=${(cockpitMs / trivialMs).toFixed(2)}`;
    };
    const runs = (all: typeof trivialRuns) => all.map((run) => Math.round(run.fromCommand)).join('/');
    console.log(`first render from the command: ${figures('fromCommand')}`);
    console.log(`  each open, from the command: cockpit ${runs(cockpitRuns)} trivial ${runs(trivialRuns)}`);
    console.log(`first render with the palette: ${figures('withPalette')}`);
  });

  it('a hostile message injected into the Cockpit webview is refused; the panel keeps working', async () => {
    const { runCommand, webviewFrame, page } = started();
    await runCommand('Cockpit: Open Cockpit');
    const app = webviewFrame(COCKPIT).locator('cockpit-app');
    await app.locator('h1', { hasText: 'Features project' }).waitFor(SLOW);
    await app.locator('li.dashboard .dashboard-button', { hasText: 'Plan' }).click();
    await app.locator('main h2', { hasText: 'Plan' }).waitFor(VISIBLE);

    // Posted through the webview's own channel to the host (what acquireVsCodeApi().postMessage
    // calls in the enclosing frame), bypassing the view's client: a forged method, SQL in an id, an
    // oversized text and an unknown key. The answers arrive in the view's frame like any response.
    const hostile = [
      { kind: 'request', id: 9000001, method: 'db/query', params: { sql: 'DROP TABLE projects' } },
      { kind: 'request', id: 9000002, method: 'checklist/add', params: { moduleId: "x' OR 1=1 --", text: 'a' } },
      { kind: 'request', id: 9000003, method: 'checklist/add', params: { moduleId: 'x', text: 'a'.repeat(600) } },
      { kind: 'request', id: 9000004, method: 'audit/show', params: { extra: 1 } },
    ];
    await app.evaluate(() => {
      const answers: unknown[] = [];
      (window as unknown as { hostileAnswers: unknown[] }).hostileAnswers = answers;
      window.addEventListener('message', (event) => {
        // The view's own requests count up from 1: these ids are the injected ones.
        const id = (event.data as { id?: unknown })?.id;
        if (typeof id === 'number' && id > 9_000_000) answers.push(event.data);
      });
    });
    const channel = page.frameLocator(`iframe.webview.ready[src*="extensionId=${COCKPIT}"]`).locator('body');
    await channel.evaluate((_, messages) => {
      const post = (window as unknown as Record<string, (command: string, data: unknown) => void>)
        .__vscode_post_message__!;
      for (const message of messages) post('onmessage', { message, transfer: [] });
    }, hostile);
    let replies: Array<{ id: number; ok: boolean; error?: { code: string } }> = [];
    for (const deadline = Date.now() + 30_000; replies.length < hostile.length && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      replies = await app.evaluate(() => (window as unknown as { hostileAnswers: never[] }).hostileAnswers);
    }
    assert.deepEqual(replies.map((r) => [r.id, r.ok, r.error?.code]).sort(), [
      [9000001, false, 'unknown-method'],
      [9000002, false, 'not-found'],
      [9000003, false, 'invalid'],
      [9000004, false, 'invalid'],
    ]);

    const newItem = app.locator('cockpit-module', { hasText: 'Next steps' }).getByRole('textbox', { name: 'New item' });
    await newItem.fill('Still working after the hostile messages');
    await newItem.press('Enter');
    await app.getByText('Still working after the hostile messages').waitFor(VISIBLE);
    assert.equal(await page.locator('.notifications-toasts .notification-toast', { hasText: 'DROP' }).count(), 0);
  });
});
