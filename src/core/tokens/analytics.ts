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
/** The burn-rate chart's resolution: cumulative cost at the end of each 5-minute slot (≤ 60 points). */
export const BURN_SLOT_MS = 5 * 60_000;

export interface BurnRate {
  /** Start of the active 5-hour block (the hour of its first event), ISO. */
  blockStart: string;
  blockEnd: string;
  /** The moment the rate was computed ("now"), ISO: the projection line starts here. */
  at: string;
  events: number;
  tokens: number;
  cost: string;
  /** Over the span from the block's first event to now; rounded to the nearest token. */
  tokensPerMinute: number;
  costPerHour: string;
  /** Cost and tokens at the end of the block if the current rate holds (cost rounded down to $0.0001). */
  projectedCost: string;
  projectedTokens: number;
  remainingMinutes: number;
  /**
   * The block so far: cumulative cost at the end of each 5-minute slot from blockStart (the last one
   * ends at `at`). With (at, cost) → (blockEnd, projectedCost) this draws the spend and its projection.
   */
  points: Array<{ at: string; cost: string }>;
}

export interface BlockProjection {
  costPerHour: bigint;
  projectedCost: bigint;
  tokensPerMinute: number;
  projectedTokens: number;
}

/**
 * The projection arithmetic, exact on cost units (1e-4 USD): the rate runs from the block's first
 * event to now, at least one minute so a single event is no spike, and is extended to the block's
 * end. Costs are rounded down (integer division), tokens to the nearest token.
 */
