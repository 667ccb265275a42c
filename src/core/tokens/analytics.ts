// Token analytics: plain queries returning plain data, for the status bar, the CLI report and the
// analytics view. Buckets are UTC days (sessions run in UTC); costs stay DECIMAL strings, summed
// exactly; on TiDB every query carries the TiFlash hint.
import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/connection.js';
import { tiflashHint } from '../../db/tidb.js';
import { tokenUsage } from '../../db/schema/index.js';
import { invalid } from '../errors.js';
import { costUnits, formatFixed, COST_SCALE, sumCosts } from './money.js';

type AnalyticsDatabase = Pick<Database, 'db' | 'server'>;

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD HH:MM:SS.ffffff` of a Date (ms precision is all a bound needs). */
const dt = (date: Date) => `${date.toISOString().slice(0, 23).replace('T', ' ')}000`;
const utcDay = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
/** Monday 00:00 UTC of the ISO week containing `date`. */
export const utcWeekStart = (date: Date) => new Date(utcDay(date).getTime() - ((date.getUTCDay() + 6) % 7) * DAY_MS);
export const utcMonthStart = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));

/** Parses `YYYY-MM-DD` (a UTC day) or throws an error naming the option. */
export function parseDay(value: string, field: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== value)
    throw invalid(`${field} must be a date YYYY-MM-DD, got "${value}".`, field);
  return date;
}

/** Runs a SELECT with the TiFlash hint placed right after SELECT (TiDB only). */
async function select<T>(database: AnalyticsDatabase, body: SQL): Promise<T[]> {
  const hint = tiflashHint(database, 'token_usage');
  const [rows] = (await database.db.execute(sql`SELECT ${sql.raw(hint)} ${body}`)) as unknown as [T[]];
  return rows;
}

export interface UsageFilter {
  projectId?: string;
  /** Inclusive lower bound. */
  from?: Date;
  /** Exclusive upper bound. */
  to?: Date;
}

function where(filter: UsageFilter): SQL {
  const conditions = [
    filter.projectId === undefined ? undefined : eq(tokenUsage.projectId, filter.projectId),
    filter.from === undefined ? undefined : gte(tokenUsage.timestamp, dt(filter.from)),
    filter.to === undefined ? undefined : lt(tokenUsage.timestamp, dt(filter.to)),
  ].filter((c): c is SQL => c !== undefined);
  return conditions.length === 0 ? sql`1 = 1` : (and(...conditions) as SQL);
}

const sums = sql`
  CAST(SUM(input_tokens) AS CHAR) AS inputTokens,
  CAST(SUM(output_tokens) AS CHAR) AS outputTokens,
  CAST(SUM(cache_write_tokens) AS CHAR) AS cacheCreationTokens,
  CAST(SUM(cache_read_tokens) AS CHAR) AS cacheReadTokens,
  SUM(total_cost) AS totalCost,
  COUNT(*) AS events`;

interface RawSums {
  inputTokens: string | null;
  outputTokens: string | null;
  cacheCreationTokens: string | null;
  cacheReadTokens: string | null;
  totalCost: string | null;
  events: number | string;
}

export interface UsageSums {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  /** Exact, 4 decimals: "12.3400". */
  totalCost: string;
  events: number;
}

const toSums = (r: RawSums): UsageSums => ({
  inputTokens: Number(r.inputTokens ?? 0),
  outputTokens: Number(r.outputTokens ?? 0),
  cacheCreationTokens: Number(r.cacheCreationTokens ?? 0),
  cacheReadTokens: Number(r.cacheReadTokens ?? 0),
  totalCost: formatFixed(costUnits(r.totalCost), COST_SCALE),
  events: Number(r.events),
});

// ------------------------------------------------------------------------------------------------

export interface TrendPoint extends UsageSums {
  /** UTC day `YYYY-MM-DD`. */
  day: string;
  provider: string;
}

/**
 * The spec's 30-day trend: cost and tokens per UTC day and provider, for the `days` UTC days ending
 * today (whole days, unlike the spec's rolling `NOW() - INTERVAL 30 DAY`), oldest first.
 */
export async function usageTrend(
  database: AnalyticsDatabase,
  options: { projectId: string; days?: number; now?: Date },
): Promise<TrendPoint[]> {
  const days = options.days ?? 30;
  const from = new Date(utcDay(options.now ?? new Date()).getTime() - (days - 1) * DAY_MS);
  const rows = await select<RawSums & { day: string; provider: string }>(
    database,
    sql`DATE_FORMAT(timestamp, '%Y-%m-%d') AS day, provider, ${sums}
      FROM token_usage WHERE ${where({ projectId: options.projectId, from })}
      GROUP BY DATE_FORMAT(timestamp, '%Y-%m-%d'), provider
      ORDER BY day, provider`,
  );
  return rows.map((r) => ({ day: r.day, provider: r.provider, ...toSums(r) }));
}

export type Period = 'day' | 'week' | 'month';

const PERIOD_SQL: Record<Period, SQL> = {
  day: sql`DATE_FORMAT(timestamp, '%Y-%m-%d')`,
  // Monday of the ISO week (WEEKDAY: Monday = 0).
  week: sql`DATE_FORMAT(DATE_SUB(DATE(timestamp), INTERVAL WEEKDAY(timestamp) DAY), '%Y-%m-%d')`,
  month: sql`DATE_FORMAT(timestamp, '%Y-%m')`,
};

export interface PeriodTotals extends UsageSums {
  /** `YYYY-MM-DD` (day; the Monday for a week) or `YYYY-MM` (month), UTC. */
  period: string;
}

/** Totals per UTC day, ISO week or month, oldest first (the CLI's `report` and the view's toggles). */
export async function usageByPeriod(
  database: AnalyticsDatabase,
  period: Period,
  filter: UsageFilter = {},
): Promise<PeriodTotals[]> {
  const bucket = PERIOD_SQL[period];
  const rows = await select<RawSums & { period: string }>(
    database,
    sql`${bucket} AS period, ${sums} FROM token_usage WHERE ${where(filter)} GROUP BY ${bucket} ORDER BY period`,
  );
  return rows.map((r) => ({ period: r.period, ...toSums(r) }));
}

export interface ModelUsage extends UsageSums {
  provider: string;
  model: string;
  /** Events recorded without a known price (cost 0): show the model as "unpriced". */
  unpricedEvents: number;
}

/** One row per provider and model, most expensive first. */
export async function usageByModel(database: AnalyticsDatabase, filter: UsageFilter): Promise<ModelUsage[]> {
  const rows = await select<RawSums & { provider: string; model: string; unpriced: string | number }>(
    database,
    sql`provider, model, ${sums}, SUM(CASE WHEN priced THEN 0 ELSE 1 END) AS unpriced
      FROM token_usage WHERE ${where(filter)}
      GROUP BY provider, model ORDER BY SUM(total_cost) DESC, model`,
  );
  return rows.map((r) => ({ provider: r.provider, model: r.model, unpricedEvents: Number(r.unpriced), ...toSums(r) }));
}

export interface BranchUsage extends UsageSums {
  /** null: the log did not say (API rows, older logs). */
  gitBranch: string | null;
}

/** Cost per git branch where the logs name one, most expensive first. */
export async function usageByBranch(database: AnalyticsDatabase, filter: UsageFilter): Promise<BranchUsage[]> {
  const rows = await select<RawSums & { gitBranch: string | null }>(
    database,
    sql`git_branch AS gitBranch, ${sums} FROM token_usage WHERE ${where(filter)}
      GROUP BY git_branch ORDER BY SUM(total_cost) DESC, git_branch`,
  );
  return rows.map((r) => ({ gitBranch: r.gitBranch, ...toSums(r) }));
}

// ------------------------------------------------------------------------------------------------

export const BLOCK_HOURS = 5;
const BLOCK_MS = BLOCK_HOURS * 3_600_000;

export interface BurnRate {
  /** Start of the active 5-hour block (the hour of its first event), ISO. */
  blockStart: string;
  blockEnd: string;
  events: number;
  tokens: number;
  cost: string;
  /** Over the span from the block's first event to now; rounded down. */
  tokensPerMinute: number;
  costPerHour: string;
  /** Cost and tokens at the end of the block if the current rate holds. */
  projectedCost: string;
  projectedTokens: number;
  remainingMinutes: number;
}

/**
 * The active 5-hour billing window, as Claude's usage limits and ccusage's `blocks` count it: a block
 * starts at the hour of an event that falls outside the previous block (or after a 5-hour gap) and
 * lasts 5 hours. Events of the last 24 h are considered; undefined when no block is active now.
 */
export async function burnRate(
  database: AnalyticsDatabase,
  options: { projectId: string; now?: Date },
): Promise<BurnRate | undefined> {
  const now = options.now ?? new Date();
  const rows = await select<{ ts: string; tokens: string; cost: string }>(
    database,
    sql`timestamp AS ts,
        input_tokens + output_tokens + cache_read_tokens + cache_write_tokens AS tokens, total_cost AS cost
      FROM token_usage
      WHERE ${where({ projectId: options.projectId, from: new Date(now.getTime() - DAY_MS), to: new Date(now.getTime() + 1) })}
      ORDER BY timestamp`,
  );
  let block: { start: number; first: number; last: number; events: number; tokens: number; cost: bigint } | undefined;
  for (const row of rows) {
    const at = Date.parse(`${row.ts.replace(' ', 'T').slice(0, 23)}Z`);
    if (!block || at >= block.start + BLOCK_MS || at - block.last >= BLOCK_MS) {
      const hour = Math.floor(at / 3_600_000) * 3_600_000;
      block = { start: hour, first: at, last: at, events: 0, tokens: 0, cost: 0n };
    }
    block.last = at;
    block.events++;
    block.tokens += Number(row.tokens);
    block.cost += costUnits(row.cost);
  }
  const end = block ? block.start + BLOCK_MS : 0;
  if (!block || now.getTime() >= end) return undefined;
  // The rate runs from the block's first event to now (at least a minute, so one event is no spike).
  const elapsedMs = BigInt(Math.max(60_000, now.getTime() - block.first));
  const remainingMs = BigInt(end - now.getTime());
  const projectedCost = block.cost + (block.cost * remainingMs) / elapsedMs;
  const tokensPerMs = block.tokens / Number(elapsedMs);
  return {
    blockStart: new Date(block.start).toISOString(),
    blockEnd: new Date(end).toISOString(),
    events: block.events,
    tokens: block.tokens,
    cost: formatFixed(block.cost, COST_SCALE),
    tokensPerMinute: Math.round(tokensPerMs * 60_000),
    costPerHour: formatFixed((block.cost * 3_600_000n) / elapsedMs, COST_SCALE),
    projectedCost: formatFixed(projectedCost, COST_SCALE),
    projectedTokens: Math.round(block.tokens + tokensPerMs * Number(remainingMs)),
    remainingMinutes: Math.round(Number(remainingMs) / 60_000),
  };
}

// ------------------------------------------------------------------------------------------------

export interface StatusSummary {
  today: string;
  week: string;
  month: string;
  /** This month's most expensive models. */
  topModels: Array<{ model: string; cost: string }>;
  /** Events this month recorded without a price. */
  unpricedEvents: number;
  /** Latest event of this week or month (UTC DATETIME(6) string), null when there is none. */
  lastEventAt: string | null;
}

/**
 * Today / this week / this month for the status bar in ONE aggregate over the covering index
 * (project_id, timestamp, …, model, …, total_cost, priced): a range scan of at most ~5 weeks of the
 * project's rows, no table lookups. Cheap enough to poll.
 */
export async function statusSummary(
  database: AnalyticsDatabase,
  options: { projectId: string; now?: Date; topModels?: number },
): Promise<StatusSummary> {
  const now = options.now ?? new Date();
  const today = utcDay(now);
  const week = utcWeekStart(now);
  const month = utcMonthStart(now);
  const from = week < month ? week : month;
  const rows = await select<{
    model: string;
    today: string | null;
    week: string | null;
    month: string | null;
    unpriced: string | number;
    lastEventAt: string | null;
  }>(
    database,
    sql`model,
        SUM(CASE WHEN timestamp >= ${dt(today)} THEN total_cost ELSE 0 END) AS today,
        SUM(CASE WHEN timestamp >= ${dt(week)} THEN total_cost ELSE 0 END) AS week,
        SUM(CASE WHEN timestamp >= ${dt(month)} THEN total_cost ELSE 0 END) AS month,
        SUM(CASE WHEN timestamp >= ${dt(month)} AND NOT priced THEN 1 ELSE 0 END) AS unpriced,
        MAX(timestamp) AS lastEventAt
      FROM token_usage
      WHERE project_id = ${options.projectId} AND timestamp >= ${dt(from)}
      GROUP BY model`,
  );
  const topModels = rows
    .map((r) => ({ model: r.model, units: costUnits(r.month) }))
    .filter((r) => r.units > 0n)
    .sort((a, b) => (a.units === b.units ? a.model.localeCompare(b.model) : a.units > b.units ? -1 : 1))
    .slice(0, options.topModels ?? 3)
    .map((r) => ({ model: r.model, cost: formatFixed(r.units, COST_SCALE) }));
  const last = rows.reduce<string | null>(
    (max, r) => (r.lastEventAt && (!max || r.lastEventAt > max) ? r.lastEventAt : max),
    null,
  );
  return {
    today: sumCosts(rows.map((r) => r.today)),
    week: sumCosts(rows.map((r) => r.week)),
    month: sumCosts(rows.map((r) => r.month)),
    topModels,
    unpricedEvents: rows.reduce((n, r) => n + Number(r.unpriced), 0),
    lastEventAt: last,
  };
}
