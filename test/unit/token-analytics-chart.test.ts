import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketOf, rollUp } from '../../src/core/tokens/analytics-report.js';
import type { TokenAnalyticsReport } from '../../src/core/tokens/analytics-report.js';
import { bucketStart, burnChartData, costChartData } from '../../webview/analytics/chart-data.js';

const sums = (totalCost: string, events = 1) => ({
  inputTokens: 10,
  outputTokens: 1,
  cacheCreationTokens: 2,
  cacheReadTokens: 3,
  totalCost,
  events,
});

describe('analytics buckets (UTC, ISO weeks from Monday)', () => {
  it('puts a day in its week (Monday) and month, across year ends', () => {
    assert.equal(bucketOf('2026-03-15', 'week'), '2026-03-09'); // Sunday → the Monday before
    assert.equal(bucketOf('2026-03-16', 'week'), '2026-03-16'); // Monday → itself
    assert.equal(bucketOf('2026-01-01', 'week'), '2025-12-29'); // Thursday of ISO week 2026-W01
    assert.equal(bucketOf('2026-03-31', 'month'), '2026-03');
    assert.equal(bucketOf('2026-03-31', 'day'), '2026-03-31');
  });

  it('rolls the daily trend up per bucket and provider with exact cost sums', () => {
    const daily = [
      { day: '2026-03-14', provider: 'a', ...sums('0.1000') },
      { day: '2026-03-15', provider: 'a', ...sums('0.2001') },
      { day: '2026-03-15', provider: 'b', ...sums('5.0000') },
      { day: '2026-03-16', provider: 'a', ...sums('0.0003', 4) },
    ];
    // 0.1 + 0.2001 in floats is 0.30010000000000003; in 1e-4 units it is 3001.
    assert.deepEqual(rollUp(daily, 'week'), [
      {
        period: '2026-03-09',
        provider: 'a',
        ...sums('0.3001', 2),
        inputTokens: 20,
        outputTokens: 2,
        cacheCreationTokens: 4,
        cacheReadTokens: 6,
      },
      { period: '2026-03-09', provider: 'b', ...sums('5.0000') },
      { period: '2026-03-16', provider: 'a', ...sums('0.0003', 4) },
    ]);
    assert.deepEqual(
      rollUp(daily, 'month').map((p) => [p.period, p.provider, p.totalCost, p.events]),
      [
        ['2026-03', 'a', '0.3004', 6],
        ['2026-03', 'b', '5.0000', 1],
      ],
    );
  });
});

describe('chart data (what uPlot plots)', () => {
  it('stacks providers per bucket at the bucket start (Monday, the 1st), UTC seconds', () => {
    const report = {
      period: 'week',
      buckets: ['2026-03-09', '2026-03-16'],
      providers: ['a', 'b'],
      trend: [
        { period: '2026-03-09', provider: 'a', ...sums('0.3001') },
        { period: '2026-03-16', provider: 'a', ...sums('1.0000') },
        { period: '2026-03-16', provider: 'b', ...sums('0.5000') },
      ],
    } as TokenAnalyticsReport;
    assert.deepEqual(costChartData(report), {
      x: [Date.UTC(2026, 2, 9) / 1000, Date.UTC(2026, 2, 16) / 1000],
      own: [
        [0.3001, 1],
        [0, 0.5],
      ],
      stacked: [
        [0.3001, 1],
        [0.3001, 1.5],
      ],
    });
    assert.equal(bucketStart('2026-02'), Date.UTC(2026, 1, 1) / 1000);
  });

  it('draws the block so far, then the projection from now to the end of the block', () => {
    const data = burnChartData({
      blockStart: '2026-03-18T10:00:00.000Z',
      blockEnd: '2026-03-18T15:00:00.000Z',
      at: '2026-03-18T10:07:00.000Z',
      events: 2,
      tokens: 100,
      cost: '0.7000',
      tokensPerMinute: 14,
      costPerHour: '6.0000',
      projectedCost: '29.9999',
      projectedTokens: 4286,
      remainingMinutes: 293,
      points: [
        { at: '2026-03-18T10:00:00.000Z', cost: '0.0000' },
        { at: '2026-03-18T10:05:00.000Z', cost: '0.2000' },
        { at: '2026-03-18T10:07:00.000Z', cost: '0.7000' },
      ],
    });
    const t = (hhmm: string) => Date.parse(`2026-03-18T${hhmm}:00Z`) / 1000;
    assert.deepEqual(data, {
      x: [t('10:00'), t('10:05'), t('10:07'), t('15:00')],
      spent: [0, 0.2, 0.7, null],
      projected: [null, null, 0.7, 29.9999],
    });
  });
});