export function projectBlock(block: {
  costUnits: bigint;
  tokens: number;
  firstEventMs: number;
  nowMs: number;
  endMs: number;
}): BlockProjection {
  const elapsed = BigInt(Math.max(60_000, block.nowMs - block.firstEventMs));
  const remaining = BigInt(Math.max(0, block.endMs - block.nowMs));
  const tokensPerMs = block.tokens / Number(elapsed);
  return {
    costPerHour: (block.costUnits * 3_600_000n) / elapsed,
    projectedCost: block.costUnits + (block.costUnits * remaining) / elapsed,
    tokensPerMinute: Math.round(tokensPerMs * 60_000),
    projectedTokens: Math.round(block.tokens + tokensPerMs * Number(remaining)),
  };
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
  type Block = { start: number; first: number; last: number; events: number; tokens: number; cost: bigint };
  let block: Block | undefined;
  // Cost per 5-minute slot of the current block (index = slot number from its start).
  let slots: bigint[] = [];
  for (const row of rows) {
    const at = Date.parse(`${row.ts.replace(' ', 'T').slice(0, 23)}Z`);
    if (!block || at >= block.start + BLOCK_MS || at - block.last >= BLOCK_MS) {
      const hour = Math.floor(at / 3_600_000) * 3_600_000;
      block = { start: hour, first: at, last: at, events: 0, tokens: 0, cost: 0n };
      slots = [];
    }
    const cost = costUnits(row.cost);
    block.last = at;
    block.events++;
    block.tokens += Number(row.tokens);
    block.cost += cost;
    const slot = Math.floor((at - block.start) / BURN_SLOT_MS);
    slots[slot] = (slots[slot] ?? 0n) + cost;
  }
  const end = block ? block.start + BLOCK_MS : 0;
  if (!block || now.getTime() >= end) return undefined;
  const projection = projectBlock({
    costUnits: block.cost,
    tokens: block.tokens,
    firstEventMs: block.first,
    nowMs: now.getTime(),
    endMs: end,
  });
  const points: BurnRate['points'] = [{ at: new Date(block.start).toISOString(), cost: formatFixed(0n, COST_SCALE) }];
  let running = 0n;
  // The slot that contains now (a slot ending exactly now is the last one, not followed by an empty one).
  const lastSlot = Math.max(0, Math.ceil((now.getTime() - block.start) / BURN_SLOT_MS) - 1);
  for (let slot = 0; slot <= lastSlot; slot++) {
    running += slots[slot] ?? 0n;
    const slotEnd = Math.min(block.start + (slot + 1) * BURN_SLOT_MS, now.getTime());
    points.push({ at: new Date(slotEnd).toISOString(), cost: formatFixed(running, COST_SCALE) });
  }
  return {
    blockStart: new Date(block.start).toISOString(),
    blockEnd: new Date(end).toISOString(),
    at: now.toISOString(),
    events: block.events,
    tokens: block.tokens,
    cost: formatFixed(block.cost, COST_SCALE),
    tokensPerMinute: projection.tokensPerMinute,
    costPerHour: formatFixed(projection.costPerHour, COST_SCALE),
    projectedCost: formatFixed(projection.projectedCost, COST_SCALE),
    projectedTokens: projection.projectedTokens,
    remainingMinutes: Math.round((end - now.getTime()) / 60_000),
    points,
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

interface ModelRow {
  model: string;
  today: string | null;
  week: string | null;
  month: string | null;
  unpriced: string | number;
  lastEventAt: string | null;
}

/** Per-model today / week / month sums of the project's rows in [from, to), over the covering index. */
function statusRows(
  database: AnalyticsDatabase,
  projectId: string,
  bounds: { today: Date; week: Date; month: Date; from: Date; to?: Date },
): Promise<ModelRow[]> {
  return select<ModelRow>(
    database,
    sql`model,
        SUM(CASE WHEN timestamp >= ${dt(bounds.today)} THEN total_cost ELSE 0 END) AS today,
        SUM(CASE WHEN timestamp >= ${dt(bounds.week)} THEN total_cost ELSE 0 END) AS week,
        SUM(CASE WHEN timestamp >= ${dt(bounds.month)} THEN total_cost ELSE 0 END) AS month,
        SUM(CASE WHEN timestamp >= ${dt(bounds.month)} AND NOT priced THEN 1 ELSE 0 END) AS unpriced,
        MAX(timestamp) AS lastEventAt
      FROM token_usage
      WHERE ${where({ projectId, from: bounds.from, to: bounds.to })}
      GROUP BY model`,
  );
}

function statusBounds(now: Date) {
  const today = utcDay(now);
  const week = utcWeekStart(now);
  const month = utcMonthStart(now);
  return { today, week, month, from: week < month ? week : month };
}

/** Merges per-model rows (of several ranges) into the summary; sums stay exact. */
function summarize(rows: ModelRow[], topModels = 3): StatusSummary {
  const byModel = new Map<string, { month: bigint; lastEventAt: string | null }>();
  let last: string | null = null;
  for (const r of rows) {
    const entry = byModel.get(r.model) ?? { month: 0n, lastEventAt: null };
    entry.month += costUnits(r.month);
    byModel.set(r.model, entry);
    if (r.lastEventAt && (!last || r.lastEventAt > last)) last = r.lastEventAt;
  }
  return {
    today: sumCosts(rows.map((r) => r.today)),
    week: sumCosts(rows.map((r) => r.week)),
    month: sumCosts(rows.map((r) => r.month)),
    topModels: [...byModel]
      .filter(([, r]) => r.month > 0n)
      .sort(([a, x], [b, y]) => (x.month === y.month ? a.localeCompare(b) : x.month > y.month ? -1 : 1))
      .slice(0, topModels)
      .map(([model, r]) => ({ model, cost: formatFixed(r.month, COST_SCALE) })),
    unpricedEvents: rows.reduce((n, r) => n + Number(r.unpriced), 0),
    lastEventAt: last,
  };
}

/**
 * Today / this week / this month for the status bar in ONE aggregate over the covering index
 * (project_id, timestamp, …, model, …, total_cost, priced): a range scan of at most ~5 weeks of the
 * project's rows, no table lookups. The status bar polls through StatusSummaryCache instead.
 */
export async function statusSummary(
  database: AnalyticsDatabase,
  options: { projectId: string; now?: Date; topModels?: number },
): Promise<StatusSummary> {
  const bounds = statusBounds(options.now ?? new Date());
  return summarize(await statusRows(database, options.projectId, bounds), options.topModels);
}

/** Ten minutes: the longest a past day's row written by another process without an import can go unseen. */
export const CLOSED_DAYS_MAX_AGE_MS = 10 * 60_000;

/**
 * The status summary for polling at any volume: the closed days of this week and month (before
 * today, UTC) are aggregated once and kept; each poll reads only today's rows (one indexed range
 * scan) plus the newest import time. The closed part is read again when the UTC day changes, the
 * project changes, any importer (this window, another window, the CLI) stored a batch since
 * (token_import_offsets.updated_at moved), invalidate() is called after a local write, or it is
 * older than CLOSED_DAYS_MAX_AGE_MS (rows for past days recorded through the API elsewhere).
 */
export class StatusSummaryCache {
  private closed:
    { projectId: string; today: number; importsAt: string | null; loadedAt: number; rows: ModelRow[] } | undefined;
  /** How many times the closed days were aggregated (tests and diagnostics). */
  closedLoads = 0;

  constructor(private readonly maxAgeMs = CLOSED_DAYS_MAX_AGE_MS) {}

  invalidate(): void {
    this.closed = undefined;
  }

  async summary(
    database: AnalyticsDatabase,
    options: { projectId: string; now?: Date; topModels?: number },
  ): Promise<StatusSummary> {
    const now = options.now ?? new Date();
    const bounds = statusBounds(now);
    // A small table (one row per log file), read without the TiFlash hint meant for token_usage.
    const [markers] = (await database.db.execute(
      sql`SELECT MAX(updated_at) AS importsAt FROM token_import_offsets`,
    )) as unknown as [Array<{ importsAt: string | null }>];
    const importsAt = markers[0]?.importsAt ?? null;
    const c = this.closed;
    if (
      !c ||
      c.projectId !== options.projectId ||
      c.today !== bounds.today.getTime() ||
      c.importsAt !== importsAt ||
      now.getTime() - c.loadedAt >= this.maxAgeMs
    ) {
      const rows = await statusRows(database, options.projectId, { ...bounds, to: bounds.today });
      this.closedLoads++;
      this.closed = {
        projectId: options.projectId,
        today: bounds.today.getTime(),
        importsAt,
        loadedAt: now.getTime(),
        rows,
      };
    }
    const today = await statusRows(database, options.projectId, { ...bounds, from: bounds.today });
    return summarize([...this.closed!.rows, ...today], options.topModels);
  }
}
