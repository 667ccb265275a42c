// The Extensions webview rendered in headless Chromium against a fake host: what it shows and
// exactly which requests it sends. Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ExtensionsViewState } from '../../src/protocol.js';

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

describe('the Extensions webview (headless Chromium, fake host)', () => {
  let browser: Browser;
  let page: Page;
  let script: string;

  before(async () => {
    const result = await build({
      entryPoints: ['webview/extensions/main.ts'],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    script = result.outputFiles[0]!.text;
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  });
  after(async () => browser?.close());

  async function open(saved?: unknown) {
    page = await browser.newPage();
    await page.setContent('<!DOCTYPE html><html><body></body></html>');
    // The fake host answers every request at once and keeps what the webview sent. Plain source
    // text: functions passed to evaluate() would carry tsx's helpers into the page.
    await page.evaluate(`(() => {
      const state = ${JSON.stringify(fixture)};
      window.sent = [];
      window.saved = ${JSON.stringify(saved ?? null)} ?? undefined;
      window.acquireVsCodeApi = () => ({
        getState: () => window.saved,
        setState: (s) => { window.saved = s; },
        postMessage: (message) => {
          window.sent.push(JSON.parse(JSON.stringify(message)));
          const result = message.method === 'extensions/state' ? state : message.method === 'view/ready' ? { view: 'extensions' } : { ok: true };
          setTimeout(() => window.postMessage({ kind: 'response', id: message.id, ok: true, result }, '*'));
        },
      });
    })()`);
    await page.addScriptTag({ content: script, type: 'module' });
    await page.getByRole('heading', { name: 'ESLint', exact: true }).waitFor();
  }

  const sent = (): Promise<Array<{ method: string; params: unknown }>> => page.evaluate('window.sent');

  it('lists extensions with their state and renders the enabled dashboard', async () => {
    await open();
    assert.equal(await page.getByText('missing here').count(), 1);
    assert.equal(await page.getByText('enabled', { exact: true }).count(), 1);
    assert.equal(await page.locator('code', { hasText: 'fixAll' }).count(), 1);
    assert.equal(await page.locator('img').count(), 0, 'markdown is text, never HTML');
    assert.equal(await page.evaluate('window.pwned'), undefined);
  });

  it('sends only ids for a command; a command the manifest does not contribute cannot be clicked', async () => {
    await open();
    assert.equal(await page.getByRole('button', { name: 'Gone' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Fix all' }).click();
    await page.waitForFunction(`window.sent.some((m) => m.method === 'extensions/runCommand')`);
    const run = (await sent()).filter((m) => m.method === 'extensions/runCommand');
    assert.deepEqual(
      run.map((m) => m.params),
      [{ extensionId: 'dbaeumer.vscode-eslint', widgetId: 'actions', command: 'eslint.executeAutofix' }],
    );
  });

  it('edits a setting through its enum and keeps unsaved overrides across a reload', async () => {
    await open();
    await page.getByLabel('eslint.run').selectOption('onSave');
    await page.waitForFunction(() =>
      (window as unknown as { sent: Array<{ method: string }> }).sent.some(
        (m) => m.method === 'extensions/updateSetting',
      ),
    );
    const update = (await sent()).find((m) => m.method === 'extensions/updateSetting');
    assert.deepEqual(update?.params, {
      extensionId: 'dbaeumer.vscode-eslint',
      widgetId: 'settings',
      key: 'eslint.run',
      value: 'onSave',
    });

    await page.getByRole('button', { name: 'Edit overrides' }).first().click();
    await page.locator('textarea').fill('{"title": "Lint"');
    const saved = await page.evaluate('window.saved');
    await page.close();
    await open(saved);
    assert.equal(await page.locator('textarea').inputValue(), '{"title": "Lint"', 'the draft survived the reload');
  });
});
