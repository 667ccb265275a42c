/**
 * Renders the built Token analytics view (dist/webview/analytics.js — needs `npm run build`) in
 * headless Chromium under the production CSP with uPlot's and the view's linked stylesheets, with a
 * fake VS Code host answering through the real request dispatcher (test/support/webview-page.ts).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { UsageSums } from '../../src/core/tokens/analytics.js';
import type { TokenAnalyticsReport } from '../../src/core/tokens/analytics-report.js';
import type { TokenAnalyticsView } from '../../src/protocol.js';
import type { RequestHandlers } from '../../src/vscode/webview/dispatcher.js';
import { startWebviewHarness, waitFor, type WebviewHarness, type WebviewPage } from '../support/webview-page.js';

const sums = (inputTokens: number, totalCost: string, events = 1): UsageSums => ({
  inputTokens,
  outputTokens: inputTokens / 10,
  cacheCreationTokens: 5,
  cacheReadTokens: 7,
  totalCost,
  events,
});

const report: TokenAnalyticsReport = {
  since: '2026-11-25',
  until: '2026-11-27',
  period: 'day',
  buckets: ['2026-11-25', '2026-11-26', '2026-11-27'],
  providers: ['anthropic', 'openai'],
  trend: [
    { period: '2026-11-25', provider: 'anthropic', ...sums(1000, '1.5000') },
    { period: '2026-11-26', provider: 'openai', ...sums(2000, '0.2500') },
    { period: '2026-11-27', provider: 'anthropic', ...sums(3000, '2.0000') },
  ],
  periods: [
    { period: '2026-11-25', ...sums(1000, '1.5000') },
    { period: '2026-11-26', ...sums(2000, '0.2500') },
    { period: '2026-11-27', ...sums(3000, '2.0000') },
  ],
  totals: { ...sums(6000, '3.7500', 3), cacheCreationTokens: 15, cacheReadTokens: 21 },
  models: [
    { provider: 'anthropic', model: 'claude-sonnet-4', unpricedEvents: 0, ...sums(4000, '3.5000', 2) },
    { provider: 'openai', model: 'gpt-5', unpricedEvents: 0, ...sums(2000, '0.2500') },
    { provider: 'openai', model: 'mystery-model', unpricedEvents: 3, ...sums(9000, '0.0000', 3) },
  ],
  branches: [
    { gitBranch: 'main', ...sums(4000, '3.0000', 2) },
    { gitBranch: null, ...sums(2000, '0.7500') },
  ],
  burnRate: {
    blockStart: '2026-11-27T10:00:00.000Z',
    blockEnd: '2026-11-27T15:00:00.000Z',
    at: '2026-11-27T12:00:00.000Z',
    events: 1,
    tokens: 3312,
    cost: '2.0000',
    tokensPerMinute: 27,
    costPerHour: '1.0000',
    projectedCost: '5.0000',
    projectedTokens: 8280,
    remainingMinutes: 180,
    points: [
      { at: '2026-11-27T10:00:00.000Z', cost: '0.0000' },
      { at: '2026-11-27T10:05:00.000Z', cost: '2.0000' },
      { at: '2026-11-27T12:00:00.000Z', cost: '2.0000' },
    ],
  },
};

const ready: TokenAnalyticsView = { project: { id: 'prj', name: 'Demo project' }, problem: null, report };

describe('Token analytics webview in headless Chromium', () => {
  let harness: WebviewHarness;
  let view: WebviewPage;
  let page: Page;
  let received: WebviewPage['received'];
  let violations: string[];
  let handlers: RequestHandlers;

  before(async () => {
    harness = await startWebviewHarness({
      view: 'analytics',
      stylesheets: ['dist/webview/uplot.css', 'media/controls.css', 'media/analytics.css'],
    });
  });
  after(() => harness?.close());

  beforeEach(() => {
    handlers = { 'view/ready': () => ({ view: 'analytics' }), 'tokens/analytics': () => ready };
  });

  /** Opens the view (`state`: what getState() returns, as after a reload); `received` starts empty. */
  async function open(state?: unknown): Promise<void> {
    view = await harness.open(handlers, state);
    ({ page, received, violations } = view);
  }

  const modelColumn = () => page.locator('table.models tbody td.model').allInnerTexts();

  it('renders the chart, totals, burn rate, tables and the unpriced flag under the strict CSP', async () => {
    await open();
    const view = page.locator('token-analytics');
    await view.locator('h1', { hasText: 'Demo project' }).waitFor();
    await view.locator('#cost-chart canvas').waitFor();
    assert.equal(await view.locator('#cost-chart canvas').count(), 1);
    // uPlot's linked stylesheet applied (its root is laid out as a block with its own class).
    assert.equal(await view.locator('#cost-chart .uplot').count(), 1);
    assert.equal(await view.locator('.total-cost').innerText(), '$3.75');
    assert.match(await view.locator('.burn-rate').innerText(), /\$1\.00\/hour · 27 tokens\/min[\s\S]*\$5\.0000/);
    assert.deepEqual(
      (await modelColumn()).map((t) => t.trim()),
      ['claude-sonnet-4', 'gpt-5', 'mystery-model unpriced'],
    );
    assert.equal(await view.locator('.tag.unpriced').count(), 1);
    assert.deepEqual(await view.locator('table.branches tbody td:first-child').allInnerTexts(), ['main', '(unknown)']);
    assert.deepEqual(await view.locator('table.periods tbody td:first-child').allInnerTexts(), report.buckets);
    assert.equal(await view.locator('h2', { hasText: 'Daily cost by provider' }).count(), 1);
    // The burn rate's own chart: spent so far and the dashed projection to the end of the block.
    await view.locator('#burn-chart canvas').waitFor();
    assert.deepEqual(await view.locator('#burn-chart .u-legend .u-label').allInnerTexts(), [
      'Time (UTC)',
      'Spent',
      'Projected to 15:00 UTC',
    ]);
    assert.deepEqual(violations, []);
  });

  it('sorts the model table by the clicked header and keeps the sort after a reload', async () => {
    await open();
    const header = (key: string) => page.locator(`table.models button.sort[data-key="${key}"]`);
    await header('inputTokens').click();
    assert.deepEqual(
      (await modelColumn()).map((t) => t.trim().split(/\s/)[0]),
      ['mystery-model', 'claude-sonnet-4', 'gpt-5'],
    );
    await header('inputTokens').click();
    assert.deepEqual(
      (await modelColumn()).map((t) => t.trim().split(/\s/)[0]),
      ['gpt-5', 'claude-sonnet-4', 'mystery-model'],
    );
    await header('model').click();
    assert.deepEqual(
      (await modelColumn()).map((t) => t.trim().split(/\s/)[0]),
      ['claude-sonnet-4', 'gpt-5', 'mystery-model'],
    );
    assert.equal(await page.locator('table.models th[aria-sort="ascending"]').innerText(), 'Model ▲');
    // Sorting happens in the view: no extra request.
    assert.equal(received.filter((r) => r.method === 'tokens/analytics').length, 1);
    const state = await view.currentState();
    assert.deepEqual(state, { period: 'day', since: '', until: '', sortKey: 'model', sortDescending: false });
    await page.close();
    await open(state);
    await page.locator('table.models').waitFor();
    assert.deepEqual(
      (await modelColumn()).map((t) => t.trim().split(/\s/)[0]),
      ['claude-sonnet-4', 'gpt-5', 'mystery-model'],
    );
    assert.deepEqual(violations, []);
  });

  it('sends the toggle and the date range with the analytics request, and restores them', async () => {
    await open();
    await page.locator('table.models').waitFor();
    await page.locator('button.period', { hasText: 'Weekly' }).click();
    await waitFor(() => received.filter((r) => r.method === 'tokens/analytics').length === 2);
    assert.deepEqual(received.at(-1)?.params, { period: 'week' });
    await page.locator('input[name="since"]').fill('2026-11-01');
    await waitFor(() => received.filter((r) => r.method === 'tokens/analytics').length === 3);
    assert.deepEqual(received.at(-1)?.params, { period: 'week', since: '2026-11-01' });
    const state = await view.currentState();
    await page.close();
    await open(state);
    await waitFor(() => received.some((r) => r.method === 'tokens/analytics'));
    assert.deepEqual(received.find((r) => r.method === 'tokens/analytics')?.params, {
      period: 'week',
      since: '2026-11-01',
    });
    assert.equal(await page.locator('button.period.active').innerText(), 'Weekly');
    assert.equal(await page.locator('input[name="since"]').inputValue(), '2026-11-01');
  });

  it('draws weekly buckets named by their Monday and says weeks are ISO weeks starting Monday (UTC)', async () => {
    const weekly: TokenAnalyticsReport = {
      ...report,
      period: 'week',
      buckets: ['2026-11-16', '2026-11-23'],
      trend: [
        { period: '2026-11-16', provider: 'anthropic', ...sums(1000, '1.5000') },
        { period: '2026-11-23', provider: 'anthropic', ...sums(3000, '2.0000') },
        { period: '2026-11-23', provider: 'openai', ...sums(2000, '0.2500') },
      ],
      periods: [
        { period: '2026-11-16', ...sums(1000, '1.5000') },
        { period: '2026-11-23', ...sums(5000, '2.2500', 2) },
      ],
      burnRate: null,
    };
    handlers['tokens/analytics'] = (params) => ({ ...ready, report: params.period === 'week' ? weekly : report });
    await open({ period: 'week', since: '', until: '', sortKey: 'totalCost', sortDescending: true });
    const view = page.locator('token-analytics');
    await view.locator('#cost-chart canvas').waitFor();
    assert.equal(await view.locator('h2', { hasText: 'Weekly cost by provider' }).count(), 1);
    assert.match(await view.locator('.chart-note').first().innerText(), /ISO week, Monday 00:00 to Sunday 24:00 UTC/);
    // The x axis is labelled with the buckets' Mondays; the legend's first column names the period.
    assert.equal(await view.locator('#cost-chart .u-legend .u-label').first().innerText(), 'Week of');
    assert.deepEqual(await view.locator('table.periods tbody td:first-child').allInnerTexts(), weekly.buckets);
    // No active block: no burn chart.
    assert.equal(await view.locator('#burn-chart').count(), 0);
    // Back to daily: the chart is redrawn for the daily report.
    await page.locator('button.period', { hasText: 'Daily' }).click();
    await view.locator('h2', { hasText: 'Daily cost by provider' }).waitFor();
    await view.locator('#burn-chart canvas').waitFor();
    assert.equal(await view.locator('#cost-chart canvas').count(), 1);
    assert.equal(await view.locator('#cost-chart .u-legend .u-label').first().innerText(), 'Day');
    assert.deepEqual(violations, []);
  });

  it('asks the host to export; the webview writes nothing itself', async () => {
    handlers['tokens/export'] = () => ({ saved: '/tmp/usage.csv' });
    await open();
    await page.locator('button.export-csv').click();
    await page.getByText('Exported to /tmp/usage.csv.').waitFor();
    assert.deepEqual(received.find((r) => r.method === 'tokens/export')?.params, { period: 'day', format: 'csv' });
  });

  it('shows the empty state when nothing was recorded, and the host error for a bad range', async () => {
    handlers['tokens/analytics'] = (params) => {
      if (params.since === '2026-12-01') throw new (class extends Error {})('boom');
      return {
        ...ready,
        report: {
          ...report,
          trend: [],
          periods: [],
          models: [],
          branches: [],
          burnRate: null,
          totals: sums(0, '0.0000', 0),
        },
      };
    };
    await open();
    const view = page.locator('token-analytics');
    await view.getByText('No token usage recorded yet —').waitFor();
    assert.equal(await view.locator('canvas').count(), 0);
    assert.equal(await view.locator('table').count(), 0);
    violations.length = 0;
    await page.locator('input[name="since"]').fill('2026-12-01');
    await view.locator('.banner.error').waitFor();
    assert.match(await view.locator('.banner.error').innerText(), /tokens\/analytics failed unexpectedly/);
  });

  it('shows the loading state until the host answers, and the problem when there is no project', async () => {
    let answer: (view: TokenAnalyticsView) => void = () => undefined;
    handlers['tokens/analytics'] = () => new Promise<TokenAnalyticsView>((resolve) => (answer = resolve));
    await open();
    await page.locator('token-analytics .loading', { hasText: 'Loading token usage…' }).waitFor();
    answer({ project: null, problem: 'This workspace maps to no Cockpit project.', report: null });
    await page.getByText('This workspace maps to no Cockpit project.').waitFor();
    assert.equal(await page.locator('token-analytics .loading').count(), 0);
  });
});
