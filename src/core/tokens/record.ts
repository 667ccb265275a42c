import { createHash, randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import type { Db } from '../../db/connection.js';
import { tokenUsage } from '../../db/schema/index.js';
import { insertRows } from '../bulk.js';
import { invalid } from '../errors.js';
import { formatFixed, COST_SCALE, MAX_COST_UNITS } from './money.js';
import { Pricing } from './pricing.js';

/** Fixed namespace of the deterministic event ids (UUID version 5 layout). */
const EVENT_NAMESPACE = Buffer.from('6f0d1c52a9b84d3e8c1f2b7a5e4d3c21', 'hex');

/** The token_usage id of an event key: the same key always gives the same UUID. */
export function eventId(eventKey: string): string {
  const hash = createHash('sha1').update(EVENT_NAMESPACE).update(eventKey, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * An ISO 8601 timestamp (with Z, an offset, or none = UTC) or a Date → `YYYY-MM-DD HH:MM:SS.ffffff` in UTC,
 * keeping microseconds (never rounded through a Date). Undefined when it is not a valid time.
 */
export function toUtcDateTime6(value: string | Date): string | undefined {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return undefined;
    return `${value.toISOString().slice(0, 19).replace('T', ' ')}.${String(value.getUTCMilliseconds() * 1000).padStart(6, '0')}`;
  }
  const m = ISO.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = m;
  const offsetMinutes =
    zone.toUpperCase() === 'Z'
      ? 0
      : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMinutes * 60_000;
  const date = new Date(utc);
  // Date.UTC silently rolls 2026-02-30 over to March: reject what does not round-trip.
  const local = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  if (
    Number.isNaN(utc) ||
    local.getUTCDate() !== Number(d) ||
    local.getUTCMonth() !== Number(mo) - 1 ||
    local.getUTCHours() !== Number(h) ||
    local.getUTCMinutes() !== Number(mi) ||
    local.getUTCSeconds() !== Number(s)
  ) {
    return undefined;
  }
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}.${fraction.slice(0, 6).padEnd(6, '0')}`;
}

const INT32 = 2_147_483_647;
// zod/mini keeps the bundle small (the full zod is ~450 KB); the English messages name what is wrong.
z.config(en());
const tokens = z._default(z.number().check(z.int(), z.minimum(0), z.maximum(INT32)), 0);
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

/** What callers send (the extension API, the command, importers). */
export const tokenUsageEventSchema = z.strictObject({
  projectId: text(36),
  provider: text(50),
  model: text(100),
  inputTokens: tokens,
  outputTokens: tokens,
  cacheReadTokens: tokens,
  cacheWriteTokens: tokens,
  operationType: z.optional(z.enum(['chat', 'estimation', 'tool_call'])),
  dashboardContext: z.optional(z.string().check(z.maxLength(100))),
  /** ISO 8601 (UTC when no offset) or a Date; default: now. Re-sent events must carry the same key. */
  timestamp: z.optional(z.union([z.string(), z.date()])),
  /** Idempotency key: re-sending the same key never adds a row. Default: a random one (not idempotent). */
  eventKey: z.optional(z.string().check(z.minLength(1), z.maxLength(1000))),
  source: z._default(text(50), 'api'),
  gitBranch: z.optional(z.string().check(z.maxLength(255))),
});

export type TokenUsageEvent = z.input<typeof tokenUsageEventSchema>;

export type TokenUsageRow = typeof tokenUsage.$inferInsert & {
  id: string;
  timestamp: string;
  totalCost: string;
  priced: boolean;
};

/** Validates and prices an event. Throws a CockpitError naming the field. */
export function prepareTokenUsage(event: unknown, pricing: Pricing, now = new Date()): TokenUsageRow {
  const parsed = tokenUsageEventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'event';
    throw invalid(`Token usage ${field}: ${issue?.message ?? 'invalid'}.`, field);
  }
  const e = parsed.data;
  const timestamp = toUtcDateTime6(e.timestamp ?? now);
  if (!timestamp) {
    throw invalid(`Token usage timestamp: "${String(e.timestamp)}" is not an ISO 8601 time.`, 'timestamp');
  }
  const at = new Date(`${timestamp.replace(' ', 'T').slice(0, 23)}Z`);
  const cost = pricing.cost(e, e.provider, e.model, at);
  if (cost.costUnits > MAX_COST_UNITS) {
    throw invalid(
      `Token usage: one event cannot cost $${formatFixed(cost.costUnits, COST_SCALE)} (more than total_cost can hold); check the token counts.`,
      'inputTokens',
    );
  }
  return {
    id: e.eventKey === undefined ? randomUUID() : eventId(e.eventKey),
    projectId: e.projectId,
    provider: e.provider,
    model: e.model,
    inputTokens: e.inputTokens,
    outputTokens: e.outputTokens,
    cacheReadTokens: e.cacheReadTokens,
    cacheWriteTokens: e.cacheWriteTokens,
    totalCost: cost.cost,
    priced: cost.priced,
    operationType: e.operationType ?? null,
    dashboardContext: e.dashboardContext ?? null,
    source: e.source,
    gitBranch: e.gitBranch ?? null,
    timestamp,
  };
}

export interface InsertReport {
  inserted: number;
  duplicates: number;
}

/**
 * Inserts rows, each at most once: ids already present (whatever their timestamp) and repeats
 * inside the batch are duplicates; INSERT IGNORE covers a concurrent writer of the same event.
 * Rows are validated beforehand (prepareTokenUsage), so IGNORE cannot hide a truncation.
 * Each batch is written in primary-key order: the ids are hashes, and sorted they touch each
 * B-tree page once per batch instead of at random.
 */
export async function insertTokenUsageRows(db: Db, rows: TokenUsageRow[], batchSize = 5000): Promise<InsertReport> {
  let inserted = 0;
  let duplicates = 0;
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    const unique = new Map<string, TokenUsageRow>();
    for (const row of batch) if (!unique.has(row.id)) unique.set(row.id, row);
    const existing = await db
      .select({ id: tokenUsage.id })
      .from(tokenUsage)
      .where(inArray(tokenUsage.id, [...unique.keys()]));
    for (const { id } of existing) unique.delete(id);
    const fresh = [...unique.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // Built as one SQL text (src/core/bulk.ts): drizzle's builder cost ~50 µs of CPU per row, a third
    // of an import's CPU in the profile of bench/import.ts.
    const insertedNow = await insertRows(db, tokenUsage, fresh, { ignore: true });
    inserted += insertedNow;
    duplicates += batch.length - insertedNow;
  }
  return { inserted, duplicates };
}

export interface RecordResult {
  id: string;
  /** False when this event was recorded before (same event key). */
  recorded: boolean;
  totalCost: string;
  /** False when the model has no known price (cost 0, shown as "unpriced"). */
  priced: boolean;
}

/** Records one usage event with its cost computed now from the catalog and overrides. */
export async function recordTokenUsage(
  db: Db,
  event: TokenUsageEvent,
  options: { pricing?: Pricing; now?: Date } = {},
): Promise<RecordResult> {
  const row = prepareTokenUsage(event, options.pricing ?? new Pricing(), options.now);
  const report = await insertTokenUsageRows(db, [row]);
  return { id: row.id, recorded: report.duplicates === 0, totalCost: row.totalCost, priced: row.priced };
}
