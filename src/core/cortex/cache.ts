import { createHash, randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { cachedResponses } from '../../db/schema/index.js';
import type { ChatMessage, TokenCounts, ToolCall, ToolDefinition } from './types.js';

/** JSON with object keys sorted at every level and `undefined` members dropped: equal input, equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface PromptIdentity {
  provider: string;
  model: string;
  messages: ChatMessage[];
  parameters: { temperature: number; maxTokens: number };
  tools: ToolDefinition[];
}

/** `prompt_hash`: SHA-256 (hex) of the canonical JSON of provider, model, messages, parameters and tools. */
export function promptHash(identity: PromptIdentity): string {
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}

/** What `cached_responses.response` holds. `cost` is what the original call cost (the saving per hit). */
export interface CachedResponse {
  text: string;
  toolCalls: ToolCall[];
  model: string;
  usage: TokenCounts;
  cost: string | null;
}

export interface CacheHit extends CachedResponse {
  id: string;
  promptHash: string;
  provider: string;
  hitCount: number;
}

/** TEXT holds 65 535 bytes; 16 000 characters fit even as 4-byte UTF-8. */
const PROMPT_TEXT_LIMIT = 16_000;

function promptText(messages: ChatMessage[]): string {
  const text = messages.map((m) => `${m.role}: ${m.content}`).join('\n\n');
  return text.length > PROMPT_TEXT_LIMIT ? `${text.slice(0, PROMPT_TEXT_LIMIT - 1)}…` : text;
}

const fresh = (ttlSeconds: number) =>
  sql`${cachedResponses.createdAt} >= CURRENT_TIMESTAMP(6) - INTERVAL ${Math.floor(ttlSeconds)} SECOND`;

/** The unexpired entries among `hashes`, by hash. */
export async function findCached(db: Db, hashes: string[], ttlSeconds: number): Promise<Map<string, CacheHit>> {
  if (hashes.length === 0) return new Map();
  const rows = await db
    .select()
    .from(cachedResponses)
    .where(sql`${inArray(cachedResponses.promptHash, hashes)} AND ${fresh(ttlSeconds)}`);
  return new Map(
    rows.map((row) => [
      row.promptHash,
      {
        ...(row.response as CachedResponse),
        id: row.id,
        promptHash: row.promptHash,
        provider: row.provider,
        hitCount: row.hitCount ?? 0,
      },
    ]),
  );
}

/** Counts a hit atomically (concurrent hits never lose an increment). */
export async function recordHit(db: Db, id: string): Promise<void> {
  await db
    .update(cachedResponses)
    .set({ hitCount: sql`COALESCE(${cachedResponses.hitCount}, 0) + 1` })
    .where(eq(cachedResponses.id, id));
}

/** Stores (or, for an expired entry with the same hash, replaces) an answer. */
export async function storeCached(
  db: Db,
  entry: { promptHash: string; provider: string; messages: ChatMessage[]; response: CachedResponse },
): Promise<void> {
  await db
    .insert(cachedResponses)
    .values({
      id: randomUUID(),
      promptHash: entry.promptHash,
      prompt: promptText(entry.messages),
      response: entry.response,
      provider: entry.provider,
      hitCount: 0,
    })
    .onDuplicateKeyUpdate({
      set: {
        response: entry.response,
        provider: entry.provider,
        createdAt: sql`CURRENT_TIMESTAMP(6)`,
        hitCount: 0,
      },
    });
}

export interface CacheStats {
  entries: number;
  /** Entries older than the TTL (served no more; removed by pruneCache). */
  expired: number;
  hits: number;
  /** Sum over entries of hits × the original call's cost (DECIMAL string). */
  savedCost: string;
  byProvider: Array<{ provider: string; entries: number; hits: number; savedCost: string }>;
}

const savedCostSql = sql<string>`COALESCE(SUM(COALESCE(${cachedResponses.hitCount}, 0) * CASE WHEN JSON_TYPE(JSON_EXTRACT(${cachedResponses.response}, '$.cost')) = 'STRING' THEN CAST(JSON_UNQUOTE(JSON_EXTRACT(${cachedResponses.response}, '$.cost')) AS DECIMAL(14,4)) ELSE 0 END), 0)`;

export async function cacheStats(db: Db, ttlSeconds: number): Promise<CacheStats> {
  const rows = await db
    .select({
      provider: cachedResponses.provider,
      entries: sql<number>`COUNT(*)`.mapWith(Number),
      expired: sql<number>`SUM(CASE WHEN ${fresh(ttlSeconds)} THEN 0 ELSE 1 END)`.mapWith(Number),
      hits: sql<number>`COALESCE(SUM(${cachedResponses.hitCount}), 0)`.mapWith(Number),
      savedCost: savedCostSql,
    })
    .from(cachedResponses)
    .groupBy(cachedResponses.provider)
    .orderBy(cachedResponses.provider);
  const total = (key: 'entries' | 'expired' | 'hits') => rows.reduce((sum, r) => sum + r[key], 0);
  return {
    entries: total('entries'),
    expired: total('expired'),
    hits: total('hits'),
    savedCost: addDecimals(rows.map((r) => String(r.savedCost))),
    byProvider: rows.map((r) => ({
      provider: r.provider,
      entries: r.entries,
      hits: r.hits,
      savedCost: toScale4(String(r.savedCost)),
    })),
  };
}

/** Deletes entries older than the TTL; returns how many. */
export async function pruneCache(db: Db, ttlSeconds: number): Promise<number> {
  const [result] = await db.delete(cachedResponses).where(sql`NOT (${fresh(ttlSeconds)})`);
  return result.affectedRows;
}

/** Exact decimal arithmetic on DECIMAL strings, to 4 places (money never goes through floats). */
export function addDecimals(values: string[]): string {
  const sum = values.reduce((total, value) => total + toUnits(value), 0n);
  return fromUnits(sum);
}

const toScale4 = (value: string) => fromUnits(toUnits(value));

function toUnits(value: string): bigint {
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
  if (!match) return 0n;
  const fraction = (match[3] ?? '').padEnd(4, '0').slice(0, 4);
  const units = BigInt(match[2] || '0') * 10_000n + BigInt(fraction || '0');
  return match[1] ? -units : units;
}

function fromUnits(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  return `${negative ? '-' : ''}${abs / 10_000n}.${(abs % 10_000n).toString().padStart(4, '0')}`;
}
