/**
 * Renders the built Cockpit view (dist/webview/cockpit.js — needs `npm run build`) in headless
 * Chromium under the production CSP, with a fake VS Code host answering through the real request
 * dispatcher with canned handlers (test/support/webview-page.ts).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { ModuleView, ProfileTree } from '../../src/core/hierarchy.js';
import { CockpitError } from '../../src/core/errors.js';
import type { CockpitState } from '../../src/protocol.js';
import type { RequestHandlers } from '../../src/vscode/webview/dispatcher.js';
import { startWebviewHarness, waitFor, type WebviewHarness, type WebviewPage } from '../support/webview-page.js';

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
  let harness: WebviewHarness;
  let view: WebviewPage;
  let page: Page;
  let received: WebviewPage['received'];
  let violations: string[];
  let handlers: RequestHandlers;

  before(async () => {
    harness = await startWebviewHarness({ view: 'cockpit', inline: true });
  });
  after(() => harness?.close());

  beforeEach(() => {
    handlers = { 'view/ready': () => ({ view: 'cockpit' }), 'cockpit/state': () => ready };
  });

  /** Opens the view; `state` is what getState() returns (a reload restores it); `bootstrap` is embedded in the page. */
  async function open(state?: unknown, bootstrap?: CockpitState): Promise<number> {
    const started = Date.now();
    view = await harness.open(handlers, state, bootstrap);
    ({ page, received, violations } = view);
    return Date.now() - started;
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
      await cards.locator('input[type="checkbox"]').evaluateAll((e) => e.map((c) => (c as HTMLInputElement).checked)),
      [true, false],
    );
    assert.match(
      await cards.nth(1).locator('li.decision').innerText(),
      /Use TiDB[\s\S]*2026-01-01T14:30:45Z · dev@example.com/,
    );
    assert.equal(await cards.nth(2).locator('button.file').innerText(), 'src/index.ts');
    assert.match(await cards.nth(3).locator('pre').innerText(), /"columns"/);
    assert.match(await cards.nth(3).locator('p.muted').innerText(), /Read-only: Module type "kanban"/);
    // Icons are inline SVG in buttons named for screen readers; the page fetched no file (its script
    // and stylesheet are in it), so nothing holds its load event.
    const refresh = app.getByRole('button', { name: 'Refresh' });
    assert.equal(await refresh.getAttribute('title'), 'Refresh');
    const box = await refresh.locator('svg.icon path').first().boundingBox();
    assert.ok(box && box.width > 4 && box.height > 4, 'the icon is drawn');
    const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name));
    assert.deepEqual(
      fetched.filter((url) => !url.endsWith('/favicon.ico')), // the test browser's own request
      [],
    );
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
    await app.locator('cockpit-module').getByRole('checkbox', { name: 'Changelog written' }).click();
    await app.locator('cockpit-module button.file').click();
    await waitFor(() => received.some((r) => r.method === 'file/open'));
    const sent = (method: string) => received.find((r) => r.method === method)?.params;
    assert.deepEqual(sent('dashboard/switch'), { profileId: 'p1', dashboardId: 'd1' });
    assert.deepEqual(sent('checklist/check'), { moduleId: 'm1', index: 1, text: 'Changelog written', done: true });
    assert.deepEqual(sent('file/open'), { moduleId: 'm3', folder: folder.uri, path: 'src/index.ts' });
    assert.deepEqual(violations, []);
  });

  it('sets a decision status and adds a module of the chosen type with the dropdowns', async () => {
    handlers['decision/status'] = () => ({ ok: true });
    handlers['module/create'] = () => ({ id: 'm9' });
    await open();
    const app = page.locator('cockpit-app');
    const status = app.locator('cockpit-module select[aria-label="Status of \\"Use TiDB\\""]');
    assert.equal(await status.inputValue(), 'accepted', 'the select shows the stored status');
    await status.selectOption('superseded');
    await app.getByRole('combobox', { name: 'Module type' }).selectOption({ label: 'Decision log' });
    await app.getByRole('textbox', { name: 'Module name' }).fill('Risks');
    await app.getByRole('button', { name: 'Add module' }).click();
    await waitFor(() => received.some((r) => r.method === 'module/create'));
    const sent = (method: string) => received.filter((r) => r.method === method).map((r) => r.params);
    assert.deepEqual(sent('decision/status'), [{ moduleId: 'm2', index: 0, title: 'Use TiDB', status: 'superseded' }]);
    assert.deepEqual(sent('module/create'), [{ dashboardId: 'd2', moduleType: 'decision_log', name: 'Risks' }]);
    assert.deepEqual(violations, []);
  });

  it('empties a field once what was typed in it is saved, and keeps it when saving fails', async () => {
    let fail = false;
    handlers['checklist/add'] = () => {
      if (fail) throw new CockpitError('conflict', 'The module changed meanwhile.');
      return { ok: true };
    };
    handlers['decision/add'] = () => ({ ok: true });
    await open();
    const card = (name: string) => page.locator('cockpit-module', { hasText: name });
    const newItem = card('Release checklist').getByRole('textbox', { name: 'New item' });
    await newItem.fill('Bump the version');
    await newItem.press('Enter');
    await waitFor(() => received.some((r) => r.method === 'checklist/add'));
    await waitFor(async () => (await newItem.inputValue()) === '');

    fail = true;
    await newItem.fill('Tag the release');
    await newItem.press('Enter');
    await page.locator('cockpit-app .banner.error').waitFor();
    assert.equal(await newItem.inputValue(), 'Tag the release');

    const decisions = card('Decisions');
    await decisions.locator('summary', { hasText: 'Log a decision' }).click();
    await decisions.getByRole('textbox', { name: 'Title', exact: true }).fill('Ship on Fridays');
    await decisions.getByRole('textbox', { name: 'Decision', exact: true }).fill('No');
    await decisions.getByRole('button', { name: 'Add decision' }).click();
    await waitFor(() => received.some((r) => r.method === 'decision/add'));
    // The form closes once the decision is logged; opened again, it is empty.
    await waitFor(
      async () =>
        !(await decisions
          .locator('details')
          .last()
          .evaluate((d) => (d as HTMLDetailsElement).open)),
    );
    await decisions.locator('summary', { hasText: 'Log a decision' }).click();
    assert.equal(await decisions.getByRole('textbox', { name: 'Title', exact: true }).inputValue(), '');
    assert.equal(await decisions.getByRole('textbox', { name: 'Decision', exact: true }).inputValue(), '');
  });

  it('renames inline: Enter saves a changed name, a failed save keeps what was typed, Escape ends it', async () => {
    handlers['dashboard/update'] = () => ({ ok: true });
    let renameFails = true;
    handlers['module/rename'] = () => {
      if (renameFails) throw new CockpitError('invalid', 'name: must be at most 200 characters');
      return { ok: true };
    };
    await open();
    const app = page.locator('cockpit-app');
    await app.locator('li.dashboard.active').getByRole('button', { name: 'Rename dashboard' }).click();
    const dashboardName = app.getByRole('textbox', { name: 'New name' });
    assert.equal(await dashboardName.inputValue(), 'Ship');
    await dashboardName.fill('Release');
    await dashboardName.press('Enter');
    await waitFor(() => received.some((r) => r.method === 'dashboard/update'));
    await app.getByRole('textbox', { name: 'New name' }).waitFor({ state: 'detached' });
    assert.deepEqual(received.find((r) => r.method === 'dashboard/update')?.params, { id: 'd2', name: 'Release' });

    const card = app.locator('cockpit-module').first(); // Release checklist (its heading is the field while renaming)
    await card.getByRole('button', { name: 'Rename module' }).click();
    const moduleName = card.getByRole('textbox', { name: 'New module name' });
    await moduleName.fill('Launch checklist');
    await moduleName.press('Enter');
    await page.locator('cockpit-app .banner.error').waitFor();
    assert.equal(await moduleName.inputValue(), 'Launch checklist');
    renameFails = false;
    await moduleName.press('Enter');
    await moduleName.waitFor({ state: 'detached' });
    assert.deepEqual(
      received.filter((r) => r.method === 'module/rename').map((r) => r.params),
      [
        { id: 'm1', name: 'Launch checklist' },
        { id: 'm1', name: 'Launch checklist' },
      ],
    );

    await card.getByRole('button', { name: 'Rename module' }).click();
    await card.getByRole('textbox', { name: 'New module name' }).press('Escape');
    await card.getByRole('textbox', { name: 'New module name' }).waitFor({ state: 'detached' });
    assert.equal(received.filter((r) => r.method === 'module/rename').length, 2);
  });

  it('keeps typed input in state when the write fails, and restores it after a reload', async () => {
    handlers['checklist/add'] = () => {
      throw new CockpitError('invalid', 'configuration.items.2.text: must be at most 500 characters');
    };
    await open();
    const field = page.locator('cockpit-module').first().getByRole('textbox', { name: 'New item' });
    await field.fill('Bump the version');
    await field.press('Enter');
    await page.locator('cockpit-app .banner.error').waitFor();
    assert.match(await page.locator('cockpit-app .banner.error').innerText(), /must be at most 500 characters/);
    assert.deepEqual((view.savedState as { drafts: Record<string, string> }).drafts, {
      'checklist:m1': 'Bump the version',
    });
    const state = await view.currentState();
    await page.close();
    await open(state);
    const restored = page.locator('cockpit-module').first().getByRole('textbox', { name: 'New item' });
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
    assert.deepEqual(await app.locator('.empty button').allInnerTexts(), ['Retry', 'Connect…']);
    status = 'no-database';
    const before = received.filter((r) => r.method === 'cockpit/state').length;
    await app.locator('.empty').getByRole('button', { name: 'Retry' }).click();
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
    await app.getByRole('textbox', { name: 'Project name' }).fill('My app');
    await app.locator('.card', { hasText: 'vibe_coding' }).getByRole('button', { name: 'Create' }).click();
    await waitFor(() => received.some((r) => r.method === 'project/create'));
    assert.deepEqual(received.find((r) => r.method === 'project/create')?.params, {
      folder: folder.uri,
      template: 'vibe_coding',
      name: 'My app',
    });
  });

  it('renders a new panel from the state embedded in its page, without asking the host', async () => {
    const name = 'Embedded </script><script>document.title = "pwned"</script> project';
    await open(undefined, { ...ready, project: { ...ready.project!, name } });
    const app = page.locator('cockpit-app');
    await app.locator('h1', { hasText: name }).waitFor();
    assert.notEqual(await page.title(), 'pwned');
    assert.equal(await app.locator('main h2').innerText(), 'Ship');
    assert.deepEqual(
      received.map((r) => r.method),
      ['view/ready'],
    );
    assert.deepEqual(view.savedState, { drafts: {}, folder: folder.uri, profileId: 'p1' });
    assert.deepEqual(violations, []);
  });

  it('asks for a fresh state when its page is re-created (its embedded state is as old as the panel)', async () => {
    await open(
      { drafts: {}, folder: folder.uri, profileId: 'p1' },
      { ...ready, project: { ...ready.project!, name: 'Stale' } },
    );
    await page.locator('cockpit-app h1', { hasText: 'Demo project' }).waitFor();
    assert.deepEqual(received[0], { method: 'cockpit/state', params: { folder: folder.uri, profileId: 'p1' } });
  });

  it('refetches when the host says the data changed', async () => {
    await open();
    const before = received.filter((r) => r.method === 'cockpit/state').length;
    await page.evaluate(() =>
      window.postMessage({ kind: 'notification', method: 'data/changed', params: { reason: 'focus' } }, '*'),
    );
    await waitFor(() => received.filter((r) => r.method === 'cockpit/state').length === before + 1);
  });

  it("answers the host's clock probes with its clock, so it is checked as a Browser component", async () => {
    handlers['time/clockReply'] = ({ probe }) => ({ accepted: probe === 41 });
    await open();
    const before = Date.now() * 1000;
    await view.post({ kind: 'notification', method: 'clock/probe', params: { probe: 41 } });
    await waitFor(() => received.some((r) => r.method === 'time/clockReply'));
    const reply = received.find((r) => r.method === 'time/clockReply')?.params as { probe: number; micros: number };
    assert.equal(reply.probe, 41);
    // Same machine: the page's clock lies between the probe and now (1 ms for Date.now's resolution).
    assert.ok(reply.micros >= before - 1_000 && reply.micros <= Date.now() * 1000 + 1_000, `${reply.micros}`);
    assert.deepEqual(violations, []);
  });
});
