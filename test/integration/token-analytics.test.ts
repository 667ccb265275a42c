import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  burnRate,
  statusSummary,
  StatusSummaryCache,
  usageByBranch,
  usageByModel,
  usageByPeriod,
  usageTrend,
} from '../../src/core/tokens/analytics.js';
import { parsePricingOverrides, Pricing, type PriceCatalog } from '../../src/core/tokens/pricing.js';
import { insertTokenUsageRows, prepareTokenUsage } from '../../src/core/tokens/record.js';
import { tokenImportOffsets } from '../../src/db/schema/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// Round prices so every expectation below is computed by hand: m-a costs $1 per input token and
// $2 per output token, m-b $0.50 per input token and $0.10 per cache-read token; m-x has no price.
const noCatalog: PriceCatalog = { name: 'none', quote: () => undefined };
const pricing = new Pricing(
  noCatalog,
  parsePricingOverrides({
    'm-a': { input: 1_000_000, output: 2_000_000 },
    'm-b': { input: 500_000, output: 0, cacheRead: 100_000 },
  }),
);

// Wednesday 2026-03-18 12:00 UTC: the ISO week started Monday 2026-03-16, the month on 2026-03-01.
const NOW = new Date('2026-03-18T12:00:00Z');

const events = [
  { p: 'p1', m: 'm-a', prov: 'anthropic', ts: '2026-01-10T08:00:00Z', in: 1, out: 0 },
  { p: 'p1', m: 'm-a', prov: 'anthropic', ts: '2026-02-27T23:59:59.999999Z', in: 1, out: 0 },
  { p: 'p1', m: 'm-a', prov: 'anthropic', ts: '2026-03-01T00:00:00Z', in: 0, out: 1 },
  { p: 'p1', m: 'm-b', prov: 'openai', ts: '2026-03-15T23:59:59.999999Z', in: 2, out: 0 },
  { p: 'p1', m: 'm-b', prov: 'openai', ts: '2026-03-16T00:00:00Z', in: 1, out: 0, cr: 10 },
  { p: 'p1', m: 'm-a', prov: 'anthropic', ts: '2026-03-17T23:59:59.999999Z', in: 0, out: 1, branch: 'feat' },
  { p: 'p1', m: 'm-a', prov: 'anthropic', ts: '2026-03-18T00:00:00Z', in: 1, out: 1, branch: 'main' },
  { p: 'p1', m: 'm-x', prov: 'local', ts: '2026-03-18T11:30:00Z', in: 100, out: 0, branch: 'main' },
  { p: 'p2', m: 'm-a', prov: 'anthropic', ts: '2026-03-18T01:00:00Z', in: 5, out: 0 },
  // Burn rate: an old block, then the active one (10:00–15:00).
  { p: 'p3', m: 'm-a', prov: 'anthropic', ts: '2026-03-18T04:00:00Z', in: 7, out: 0 },
  { p: 'p3', m: 'm-a', prov: 'anthropic', ts: '2026-03-18T10:10:00Z', in: 1, out: 0 },
  { p: 'p3', m: 'm-a', prov: 'anthropic', ts: '2026-03-18T10:40:00Z', in: 0, out: 1 },
  { p: 'p3', m: 'm-a', prov: 'anthropic', ts: '2026-03-18T11:40:00Z', in: 1, out: 0 },
];

