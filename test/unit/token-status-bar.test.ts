import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatusSummary } from '../../src/core/tokens/analytics.js';
import { bandOf, budgetPercent, statusBarView } from '../../src/core/tokens/status-bar.js';

const summary = (today: string, month = today): StatusSummary => ({
  today,
  week: today,
  month,
  topModels: [{ model: 'claude-sonnet-4-5', cost: month }],
  unpricedEvents: 0,
  lastEventAt: '2026-03-18 11:30:00.123456',
});

const view = (today: string, month = today, budgets = { daily: 10, monthly: 0 }) =>
  statusBarView({ kind: 'summary', projectName: 'alpha', summary: summary(today, month), budgets });

describe('the token-cost status bar', () => {
  it('shows today’s cost of the project', () => {
    const v = view('1.2345');
    assert.equal(v.text, '$(pulse) $1.23 today');
    assert.equal(v.visible, true);
    assert.equal(v.background, undefined);
    assert.ok(v.tooltip.includes('Today: $1.2345 — 12 % of the $10 budget'));
    assert.ok(v.tooltip.includes('This week: $1.2345'));
    assert.ok(v.tooltip.includes('- claude\\-sonnet\\-4\\-5: $1.2345'));
    assert.ok(v.tooltip.includes('Last event: 2026-03-18 11:30:00 UTC'));
  });

  it('colours each budget band: <70 % none, 70 % warning, 90 % error, 100 % error with a warning icon', () => {
    const cases: Array<[string, string, string | undefined, string]> = [
      ['6.9999', 'none', undefined, '$(pulse) $7.00 today'],
      ['7.0000', 'notice', 'statusBarItem.warningBackground', '$(pulse) $7.00 today'],
      ['8.9999', 'notice', 'statusBarItem.warningBackground', '$(pulse) $9.00 today'],
      ['9.0000', 'warning', 'statusBarItem.errorBackground', '$(pulse) $9.00 today'],
      ['9.9999', 'warning', 'statusBarItem.errorBackground', '$(pulse) $10.00 today'],
      ['10.0000', 'over', 'statusBarItem.errorBackground', '$(warning) $10.00 today'],
      ['250.5000', 'over', 'statusBarItem.errorBackground', '$(warning) $250.50 today'],
    ];
    for (const [today, band, background, text] of cases) {
      const v = view(today);
      assert.deepEqual([v.band, v.background, v.text], [band, background, text], `today = ${today}`);
    }
  });

  it('takes the worse of the daily and monthly budgets', () => {
    // Daily 10 % but monthly 95 %.
    const v = view('1.0000', '95.0000', { daily: 10, monthly: 100 });
    assert.equal(v.band, 'warning');
    assert.ok(v.tooltip.includes('This month: $95.0000 — 95 % of the $100 budget'));
    assert.equal(view('50.0000', '50.0000', { daily: 0, monthly: 0 }).band, 'none', 'no budgets, no colour');
  });

  it('flags unpriced events, is hidden without a project, and says when the database is down', () => {
    const unpriced = statusBarView({
      kind: 'summary',
      projectName: 'alpha',
      summary: { ...summary('0.0000'), unpricedEvents: 3, topModels: [], lastEventAt: null },
      budgets: {},
    });
    assert.ok(unpriced.tooltip.some((l) => l.includes('3 event(s) this month are **unpriced**')));
    assert.ok(unpriced.tooltip.includes('No events this month.'));
    assert.equal(statusBarView({ kind: 'no-project' }).visible, false);
    const down = statusBarView({
      kind: 'disconnected',
      reason: 'Cannot connect to 127.0.0.1:4000: connection refused.',
    });
    assert.equal(down.text, '$(pulse) disconnected');
    assert.ok(down.tooltip.includes('Cannot connect to 127\\.0\\.0\\.1:4000: connection refused\\.'));
  });

  it('shows project and model names as text, not Markdown', () => {
    const v = statusBarView({
      kind: 'summary',
      projectName: '[x](command:evil)',
      summary: { ...summary('1.0000'), topModels: [{ model: '**bold**', cost: '1.0000' }] },
      budgets: {},
    });
    assert.equal(v.tooltip[0], '**Token cost** of \\[x\\]\\(command:evil\\)');
    assert.ok(v.tooltip.includes('- \\*\\*bold\\*\\*: $1.0000'));
  });

  it('computes budget shares exactly', () => {
    assert.equal(budgetPercent('0.7000', 1), 70);
    assert.equal(budgetPercent('0.6999', 1), 69);
    assert.equal(budgetPercent('1.0000', 0), undefined);
    assert.equal(bandOf(undefined), 'none');
  });
});
