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
  type BranchUsage,
  type BurnRate,
  type ModelUsage,
  type Period,
  type PeriodTotals,
  type TrendPoint,
  type UsageSums,
} from './analytics.js';
import { sumCosts } from './money.js';

const DAY_MS = 86_400_000;
/** Longest range one report covers (the trend has one point per day and provider). */
export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 30;

export interface TokenAnalyticsReport {
  /** Inclusive UTC days `YYYY-MM-DD`. */
  since: string;
  until: string;
  period: Period;
  /** Every UTC day of the range, oldest first (the chart's x axis). */
  days: string[];
  /** Providers with usage in the range, alphabetical (the chart's stacks). */
  providers: string[];
  /** Cost and tokens per UTC day and provider. */
  trend: TrendPoint[];
  /** Totals per day, ISO week or month, as `period` asks. */
  periods: PeriodTotals[];
  totals: UsageSums;
  models: ModelUsage[];
  branches: BranchUsage[];
  /** The active 5-hour block, null when none is active now. */
  burnRate: BurnRate | null;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

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
    days,
    providers: [...new Set(inRange.map((p) => p.provider))].sort(),
    trend: inRange,
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
 * One CSV table for the whole report: a row per period, per day and provider, per model and per
 * branch (`section` says which). Fields are quoted when needed, and text that a spreadsheet would
 * run as a formula (model or branch names from logs) is prefixed with a quote.
 */
export function analyticsCsv(report: TokenAnalyticsReport): string {
  const rows: Array<Array<string | number>> = [[...CSV_COLUMNS]];
  const sums = (s: UsageSums) => [s.inputTokens, s.outputTokens, s.cacheCreationTokens, s.cacheReadTokens, s.events];
  for (const p of report.periods) rows.push([report.period, p.period, '', ...sums(p), '', p.totalCost]);
  for (const t of report.trend) rows.push(['day-provider', t.day, t.provider, ...sums(t), '', t.totalCost]);
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
