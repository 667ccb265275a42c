/**
 * Renders the built Cockpit view (dist/webview/cockpit.js — needs `npm run build`) in headless
 * Chromium under the production CSP, with a fake VS Code host: `acquireVsCodeApi` posts to the
 * test, which answers through the real request dispatcher with canned handlers.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ModuleView, ProfileTree } from '../../src/core/hierarchy.js';
import { CockpitError } from '../../src/core/errors.js';
import type { CockpitState } from '../../src/protocol.js';
import { createDispatcher, type RequestHandlers } from '../../src/vscode/webview/dispatcher.js';

const ROOT = path.resolve(__dirname, '../..');
const NONCE = 'dGVzdC1ub25jZS0xMjM0NTY3OA==';

const profiles: ProfileTree[] = [
  {
    id: 'p1',
    projectId: 'prj',
    name: 'Builder',
    description: null,
    activeDashboardId: 'd2',
    dashboards: [
      { id: 'd1', profileId: 'p1', name: 'Plan', description: null, position: 0 },
      { id: 'd2', profileId: 'p1', name: 'Ship', description: 'Getting it out', position: 1 },
    ],
  },
  { id: 'p2', projectId: 'prj', name: 'Reviewer', description: null, activeDashboardId: null, dashboards: [] },
];

const modules: ModuleView[] = [
  {
    id: 'm1',
    dashboardId: 'd2',
    moduleType: 'checklist',
    name: 'Release checklist',
    position: 0,
    updatedAt: '2026-01-01 00:00:00.000000',
    content: {
      kind: 'checklist',
      configuration: {
        items: [
          { text: 'Tests pass', done: true },
          { text: 'Changelog written', done: false },
        ],
      },
    },
  },
  {
    id: 'm2',
    dashboardId: 'd2',
    moduleType: 'decision_log',
    name: 'Decisions',
    position: 1,
    updatedAt: '2026-01-01 00:00:00.000000',
    content: {
      kind: 'decision_log',
      configuration: {
        entries: [
          {
            title: 'Use TiDB',
            context: 'HTAP',
            decision: 'Yes',
            status: 'accepted',
            timestamp: '2026-01-01T14:30:45Z',
            author: 'dev@example.com',
          },
        ],
      },
    },
  },
  {
    id: 'm3',
    dashboardId: 'd2',
    moduleType: 'file_manager',
    name: 'Key files',
    position: 2,
    updatedAt: '2026-01-01 00:00:00.000000',
    content: { kind: 'file_manager', configuration: { files: [{ path: 'src/index.ts' }] } },
  },
  {
    id: 'm4',
    dashboardId: 'd2',
    moduleType: 'kanban',
    name: 'Board',
    position: 3,
    updatedAt: '2026-01-01 00:00:00.000000',
    content: { kind: 'read-only', raw: '{\n  "columns": ["todo"]\n}', reason: 'Module type "kanban" is not known.' },
  },
];

const folder = { uri: 'file:///work/demo', name: 'demo' };
const ready: CockpitState = {
  status: 'ready',
  folders: [folder, { uri: 'file:///work/other', name: 'other' }],
  folder,
  templates: [],
  project: { id: 'prj', name: 'Demo project', workflowTemplate: 'vibe_coding', matchedBy: 'git' },
  profiles,
  profileId: 'p1',
  dashboard: profiles[0]!.dashboards[1]!,
  modules,
};

describe('Cockpit webview in headless Chromium', () => {
  let server: Server;
  let base: string;
  let browser: Browser;
  let page: Page;
  let received: Array<{ method: string; params: unknown }>;
  let handlers: RequestHandlers;
  let violations: string[];
  let savedState: unknown;

  before(async () => {
    const bundle = path.join(ROOT, 'dist/webview/cockpit.js');
    assert.ok(existsSync(bundle), 'dist/webview/cockpit.js is missing: run `npm run build` first');
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      if (url.pathname === '/') {
        response.setHeader('content-type', 'text/html');
        response.end(page$html(base));
        return;
      }
      // Nothing but the page, the view bundle and its styles and fonts is served.
      const file = path.join(ROOT, path.normalize(url.pathname));
      if (!file.startsWith(ROOT) || !existsSync(file)) {
        response.statusCode = url.pathname === '/favicon.ico' ? 204 : 404;
        response.end();
        return;
      }
      const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'font/ttf';
      response.setHeader('content-type', type);
      response.end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  beforeEach(() => {
    received = [];
    violations = [];
    savedState = undefined;
    handlers = { 'view/ready': () => ({ view: 'cockpit' }), 'cockpit/state': () => ready };
  });

  /** Opens the view; `state` is what getState() returns (a reload restores it). */
  async function open(state?: unknown): Promise<number> {
    page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') violations.push(message.text());
    });
    page.on('pageerror', (error) => violations.push(error.message));
    page.on('response', (response) => {
      if (response.status() === 404) violations.push(`404 ${response.url()}`);
    });
    const dispatch = createDispatcher(handlers, { logError: (m) => violations.push(m) });
    await page.exposeFunction('__toHost', async (message: { method: string; params: unknown }) => {
      received.push({ method: message.method, params: message.params });
      const response = await dispatch(message);
      await page.evaluate((r) => window.postMessage(r, '*'), response as never);
    });
    await page.exposeFunction('__setState', (state: unknown) => {
      savedState = state;
    });
    await page.addInitScript((initial) => {
      (window as unknown as { __initialState: unknown }).__initialState = initial;
    }, state ?? null);
    const started = Date.now();
    await page.goto(`${base}/`);
    await waitFor(() => received.some((r) => r.method === 'view/ready'));
    return Date.now() - started;
  }

  async function waitFor(condition: () => boolean, timeout = 10_000): Promise<void> {
    const deadline = Date.now() + timeout;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('renders Master Control, the active dashboard and every module type under the strict CSP', async () => {
    const elapsed = await open();
    const app = page.locator('cockpit-app');
    await app.locator('h1', { hasText: 'Demo project' }).waitFor();
    assert.deepEqual(await app.locator('section.profile button.profile-name').allInnerTexts(), ['Builder', 'Reviewer']);
    assert.deepEqual(await app.locator('li.dashboard .dashboard-button').allInnerTexts(), ['Plan', 'Ship']);
    assert.equal(await app.locator('li.dashboard.active .dashboard-button').innerText(), 'Ship');
    assert.equal(await app.locator('li.dashboard.active .dashboard-button').getAttribute('aria-current'), 'page');
    assert.equal(await app.locator('main h2').innerText(), 'Ship');
    assert.match(await app.locator('nav').innerText(), /No dashboards yet — Add one/);
    const cards = app.locator('cockpit-module');
    assert.equal(await cards.count(), 4);
    assert.deepEqual(
      await cards.locator('vscode-checkbox').evaluateAll((e) => e.map((c) => (c as HTMLInputElement).checked)),
      [true, false],
    );
    assert.match(
      await cards.nth(1).locator('li.decision').innerText(),
      /Use TiDB[\s\S]*2026-01-01T14:30:45Z · dev@example.com/,
    );
    assert.equal(await cards.nth(2).locator('button.file').innerText(), 'src/index.ts');
    assert.match(await cards.nth(3).locator('pre').innerText(), /"columns"/);
    assert.match(await cards.nth(3).locator('p.muted').innerText(), /Read-only: Module type "kanban"/);
    assert.deepEqual(violations, []);
    console.log(`# first render with data in headless Chromium: ${elapsed} ms`);
  });

  it('sends typed requests for switching, checking items and opening files', async () => {
    handlers['dashboard/switch'] = () => ({ ok: true });
    handlers['checklist/check'] = () => ({ ok: true });
    handlers['file/open'] = () => ({ ok: true });
    await open();
    const app = page.locator('cockpit-app');
    await app.locator('li.dashboard .dashboard-button', { hasText: 'Plan' }).click();
    await app.locator('cockpit-module vscode-checkbox').nth(1).click();
    await app.locator('cockpit-module button.file').click();
    await waitFor(() => received.some((r) => r.method === 'file/open'));
    const sent = (method: string) => received.find((r) => r.method === method)?.params;
    assert.deepEqual(sent('dashboard/switch'), { profileId: 'p1', dashboardId: 'd1' });
    assert.deepEqual(sent('checklist/check'), { moduleId: 'm1', index: 1, text: 'Changelog written', done: true });
    assert.deepEqual(sent('file/open'), { moduleId: 'm3', folder: folder.uri, path: 'src/index.ts' });
    assert.deepEqual(violations, []);
  });

  it('keeps typed input in state when the write fails, and restores it after a reload', async () => {
    handlers['checklist/add'] = () => {
      throw new CockpitError('invalid', 'configuration.items.2.text: must be at most 500 characters');
    };
    await open();
    const field = page.locator('cockpit-module').first().locator('vscode-textfield');
    await field.locator('input').fill('Bump the version');
    await field.locator('input').press('Enter');
    await page.locator('cockpit-app .banner.error').waitFor();
    assert.match(await page.locator('cockpit-app .banner.error').innerText(), /must be at most 500 characters/);
    assert.deepEqual((savedState as { drafts: Record<string, string> }).drafts, { 'checklist:m1': 'Bump the version' });
    const state = savedState;
    await page.close();
    await open(state);
    const restored = page.locator('cockpit-module').first().locator('vscode-textfield');
    await page.locator('cockpit-app h1', { hasText: 'Demo project' }).waitFor();
    assert.equal(await restored.evaluate((e) => (e as HTMLInputElement).value), 'Bump the version');
  });

  it('shows the disconnected state with Retry and Connect, and the no-database state', async () => {
    let status: CockpitState['status'] = 'disconnected';
    handlers['cockpit/state'] = () => ({
      ...ready,
      status,
      message: 'Cannot connect to 127.0.0.1:4000: connection refused.',
      profiles: [],
      project: null,
      dashboard: null,
      modules: [],
    });
    await open();
    const app = page.locator('cockpit-app');
    await app.getByText('Disconnected').waitFor();
    assert.match(await app.locator('.empty').innerText(), /connection refused/);
    assert.deepEqual(await app.locator('.empty vscode-button').allInnerTexts(), ['Retry', 'Connect…']);
    status = 'no-database';
    const before = received.filter((r) => r.method === 'cockpit/state').length;
    await app.locator('.empty vscode-button', { hasText: 'Retry' }).click();
    await app.getByText('No database configured').waitFor();
    assert.equal(received.filter((r) => r.method === 'cockpit/state').length, before + 1);
  });

  it('offers the workflow templates when the folder has no project, and creates one', async () => {
    handlers['cockpit/state'] = () => ({
      ...ready,
      status: 'no-project',
      project: null,
      profiles: [],
      profileId: null,
      dashboard: null,
      modules: [],
      templates: [
        { name: 'note_taking', description: 'Notes' },
        { name: 'vibe_coding', description: 'Build with an AI pair' },
      ],
    });
    handlers['project/create'] = () => ({ projectId: 'new' });
    await open();
    const app = page.locator('cockpit-app');
    await app.getByText('has no Cockpit project yet').waitFor();
    await app.locator('vscode-textfield[aria-label="Project name"] input').fill('My app');
    await app.locator('.card', { hasText: 'vibe_coding' }).locator('vscode-button').click();
    await waitFor(() => received.some((r) => r.method === 'project/create'));
    assert.deepEqual(received.find((r) => r.method === 'project/create')?.params, {
      folder: folder.uri,
      template: 'vibe_coding',
      name: 'My app',
    });
  });

  it('refetches when the host says the data changed', async () => {
    await open();
    const before = received.filter((r) => r.method === 'cockpit/state').length;
    await page.evaluate(() =>
      window.postMessage({ kind: 'notification', method: 'data/changed', params: { reason: 'focus' } }, '*'),
    );
    await waitFor(() => received.filter((r) => r.method === 'cockpit/state').length === before + 1);
  });
});

/** The page the extension would serve, with the same CSP (cspSource = the test server). */
function page$html(base: string): string {
  const csp = `default-src 'none'; script-src 'nonce-${NONCE}'; style-src ${base}; img-src ${base} data:; font-src ${base}`;
  return `<!DOCTYPE html><html><head>
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="${base}/media/webview.css">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${base}/dist/webview/codicons/codicon.css">
</head><body>
<script nonce="${NONCE}">
  document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));
  let state = window.__initialState;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__toHost(m),
    getState: () => state ?? undefined,
    setState: (s) => { state = s; window.__setState(s); },
  });
</script>
<script type="module" nonce="${NONCE}" src="${base}/dist/webview/cockpit.js"></script>
</body></html>`;
}
