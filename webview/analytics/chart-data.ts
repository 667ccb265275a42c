/**
 * The numbers the view's two uPlot charts plot, shaped from the report (no DOM, unit-tested).
 * Display only: the chart plots floats; tables and exports keep the exact decimal strings.
 */
import type { BurnRate } from '../../src/core/tokens/analytics.js';
import type { TokenAnalyticsReport } from '../../src/core/tokens/analytics-report.js';

/** Seconds since the epoch of a bucket's first instant, UTC: a day, an ISO week's Monday or a month's 1st. */
export function bucketStart(bucket: string): number {
  return Date.parse(bucket.length === 7 ? `${bucket}-01T00:00:00Z` : `${bucket}T00:00:00Z`) / 1000;
}

export interface CostChartData {
  /** One x per bucket of the report (its start, in seconds). */
  x: number[];
  /** Per provider (report.providers order), its own cost per bucket. */
  own: number[][];
  /** Per provider, the running sum of the providers up to and including it: the stacked bar tops. */
  stacked: number[][];
}

export function costChartData(report: TokenAnalyticsReport): CostChartData {
  const index = new Map(report.buckets.map((bucket, i) => [bucket, i]));
  const own = report.providers.map(() => report.buckets.map(() => 0));
  for (const point of report.trend) {
    const p = report.providers.indexOf(point.provider);
    const b = index.get(point.period);
    if (p >= 0 && b !== undefined) own[p]![b] = Number(point.totalCost);
  }
  const stacked = own.map((_, p) =>
    report.buckets.map((__, b) => own.slice(0, p + 1).reduce((sum, row) => sum + row[b]!, 0)),
  );
  return { x: report.buckets.map(bucketStart), own, stacked };
}

export interface BurnChartData {
  /** The 5-minute points of the block so far, then the block's end (seconds). */
  x: number[];
  /** Cumulative cost up to now; null at the block's end. */
  spent: Array<number | null>;
  /** The projection: null except from now (the cost so far) to the block's end (the projected cost). */
  projected: Array<number | null>;
}

export function burnChartData(rate: BurnRate): BurnChartData {
  const x = rate.points.map((p) => Date.parse(p.at) / 1000);
  const spent: Array<number | null> = rate.points.map((p) => Number(p.cost));
  const projected: Array<number | null> = rate.points.map(() => null);
  projected[projected.length - 1] = Number(rate.cost);
  x.push(Date.parse(rate.blockEnd) / 1000);
  spent.push(null);
  projected.push(Number(rate.projectedCost));
  return { x, spent, projected };
}
