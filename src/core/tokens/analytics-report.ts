// Everything the token analytics view shows for one project and date range, and its CSV/JSON export.
// Costs stay exact DECIMAL strings; the view formats them for display only.
import type { Database } from '../../db/connection.js';
import { invalid } from '../errors.js';
import {
  burnRate,
  parseDay,
  usageByBranch,
  usageByModel,
  usageByPeriod,
  usageTrend,
  utcWeekStart,
  type BranchUsage,
  type BurnRate,
  type ModelUsage,
  type Period,
  type PeriodTotals,
  type TrendPoint,
  type UsageSums,
} from './analytics.js';
import { costUnits, COST_SCALE, formatFixed, sumCosts } from './money.js';

const DAY_MS = 86_400_000;
/** Longest range one report covers (the trend has one point per day and provider). */
export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 30;

export interface TokenAnalyticsReport {
  /** Inclusive UTC days `YYYY-MM-DD`. */
  since: string;
  until: string;
  period: Period;
  /**
   * Every bucket of the range, oldest first (the chart's x axis): UTC days `YYYY-MM-DD`, ISO weeks
   * (Monday to Sunday) named by their Monday `YYYY-MM-DD`, or months `YYYY-MM`. The first and last
   * week or month count only the days inside the range.
   */
  buckets: string[];
  /** Providers with usage in the range, alphabetical (the chart's stacks). */
  providers: string[];
  /** Cost and tokens per bucket and provider. */
  trend: ProviderPeriod[];
  /** Totals per day, ISO week or month, as `period` asks. */
  periods: PeriodTotals[];
  totals: UsageSums;
  models: ModelUsage[];
  branches: BranchUsage[];
  /** The active 5-hour block, null when none is active now. */
  burnRate: BurnRate | null;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

export interface ProviderPeriod extends UsageSums {
  /** The bucket (see TokenAnalyticsReport.buckets). */
  period: string;
  provider: string;
}

/** The bucket a UTC day `YYYY-MM-DD` falls in: itself, the Monday of its ISO week, or its month. */
export function bucketOf(day: string, period: Period): string {
  if (period === 'day') return day;
  if (period === 'month') return day.slice(0, 7);
  return isoDay(utcWeekStart(new Date(`${day}T00:00:00Z`)));
}

/** Sums the daily trend into the period's buckets, per provider; costs exactly (1e-4 units). */
export function rollUp(trend: TrendPoint[], period: Period): ProviderPeriod[] {
  const out = new Map<string, ProviderPeriod & { units: bigint }>();
  for (const point of trend) {
    const bucket = bucketOf(point.day, period);
    const key = `${bucket}\u0000${point.provider}`;
    const into = out.get(key) ?? {
      period: bucket,
      provider: point.provider,
      inputTokens: 0,
      outputTokens: 0,
      cacheCreationTokens: 0,
      cacheReadTokens: 0,
      totalCost: '',
      events: 0,
      units: 0n,
    };
    into.inputTokens += point.inputTokens;
    into.outputTokens += point.outputTokens;
    into.cacheCreationTokens += point.cacheCreationTokens;
    into.cacheReadTokens += point.cacheReadTokens;
    into.events += point.events;
    into.units += costUnits(point.totalCost);
    out.set(key, into);
  }
  return [...out.values()]
    .sort((a, b) => a.period.localeCompare(b.period) || a.provider.localeCompare(b.provider))
    .map(({ units, ...p }) => ({ ...p, totalCost: formatFixed(units, COST_SCALE) }));
}

/** Resolves the requested range (default: the 30 UTC days ending today), refusing reversed or huge ranges. */
export function reportRange(
  options: { since?: string; until?: string },
  now: Date,
): { since: Date; until: Date; days: string[] } {
  const today = parseDay(isoDay(now), 'until');
  const until = options.until ? parseDay(options.until, 'until') : today;
  const since = options.since
    ? parseDay(options.since, 'since')
    : new Date(until.getTime() - (DEFAULT_RANGE_DAYS - 1) * DAY_MS);
  if (since > until) throw invalid(`since (${isoDay(since)}) is after until (${isoDay(until)}).`, 'since');
  const count = Math.round((until.getTime() - since.getTime()) / DAY_MS) + 1;
  if (count > MAX_RANGE_DAYS) throw invalid(`The range covers ${count} days; at most ${MAX_RANGE_DAYS}.`, 'since');
  const days = Array.from({ length: count }, (_, i) => isoDay(new Date(since.getTime() + i * DAY_MS)));
  return { since, until, days };
}

export async function tokenAnalyticsReport(
  database: Pick<Database, 'db' | 'server'>,
  options: { projectId: string; period: Period; since?: string; until?: string; now?: Date },
): Promise<TokenAnalyticsReport> {
  const now = options.now ?? new Date();
  const { since, until, days } = reportRange(options, now);
  const filter = { projectId: options.projectId, from: since, to: new Date(until.getTime() + DAY_MS) };
  const [trend, periods, models, branches, rate] = await Promise.all([
    usageTrend(database, { projectId: options.projectId, days: days.length, now: until }),
    usageByPeriod(database, options.period, filter),
    usageByModel(database, filter),
    usageByBranch(database, filter),
    burnRate(database, { projectId: options.projectId, now }),
  ]);
  // usageTrend has no upper bound: drop the days after `until`.
  const last = days[days.length - 1]!;
  const inRange = trend.filter((point) => point.day <= last);
  return {
    since: days[0]!,
    until: last,
    period: options.period,
    buckets: [...new Set(days.map((day) => bucketOf(day, options.period)))],
    providers: [...new Set(inRange.map((p) => p.provider))].sort(),
    trend: rollUp(inRange, options.period),
    periods,
    totals: totalOf(periods),
    models,
    branches,
    burnRate: rate ?? null,
  };
}

function totalOf(rows: UsageSums[]): UsageSums {
  const add = (key: 'inputTokens' | 'outputTokens' | 'cacheCreationTokens' | 'cacheReadTokens' | 'events') =>
    rows.reduce((n, r) => n + r[key], 0);
  return {
    inputTokens: add('inputTokens'),
    outputTokens: add('outputTokens'),
    cacheCreationTokens: add('cacheCreationTokens'),
    cacheReadTokens: add('cacheReadTokens'),
    totalCost: sumCosts(rows.map((r) => r.totalCost)),
    events: add('events'),
  };
}

const CSV_COLUMNS = [
  'section',
  'key',
  'provider',
  'inputTokens',
  'outputTokens',
  'cacheCreationTokens',
  'cacheReadTokens',
  'events',
  'unpricedEvents',
  'totalCost',
] as const;

/**
 * One CSV table for the whole report: a row per period, per period and provider, per model and per
 * branch (`section` says which). Fields are quoted when needed, and text that a spreadsheet would
 * run as a formula (model or branch names from logs) is prefixed with a quote.
 */
export function analyticsCsv(report: TokenAnalyticsReport): string {
  const rows: Array<Array<string | number>> = [[...CSV_COLUMNS]];
  const sums = (s: UsageSums) => [s.inputTokens, s.outputTokens, s.cacheCreationTokens, s.cacheReadTokens, s.events];
  for (const p of report.periods) rows.push([report.period, p.period, '', ...sums(p), '', p.totalCost]);
  const section = `${report.period}-provider`;
  for (const t of report.trend) rows.push([section, t.period, t.provider, ...sums(t), '', t.totalCost]);
  for (const m of report.models) rows.push(['model', m.model, m.provider, ...sums(m), m.unpricedEvents, m.totalCost]);
  for (const b of report.branches) rows.push(['branch', b.gitBranch ?? '', '', ...sums(b), '', b.totalCost]);
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function analyticsJson(report: TokenAnalyticsReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
