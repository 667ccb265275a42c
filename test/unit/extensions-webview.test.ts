/**
 * The built Extensions view (dist/webview/extensions.js — needs `npm run build`) in headless Chromium
 * under the production CSP, answered through the real dispatcher (test/support/webview-page.ts):
 * what it shows and exactly which requests it sends.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { configFormFields } from '../../src/core/extensions/form.js';
import type { TemplateEditor } from '../../src/core/extensions/catalog.js';
import type { DashboardConfig } from '../../src/core/extensions/config.js';
import type { ExtensionsViewState } from '../../src/protocol.js';
import type { RequestHandlers } from '../../src/vscode/webview/dispatcher.js';
import { startWebviewHarness, waitFor, type WebviewHarness, type WebviewPage } from '../support/webview-page.js';

const fixture: ExtensionsViewState = {
  project: { id: 'p1', name: 'Demo' },
  problem: null,
  autoEnable: false,
  extensions: [
    {
      extensionId: 'dbaeumer.vscode-eslint',
      displayName: 'ESLint',
      version: '3.0.10',
      installed: true,
      state: 'enabled',
      template: { id: 't1', name: 'ESLint essentials' },
      templates: [{ id: 't1', name: 'ESLint essentials', version: '1.0.0' }],
      overrides: '',
      error: null,
    },
    {
      extensionId: 'eamodio.gitlens',
      displayName: 'GitLens',
      version: null,
      installed: false,
      state: 'missing',
      template: { id: 't2', name: 'GitLens essentials' },
      templates: [],
      overrides: '',
      error: null,
    },
  ],
  dashboards: [
    {
      extensionId: 'dbaeumer.vscode-eslint',
      title: 'ESLint',
      description: null,
      columns: 2,
      widgets: [
        {
          id: 'actions',
          type: 'commands',
          title: 'Actions',
          span: 1,
          commands: [
            { command: 'eslint.executeAutofix', title: 'Fix all', allowed: true },
            { command: 'eslint.gone', title: 'Gone', allowed: false },
          ],
        },
        {
          id: 'note',
          type: 'markdown',
          title: 'Note',
          span: 1,
          markdown: 'Use `fixAll` <img src=x onerror="window.pwned=1"> **now**',
        },
        {
          id: 'settings',
          type: 'settings',
          title: 'Settings',
          span: 2,
          settings: [
            {
              key: 'eslint.run',
              description: 'Run the linter',
              types: ['string'],
              enum: ['onSave', 'onType'],
              value: 'onType',
              setInWorkspace: false,
              editable: true,
            },
          ],
        },
      ],
    },
  ],
};

const templateConfig: DashboardConfig = {
  title: 'ESLint',
  layout: { columns: 2 },
  widgets: [
    {
      id: 'actions',
      type: 'commands',
      title: 'Actions',
      commands: [{ command: 'eslint.executeAutofix', title: 'Fix all' }],
    },
    { id: 'status', type: 'status', fields: ['version'] },
  ],
};

const editor: TemplateEditor = {
  id: 't1',
  name: 'ESLint essentials',
  extensionId: 'dbaeumer.vscode-eslint',
  communityApproved: true,
  version: '1.1.0',
  fields: configFormFields(templateConfig, templateConfig),
  json: JSON.stringify(templateConfig, null, 2),
  versions: [
    {
      version: '1.1.0',
      changelog: 'Status widget',
      createdBy: 'dev@example.com',
      createdAt: '2026-11-26 10:00:00.000000',
    },
    { version: '1.0.0', changelog: null, createdBy: 'system', createdAt: '2026-11-01 09:00:00.000000' },
  ],
};

describe('the Extensions webview (headless Chromium, real dispatcher)', () => {
  let harness: WebviewHarness;
  let view: WebviewPage;
  let page: Page;
  let handlers: RequestHandlers;
  const ok = { ok: true } as const;

  before(async () => {
    harness = await startWebviewHarness({ view: 'extensions' });
  });
  after(() => harness?.close());

  beforeEach(() => {
    handlers = {
      'view/ready': () => ({ view: 'extensions' }),
      'extensions/state': () => fixture,
      'extensions/runCommand': () => ok,
      'extensions/updateSetting': () => ok,
      'extensions/setOverrides': () => ok,
      'extensions/saveOverridesForm': () => ok,
      // The project overrides the title: the form shows it as overridden.
      'extensions/overridesForm': () => ({
        fields: configFormFields(templateConfig, { ...templateConfig, title: 'Lint' }),
      }),
      'extensions/template': () => editor,
      'extensions/previewTemplate': () => ({
        current: '1.1.0',
        bump: 'patch',
        suggested: '1.1.1',
        diff: [{ path: 'layout.columns', kind: 'changed', before: 2, after: 3 }],
      }),
      'extensions/saveTemplate': () => ({ version: '1.1.1' }),
      'extensions/rollbackTemplate': () => ({ version: '1.1.1' }),
    };
  });

  async function open(state?: unknown) {
    view = await harness.open(handlers, state);
    page = view.page;
    await page.getByRole('heading', { name: 'ESLint', exact: true }).waitFor();
  }

  const sent = (method: string) => view.received.filter((m) => m.method === method).map((m) => m.params);
  const waitForRequest = (method: string) => waitFor(() => sent(method).length > 0);

  it('lists extensions with their state and renders the enabled dashboard', async () => {
    await open();
    assert.equal(await page.getByText('missing here').count(), 1);
    assert.equal(await page.getByText('enabled', { exact: true }).count(), 1);
    assert.equal(await page.locator('code', { hasText: 'fixAll' }).count(), 1);
    assert.equal(await page.locator('img').count(), 0, 'markdown is text, never HTML');
    assert.equal(await page.evaluate('window.pwned'), undefined);
    assert.deepEqual(view.violations, []);
  });

  it('sends only ids for a command; a command the manifest does not contribute cannot be clicked', async () => {
    await open();
    assert.equal(await page.getByRole('button', { name: 'Gone' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Fix all' }).click();
    await waitForRequest('extensions/runCommand');
    assert.deepEqual(sent('extensions/runCommand'), [
      { extensionId: 'dbaeumer.vscode-eslint', widgetId: 'actions', command: 'eslint.executeAutofix' },
    ]);
  });

  it('edits a setting through its enum', async () => {
    await open();
    await page.getByLabel('eslint.run').selectOption('onSave');
    await waitForRequest('extensions/updateSetting');
    assert.deepEqual(sent('extensions/updateSetting'), [
      { extensionId: 'dbaeumer.vscode-eslint', widgetId: 'settings', key: 'eslint.run', value: 'onSave' },
    ]);
  });

  it('edits overrides in the form generated from the template schema and saves only the edited values', async () => {
    await open();
    await page.getByRole('button', { name: 'Edit overrides' }).first().click();
    const form = page.getByLabel('Overrides of ESLint');
    await form.locator('legend', { hasText: 'Widget 1 · commands · actions' }).waitFor();
    const title = form.locator('.form-field[data-path="title"]');
    assert.equal(await title.locator('input').inputValue(), 'Lint');
    assert.equal(await title.locator('.badge', { hasText: 'overridden' }).count(), 1);
    assert.equal(await form.locator('.form-field[data-path="layout.columns"] input').inputValue(), '2');
    assert.deepEqual(
      await form
        .locator('.form-field[data-path="widgets.1.fields"] input[type=checkbox]')
        .evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).checked)),
      [true, false, false, false],
    );

    await form.locator('.form-field[data-path="layout.columns"] input').fill('3');
    await form.locator('.form-field[data-path="layout.columns"] input').dispatchEvent('change');
    await form.locator('.form-field[data-path="widgets.1.fields"] input[type=checkbox]').nth(2).check();
    await title.getByRole('button', { name: 'Use template value' }).click();
    assert.equal(await title.locator('input').inputValue(), 'ESLint');

    // The draft survives a reload, and the form comes back with it.
    const state = await view.currentState();
    await page.close();
    await open(state);
    const restored = page.getByLabel('Overrides of ESLint');
    await restored.locator('.form-field[data-path="layout.columns"] input').waitFor();
    assert.equal(await restored.locator('.form-field[data-path="layout.columns"] input').inputValue(), '3');

    await restored.getByRole('button', { name: 'Save overrides' }).click();
    await waitForRequest('extensions/saveOverridesForm');
    assert.deepEqual(sent('extensions/saveOverridesForm'), [
      {
        extensionId: 'dbaeumer.vscode-eslint',
        edits: [
          { path: 'layout.columns', value: 3 },
          { path: 'widgets.1.fields', value: ['version', 'commands'] },
          { path: 'title', value: 'ESLint' },
        ],
      },
    ]);
    await page.getByLabel('Overrides of ESLint').waitFor({ state: 'detached' });
    assert.deepEqual(view.violations, []);
  });

  it("shows the host's refusal next to the form and keeps what was typed", async () => {
    handlers['extensions/saveOverridesForm'] = () => {
      throw new (class extends Error {})('custom_config.layout.columns: too big');
    };
    await open();
    await page.getByRole('button', { name: 'Edit overrides' }).first().click();
    const columns = page.locator('.form-field[data-path="layout.columns"] input');
    await columns.fill('4');
    await columns.dispatchEvent('change');
    await page.getByRole('button', { name: 'Save overrides' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /failed unexpectedly/);
    assert.equal(await columns.inputValue(), '4');
  });

  it('the raw JSON editor is the fallback, and its unsaved text survives a reload', async () => {
    await open();
    await page.getByRole('button', { name: 'Edit overrides' }).first().click();
    await page.getByRole('button', { name: 'Raw JSON' }).click();
    await page.locator('textarea#overrides-dbaeumer\\.vscode-eslint').fill('{"title": "Lint"');
    const state = await view.currentState();
    await page.close();
    await open(state);
    const textarea = page.locator('textarea#overrides-dbaeumer\\.vscode-eslint');
    assert.equal(await textarea.inputValue(), '{"title": "Lint"', 'the draft survived the reload');
    await page.getByRole('button', { name: 'Save overrides' }).click();
    await waitForRequest('extensions/setOverrides');
    assert.deepEqual(sent('extensions/setOverrides'), [
      { extensionId: 'dbaeumer.vscode-eslint', json: '{"title": "Lint"' },
    ]);
  });

  it('edits a template as a new version: preview with the suggested bump, save, roll back', async () => {
    await open();
    await page.getByRole('button', { name: 'Edit template' }).first().click();
    const section = page.getByLabel('Template editor');
    await section.getByText('ESLint essentials').waitFor();
    const columns = section.locator('.form-field[data-path="layout.columns"] input');
    await columns.fill('3');
    await columns.dispatchEvent('change');
    await section.getByRole('button', { name: 'Preview change' }).click();
    await section.locator('.preview').waitFor();
    assert.match(
      await section.locator('.preview').innerText(),
      /patch change: v1\.1\.0 → v1\.1\.1[\s\S]*layout\.columns changed: 2 → 3/,
    );
    assert.deepEqual(sent('extensions/previewTemplate'), [
      { templateId: 't1', edits: [{ path: 'layout.columns', value: 3 }] },
    ]);
    assert.equal(await section.locator('#template-version').getAttribute('placeholder'), '1.1.1');

    await section.locator('#template-changelog').fill('Three columns');
    await section.getByRole('button', { name: 'Save as new version' }).click();
    await waitForRequest('extensions/saveTemplate');
    assert.deepEqual(sent('extensions/saveTemplate'), [
      { templateId: 't1', edits: [{ path: 'layout.columns', value: 3 }], changelog: 'Three columns' },
    ]);

    await section.getByRole('button', { name: 'Roll back to v1.0.0' }).click();
    await waitForRequest('extensions/rollbackTemplate');
    assert.deepEqual(sent('extensions/rollbackTemplate'), [{ templateId: 't1', toVersion: '1.0.0' }]);
    assert.equal(await section.getByRole('button', { name: 'Roll back to v1.1.0' }).count(), 0, 'the current version');

    await section.getByRole('button', { name: 'Raw JSON' }).click();
    assert.deepEqual(JSON.parse(await section.locator('#template-json').inputValue()), templateConfig);
    assert.deepEqual(view.violations, []);
  });
});
