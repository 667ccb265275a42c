import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CockpitError } from '../../src/core/errors.js';
import { analyticsCsv, analyticsJson, tokenAnalyticsReport } from '../../src/core/tokens/analytics-report.js';
import { parsePricingOverrides, Pricing, type PriceCatalog } from '../../src/core/tokens/pricing.js';
import { insertTokenUsageRows, prepareTokenUsage } from '../../src/core/tokens/record.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// m-a costs $1 per input token and $2 per output token, m-b $0.50 per input token; m-x has no price.
const pricing = new Pricing(
  { name: 'none', quote: () => undefined } satisfies PriceCatalog,
  parsePricingOverrides({ 'm-a': { input: 1_000_000, output: 2_000_000 }, 'm-b': { input: 500_000, output: 0 } }),
);
const NOW = new Date('2026-03-18T12:00:00Z');

const events = [
  { m: 'm-a', prov: 'anthropic', ts: '2026-03-14T23:59:59.999999Z', in: 1, out: 0 }, // before `since`
  { m: 'm-a', prov: 'anthropic', ts: '2026-03-16T10:00:00Z', in: 1, out: 0 },
  { m: 'm-b', prov: 'openai', ts: '2026-03-17T00:00:00Z', in: 2, out: 0 },
  { m: 'm-a', prov: 'anthropic', ts: '2026-03-17T23:59:59.999999Z', in: 0, out: 1, branch: 'feat' },
  { m: 'm-a', prov: 'anthropic', ts: '2026-03-18T10:30:00Z', in: 1, out: 1, branch: 'main' },
  { m: '=HYPERLINK("x"),y', prov: 'local', ts: '2026-03-18T11:00:00Z', in: 100, out: 0, branch: 'main' },
  { m: 'm-a', prov: 'anthropic', ts: '2026-03-19T00:00:00Z', in: 1, out: 0 }, // after `until`
];

