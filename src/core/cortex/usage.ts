import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/connection.js';
import { tokenUsage } from '../../db/schema/index.js';
import { promptTokens, type TokenCounts, type UsageEvent, type UsageRecorder } from './types.js';

/** USD per million tokens, as decimal strings. Cache prices default to the input price. */
export interface ModelPrice {
  input: string;
  output: string;
  cacheRead?: string;
  cacheWrite?: string;
}

export type PriceLookup = (provider: string, model: string) => ModelPrice | undefined;

const SCALE = 10n ** 10n;

function toScaled(decimal: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,10}))?$/.exec(decimal.trim());
  if (!match) throw new Error(`Not a price: ${decimal}`);
  return BigInt(match[1]!) * SCALE + BigInt((match[2] ?? '').padEnd(10, '0'));
}

/** Exact cost of the counts at `price` (per million tokens), rounded half-up to DECIMAL(10,4). */
export function priceUsage(usage: TokenCounts, price: ModelPrice): string {
  const perToken = (perMillion: string, tokens: number) => (toScaled(perMillion) * BigInt(tokens)) / 1_000_000n;
  const total =
    perToken(price.input, usage.inputTokens) +
    perToken(price.output, usage.outputTokens) +
    perToken(price.cacheRead ?? price.input, usage.cacheReadInputTokens) +
    perToken(price.cacheWrite ?? price.input, usage.cacheCreationInputTokens);
  const unit = SCALE / 10_000n;
  const rounded = (total + unit / 2n) / unit;
  return `${rounded / 10_000n}.${(rounded % 10_000n).toString().padStart(4, '0')}`;
}

/**
 * A stand-in UsageRecorder writing one `token_usage` row per attempt (failed attempts with the
 * provider's zero usage included), until the token recording/pricing service replaces it.
 * `input_tokens` holds the whole prompt (cache reads and writes included): token_usage has no
 * cache columns yet.
 */
export function tableUsageRecorder(db: Db, prices: PriceLookup = () => undefined): UsageRecorder {
  return {
    async record(event: UsageEvent) {
      const price = prices(event.provider, event.model);
      const totalCost = price ? priceUsage(event.usage, price) : null;
      await db.insert(tokenUsage).values({
        id: randomUUID(),
        projectId: event.projectId,
        provider: event.provider,
        model: event.model,
        inputTokens: promptTokens(event.usage),
        outputTokens: event.usage.outputTokens,
        totalCost: totalCost ?? '0.0000',
        operationType: event.operationType,
        dashboardContext: event.dashboardContext,
      });
      return { totalCost };
    },
  };
}