describe('token analytics (UTC buckets, hand-computed)', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
    const rows = events.map((e, i) =>
      prepareTokenUsage(
        {
          projectId: e.p,
          provider: e.prov,
          model: e.m,
          inputTokens: e.in,
          outputTokens: e.out,
          cacheReadTokens: e.cr ?? 0,
          timestamp: e.ts,
          gitBranch: e.branch,
          eventKey: `analytics:${i}`,
        },
        pricing,
      ),
    );
    await insertTokenUsageRows(database.db, rows);
  });
  after(async () => database?.drop());

  it('status bar: today, ISO week and month in one aggregate, top models, unpriced and last event', async () => {
    assert.deepEqual(await statusSummary(database, { projectId: 'p1', now: NOW }), {
      today: '3.0000',
      week: '6.5000',
      month: '9.5000',
      topModels: [
        { model: 'm-a', cost: '7.0000' },
        { model: 'm-b', cost: '2.5000' },
      ],
      unpricedEvents: 1,
      lastEventAt: '2026-03-18 11:30:00.000000',
    });
    const empty = await statusSummary(database, { projectId: 'nobody', now: NOW });
    assert.deepEqual(empty, {
      today: '0.0000',
      week: '0.0000',
      month: '0.0000',
      topModels: [],
      unpricedEvents: 0,
      lastEventAt: null,
    });
  });

  it('30-day trend by UTC day and provider, whole days, oldest first', async () => {
    const trend = await usageTrend(database, { projectId: 'p1', now: NOW });
    assert.deepEqual(
      trend.map((t) => [t.day, t.provider, t.inputTokens, t.outputTokens, t.cacheReadTokens, t.totalCost]),
      [
        ['2026-02-27', 'anthropic', 1, 0, 0, '1.0000'],
        ['2026-03-01', 'anthropic', 0, 1, 0, '2.0000'],
        ['2026-03-15', 'openai', 2, 0, 0, '1.0000'],
        ['2026-03-16', 'openai', 1, 0, 10, '1.5000'],
        ['2026-03-17', 'anthropic', 0, 1, 0, '2.0000'],
        ['2026-03-18', 'anthropic', 1, 1, 0, '3.0000'],
        ['2026-03-18', 'local', 100, 0, 0, '0.0000'],
      ],
    );
    // 30 days end today: the window starts at 2026-02-17 00:00 UTC, so January is out; 3 days start on the 16th.
    const short = await usageTrend(database, { projectId: 'p1', now: NOW, days: 3 });
    assert.deepEqual([...new Set(short.map((t) => t.day))], ['2026-03-16', '2026-03-17', '2026-03-18']);
  });

  it('daily, weekly (Monday) and monthly totals with date bounds', async () => {
    const monthly = await usageByPeriod(database, 'month', { projectId: 'p1' });
    assert.deepEqual(
      monthly.map((m) => [m.period, m.totalCost, m.events]),
      [
        ['2026-01', '1.0000', 1],
        ['2026-02', '1.0000', 1],
        ['2026-03', '9.5000', 6],
      ],
    );
    const weekly = await usageByPeriod(database, 'week', { projectId: 'p1' });
    assert.deepEqual(
      weekly.map((w) => [w.period, w.totalCost]),
      [
        ['2026-01-05', '1.0000'],
        ['2026-02-23', '3.0000'],
        ['2026-03-09', '1.0000'],
        ['2026-03-16', '6.5000'],
      ],
    );
    const daily = await usageByPeriod(database, 'day', {
      projectId: 'p1',
      from: new Date('2026-03-15T00:00:00Z'),
      to: new Date('2026-03-17T00:00:00Z'),
    });
    assert.deepEqual(
      daily.map((d) => ({ ...d })),
      [
        {
          period: '2026-03-15',
          inputTokens: 2,
          outputTokens: 0,
          cacheCreationTokens: 0,
          cacheReadTokens: 0,
          totalCost: '1.0000',
          events: 1,
        },
        {
          period: '2026-03-16',
          inputTokens: 1,
          outputTokens: 0,
          cacheCreationTokens: 0,
          cacheReadTokens: 10,
          totalCost: '1.5000',
          events: 1,
        },
      ],
    );
    const all = await usageByPeriod(database, 'month', { from: new Date('2026-03-01T00:00:00Z') });
    assert.deepEqual(
      all.map((m) => [m.period, m.totalCost]),
      [['2026-03', '25.5000']],
    );
  });

  it('per model (unpriced flagged) and per git branch', async () => {
    const models = await usageByModel(database, { projectId: 'p1' });
    assert.deepEqual(
      models.map((m) => [m.provider, m.model, m.events, m.totalCost, m.unpricedEvents]),
      [
        ['anthropic', 'm-a', 5, '9.0000', 0],
        ['openai', 'm-b', 2, '2.5000', 0],
        ['local', 'm-x', 1, '0.0000', 1],
      ],
    );
    const branches = await usageByBranch(database, { projectId: 'p1', from: new Date('2026-03-01T00:00:00Z') });
    assert.deepEqual(
      branches.map((b) => [b.gitBranch, b.totalCost, b.events]),
      [
        [null, '4.5000', 3],
        ['main', '3.0000', 2],
        ['feat', '2.0000', 1],
      ],
    );
  });

  it('burn rate of the active 5-hour block with a projection to its end', async () => {
    const now = new Date('2026-03-18T12:10:00Z');
    const rate = await burnRate(database, { projectId: 'p3', now });
    assert.deepEqual(
      { ...rate, points: undefined },
      {
        blockStart: '2026-03-18T10:00:00.000Z',
        blockEnd: '2026-03-18T15:00:00.000Z',
        at: '2026-03-18T12:10:00.000Z',
        events: 3,
        tokens: 3,
        cost: '4.0000',
        // $4 over the 120 minutes since the block's first event.
        tokensPerMinute: 0,
        costPerHour: '2.0000',
        // $4 + $4 × 170/120, rounded down.
        projectedCost: '9.6666',
        projectedTokens: 7,
        remainingMinutes: 170,
        points: undefined,
      },
    );
    // The chart's solid line: 0 at 10:00, then the running cost at the end of each 5-minute slot up to now
    // ($1 at 10:10 lands in the 10:10–10:15 slot, $2 at 10:40 in 10:40–10:45, $1 at 11:40 in 11:40–11:45).
    const points = rate!.points;
    assert.equal(points.length, 1 + 26);
    assert.deepEqual(points[0], { at: '2026-03-18T10:00:00.000Z', cost: '0.0000' });
    const at = (iso: string) => points.find((p) => p.at === iso)?.cost;
    assert.equal(at('2026-03-18T10:10:00.000Z'), '0.0000');
    assert.equal(at('2026-03-18T10:15:00.000Z'), '1.0000');
    assert.equal(at('2026-03-18T10:40:00.000Z'), '1.0000');
    assert.equal(at('2026-03-18T10:45:00.000Z'), '3.0000');
    assert.equal(at('2026-03-18T11:45:00.000Z'), '4.0000');
    assert.deepEqual(points.at(-1), { at: '2026-03-18T12:10:00.000Z', cost: '4.0000' });
    // Mid-slot, the last point is now itself.
    const later = await burnRate(database, { projectId: 'p3', now: new Date('2026-03-18T12:12:30Z') });
    assert.deepEqual(later?.points.at(-1), { at: '2026-03-18T12:12:30.000Z', cost: '4.0000' });
    assert.equal(later?.points.at(-2)?.at, '2026-03-18T12:10:00.000Z');
    assert.equal(await burnRate(database, { projectId: 'p3', now: new Date('2026-03-18T15:00:00Z') }), undefined);
  });

  // Last: it adds rows to p1.
  it('status-bar poll: closed days read once, today on every poll; closed days again on a new day, an import anywhere or invalidate()', async () => {
    const cache = new StatusSummaryCache();
    const poll = (now = NOW) => cache.summary(database, { projectId: 'p1', now });
    const insert = (model: string, ts: string, inputTokens: number, key: string) =>
      insertTokenUsageRows(database.db, [
        prepareTokenUsage(
          { projectId: 'p1', provider: 'x', model, inputTokens, timestamp: ts, eventKey: key },
          pricing,
        ),
      ]);
    assert.deepEqual(await poll(), await statusSummary(database, { projectId: 'p1', now: NOW }));
    await poll();
    assert.equal(cache.closedLoads, 1);

    // Written elsewhere for today ($1): seen by the next poll without reading the closed days again.
    await insert('m-a', '2026-03-18T11:45:00Z', 1, 'cache:today');
    const afterToday = await poll();
    assert.deepEqual([afterToday.today, afterToday.week, afterToday.month], ['4.0000', '7.5000', '10.5000']);
    assert.deepEqual(afterToday.topModels[0], { model: 'm-a', cost: '8.0000' });
    assert.equal(afterToday.lastEventAt, '2026-03-18 11:45:00.000000');
    assert.equal(cache.closedLoads, 1);

    // Written elsewhere through the API for yesterday ($1): not seen until something says the past changed …
    await insert('m-b', '2026-03-17T10:00:00Z', 2, 'cache:yesterday');
    assert.equal((await poll()).week, '7.5000');
    // … here an importer storing a batch (any process: the offsets table is the signal).
    await database.db
      .insert(tokenImportOffsets)
      .values({ source: 'codex', host: 'h', pathHash: 'a'.repeat(64), filePath: '/x' });
    const afterImport = await poll();
    assert.deepEqual([afterImport.today, afterImport.week, afterImport.month], ['4.0000', '8.5000', '11.5000']);
    assert.equal(cache.closedLoads, 2);
    // The same newest import time: nothing to read again.
    await poll();
    assert.equal(cache.closedLoads, 2);

    cache.invalidate();
    await poll();
    assert.equal(cache.closedLoads, 3);
    // Ten minutes later the closed days are read again anyway.
    await poll(new Date(NOW.getTime() + 10 * 60_000));
    assert.equal(cache.closedLoads, 4);

    // A new UTC day: yesterday's spend moves into the closed days, today starts at 0.
    const tomorrow = await poll(new Date('2026-03-19T00:00:01Z'));
    assert.deepEqual([tomorrow.today, tomorrow.week, tomorrow.month], ['0.0000', '8.5000', '11.5000']);
    assert.equal(cache.closedLoads, 5);
    assert.deepEqual(
      tomorrow,
      await statusSummary(database, { projectId: 'p1', now: new Date('2026-03-19T00:00:01Z') }),
    );
  });
});