describe('token analytics report (the analytics view and its export)', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
    const rows = events.map((e, i) =>
      prepareTokenUsage(
        {
          projectId: 'p1',
          provider: e.prov,
          model: e.m,
          inputTokens: e.in,
          outputTokens: e.out,
          timestamp: e.ts,
          gitBranch: e.branch,
          eventKey: `report:${i}`,
        },
        pricing,
      ),
    );
    await insertTokenUsageRows(database.db, rows);
  });
  after(async () => database?.drop());

  it('covers exactly the UTC days since..until, stacked by provider, with exact totals', async () => {
    const report = await tokenAnalyticsReport(database, {
      projectId: 'p1',
      period: 'day',
      since: '2026-03-15',
      until: '2026-03-18',
      now: NOW,
    });
    assert.deepEqual(report.buckets, ['2026-03-15', '2026-03-16', '2026-03-17', '2026-03-18']);
    assert.deepEqual(report.providers, ['anthropic', 'local', 'openai']);
    assert.deepEqual(
      report.trend.map((t) => [t.period, t.provider, t.totalCost]),
      [
        ['2026-03-16', 'anthropic', '1.0000'],
        ['2026-03-17', 'anthropic', '2.0000'],
        ['2026-03-17', 'openai', '1.0000'],
        ['2026-03-18', 'anthropic', '3.0000'],
        ['2026-03-18', 'local', '0.0000'],
      ],
    );
    assert.deepEqual(
      report.periods.map((p) => [p.period, p.totalCost, p.events]),
      [
        ['2026-03-16', '1.0000', 1],
        ['2026-03-17', '3.0000', 2],
        ['2026-03-18', '3.0000', 2],
      ],
    );
    assert.deepEqual(report.totals, {
      inputTokens: 104,
      outputTokens: 2,
      cacheCreationTokens: 0,
      cacheReadTokens: 0,
      totalCost: '7.0000',
      events: 5,
    });
    assert.deepEqual(
      report.models.map((m) => [m.model, m.totalCost, m.events, m.unpricedEvents]),
      [
        ['m-a', '6.0000', 3, 0],
        ['m-b', '1.0000', 1, 0],
        ['=HYPERLINK("x"),y', '0.0000', 1, 1],
      ],
    );
    assert.deepEqual(
      report.branches.map((b) => [b.gitBranch, b.totalCost]),
      [
        ['main', '3.0000'],
        // Equal costs order by branch name, NULL first (as MySQL, MariaDB and TiDB sort it).
        [null, '2.0000'],
        ['feat', '2.0000'],
      ],
    );
    assert.equal(report.burnRate?.blockStart, '2026-03-18T10:00:00.000Z');
    assert.equal(report.burnRate?.cost, '3.0000');
  });

  it('the chart follows the toggle: cost per ISO week (Monday) and per month, by provider, partial at the edges', async () => {
    // Saturday 14th .. Wednesday 18th: the week of Monday 9th holds only the 14th and 15th ($1 at 23:59:59.999999
    // on the 14th), the week of Monday 16th the rest: anthropic $1 + $2 + $3, openai $1, local $0.
    const range = { projectId: 'p1', since: '2026-03-14', until: '2026-03-18', now: NOW };
    const weeks = await tokenAnalyticsReport(database, { ...range, period: 'week' });
    assert.deepEqual(weeks.buckets, ['2026-03-09', '2026-03-16']);
    assert.deepEqual(
      weeks.trend.map((t) => [t.period, t.provider, t.inputTokens, t.outputTokens, t.events, t.totalCost]),
      [
        ['2026-03-09', 'anthropic', 1, 0, 1, '1.0000'],
        ['2026-03-16', 'anthropic', 2, 2, 3, '6.0000'],
        ['2026-03-16', 'local', 100, 0, 1, '0.0000'],
        ['2026-03-16', 'openai', 2, 0, 1, '1.0000'],
      ],
    );
    // From Saturday 28 February: a February bucket with nothing in it, then March (the 19th is after `until`).
    const months = await tokenAnalyticsReport(database, { ...range, since: '2026-02-28', period: 'month' });
    assert.deepEqual(months.buckets, ['2026-02', '2026-03']);
    assert.deepEqual(
      months.trend.map((t) => [t.period, t.provider, t.events, t.totalCost]),
      [
        ['2026-03', 'anthropic', 4, '7.0000'],
        ['2026-03', 'local', 1, '0.0000'],
        ['2026-03', 'openai', 1, '1.0000'],
      ],
    );
    assert.equal(months.totals.totalCost, '8.0000');
    const csv = analyticsCsv(weeks).split('\r\n');
    assert.ok(csv.includes('week-provider,2026-03-16,anthropic,2,2,0,0,3,,6.0000'), csv.join('\n'));
  });

  it('totals per ISO week and month over the same range', async () => {
    const range = { projectId: 'p1', since: '2026-03-15', until: '2026-03-18', now: NOW };
    const weeks = await tokenAnalyticsReport(database, { ...range, period: 'week' });
    assert.deepEqual(
      weeks.periods.map((p) => [p.period, p.totalCost]),
      [['2026-03-16', '7.0000']],
    );
    const months = await tokenAnalyticsReport(database, { ...range, period: 'month' });
    assert.deepEqual(
      months.periods.map((p) => [p.period, p.totalCost]),
      [['2026-03', '7.0000']],
    );
  });

  it('defaults to the 30 UTC days ending today and refuses bad ranges naming the field', async () => {
    const report = await tokenAnalyticsReport(database, { projectId: 'p1', period: 'day', now: NOW });
    assert.equal(report.since, '2026-02-17');
    assert.equal(report.until, '2026-03-18');
    assert.equal(report.buckets.length, 30);
    assert.equal(report.totals.totalCost, '8.0000');
    const refused = async (options: { since?: string; until?: string }, field: string, message: RegExp) =>
      assert.rejects(
        tokenAnalyticsReport(database, { projectId: 'p1', period: 'day', now: NOW, ...options }),
        (error: unknown) =>
          error instanceof CockpitError &&
          error.code === 'invalid' &&
          error.field === field &&
          message.test(error.message),
      );
    await refused({ since: '2026-03-10', until: '2026-03-01' }, 'since', /after until/);
    await refused({ since: '2024-01-01', until: '2026-01-01' }, 'since', /at most 366/);
    await refused({ since: '2026-02-30' }, 'since', /YYYY-MM-DD/);
    await refused({ until: '2026-13-01' }, 'until', /YYYY-MM-DD/);
  });

  it('exports CSV with quoting and formula-safe names, and JSON with exact cost strings', async () => {
    const report = await tokenAnalyticsReport(database, {
      projectId: 'p1',
      period: 'month',
      since: '2026-03-18',
      until: '2026-03-18',
      now: NOW,
    });
    const lines = analyticsCsv(report).trimEnd().split('\r\n');
    assert.equal(
      lines[0],
      'section,key,provider,inputTokens,outputTokens,cacheCreationTokens,cacheReadTokens,events,unpricedEvents,totalCost',
    );
    assert.ok(lines.includes('month,2026-03,,101,1,0,0,2,,3.0000'), lines.join('\n'));
    assert.ok(lines.includes('model,m-a,anthropic,1,1,0,0,1,0,3.0000'), lines.join('\n'));
    assert.ok(lines.includes(`model,"'=HYPERLINK(""x""),y",local,100,0,0,0,1,1,0.0000`), lines.join('\n'));
    assert.ok(lines.includes('branch,main,,101,1,0,0,2,,3.0000'), lines.join('\n'));
    const json = JSON.parse(analyticsJson(report)) as typeof report;
    assert.equal(json.totals.totalCost, '3.0000');
    assert.deepEqual(json, JSON.parse(JSON.stringify(report)));
  });
});
