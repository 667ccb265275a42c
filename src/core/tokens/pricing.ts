import { calcPrice, type ModelInfo, type ModelPrice } from '@pydantic/genai-prices';
import { z } from 'zod';
import { invalid } from '../errors.js';
import { formatFixed, COST_SCALE, parseFixed, PRICE_SCALE, priceFromNumber, roundRawCost } from './money.js';

/** Token counts of one event. `inputTokens` excludes cache reads and writes (Anthropic's meaning). */
export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** A price in 1e-9 USD per million tokens, raised to a tier's price once the prompt exceeds its start. */
export interface Rate {
  base: bigint;
  tiers: Array<{ aboveInputTokens: number; price: bigint }>;
}

/** Cache rates are optional: a model without one bills those tokens at its input rate. */
export interface ModelRates {
  input: Rate;
  output: Rate;
  cacheRead?: Rate;
  cacheWrite?: Rate;
}

export interface PriceQuote {
  /** The catalog's model id or the override's key that matched. */
  matched: string;
  origin: 'override' | 'catalog';
  rates: ModelRates;
}

/** A source of model prices: offline, synchronous, cheap after the first lookup of a model. */
export interface PriceCatalog {
  readonly name: string;
  quote(provider: string, model: string, at: Date): PriceQuote | undefined;
}

export interface CostResult {
  /** Rounded half up to $0.0001, e.g. "0.0123"; "0.0000" when unpriced. */
  cost: string;
  /** The same in units of 1e-4 USD. */
  costUnits: bigint;
  priced: boolean;
  quote?: PriceQuote;
}

const flat = (base: bigint): Rate => ({ base, tiers: [] });

/** Long-context tiers apply to the whole request once its prompt (input + cache) passes the start. */
function rateFor(rate: Rate, promptTokens: number): bigint {
  let price = rate.base;
  for (const tier of rate.tiers) if (promptTokens > tier.aboveInputTokens) price = tier.price;
  return price;
}

/** Exact cost in 1e-15 USD: rate (1e-9 USD per 1e6 tokens) × tokens. */
export function rawCost(counts: TokenCounts, rates: ModelRates): bigint {
  const prompt = counts.inputTokens + counts.cacheReadTokens + counts.cacheWriteTokens;
  const of = (rate: Rate | undefined, tokens: number) =>
    tokens === 0 ? 0n : rateFor(rate ?? rates.input, prompt) * BigInt(tokens);
  return (
    of(rates.input, counts.inputTokens) +
    of(rates.output, counts.outputTokens) +
    of(rates.cacheRead, counts.cacheReadTokens) +
    of(rates.cacheWrite, counts.cacheWriteTokens)
  );
}

// ---------------------------------------------------------------------------------------------
// The offline catalog: @pydantic/genai-prices (maintained, updated with each release, no network
// unless asked). Its numbers are converted to exact decimals; its own float totals are not used.

/** Names our rows use for a provider → the catalog's provider id. */
const PROVIDER_ALIASES: Record<string, string> = {
  claude: 'anthropic',
  'claude-code': 'anthropic',
  codex: 'openai',
  gemini: 'google',
};

function catalogRate(value: ModelPrice[string]): Rate | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    const base = priceFromNumber(value);
    return base === undefined ? undefined : flat(base);
  }
  const base = priceFromNumber(value.base);
  if (base === undefined) return undefined;
  const tiers: Rate['tiers'] = [];
  for (const tier of value.tiers) {
    const price = priceFromNumber(tier.price);
    if (price === undefined) return undefined;
    tiers.push({ aboveInputTokens: tier.start, price });
  }
  return { base, tiers: tiers.sort((a, b) => a.aboveInputTokens - b.aboveInputTokens) };
}

/** The catalog's conditional prices (introductory start dates, off-peak hours) at a moment. */
function pricesAt(model: ModelInfo, at: Date): ModelPrice | undefined {
  if (!Array.isArray(model.prices)) return model.prices;
  const secondsOfDay = (text: string) => {
    const m = /^(\d{2}):(\d{2}):(\d{2})/.exec(text);
    return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0;
  };
  const now = at.getUTCHours() * 3600 + at.getUTCMinutes() * 60 + at.getUTCSeconds();
  for (let i = model.prices.length - 1; i >= 0; i--) {
    const candidate = model.prices[i];
    const constraint = candidate?.constraint;
    if (!candidate) continue;
    if (!constraint) return candidate.prices;
    if (constraint.type === 'start_date' && at >= new Date(constraint.start_date)) return candidate.prices;
    if (constraint.type === 'time_of_date') {
      const start = secondsOfDay(constraint.start_time);
      const end = secondsOfDay(constraint.end_time);
      const inside = end < start ? now >= start || now < end : now >= start && now < end;
      if (inside) return candidate.prices;
    }
  }
  return model.prices[0]?.prices;
}

function ratesFrom(prices: ModelPrice): ModelRates | undefined {
  const input = catalogRate(prices.input_mtok);
  const output = catalogRate(prices.output_mtok);
  if (!input || !output) return undefined;
  return {
    input,
    output,
    cacheRead: catalogRate(prices.cache_read_mtok),
    cacheWrite: catalogRate(prices.cache_write_mtok),
  };
}

export function createGenaiPricesCatalog(): PriceCatalog {
  // calcPrice costs ~1 ms (it scans every provider); an import calls this per event.
  const models = new Map<string, ModelInfo | null>();
  const find = (provider: string, model: string): ModelInfo | null => {
    const key = `${provider}\u0000${model}`;
    let found = models.get(key);
    if (found === undefined) {
      const providerId = PROVIDER_ALIASES[provider.toLowerCase()] ?? provider.toLowerCase();
      const lookup = (options: { providerId?: string }) => {
        try {
          return calcPrice({ input_tokens: 1 }, model, options)?.model ?? null;
        } catch {
          return null;
        }
      };
      found = lookup({ providerId }) ?? lookup({});
      models.set(key, found);
    }
    return found;
  };
  return {
    name: '@pydantic/genai-prices',
    quote(provider, model, at) {
      const info = find(provider, model);
      const prices = info ? pricesAt(info, at) : undefined;
      const rates = prices ? ratesFrom(prices) : undefined;
      return info && rates ? { matched: info.id, origin: 'catalog', rates } : undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// User overrides: `cockpit.pricing.overrides`, USD per million tokens per model.

export const PRICING_OVERRIDES_SETTING = 'cockpit.pricing.overrides';

const priceValue = z.union([z.number(), z.string()]);
const overrideSchema = z
  .object({
    input: priceValue,
    output: priceValue,
    cacheRead: priceValue.optional(),
    cacheWrite: priceValue.optional(),
  })
  .strict();
const overridesSchema = z.record(z.string(), overrideSchema);

export interface PriceOverride {
  /** The model name as written; a trailing `*` matches every model that starts with the rest. */
  pattern: string;
  rates: ModelRates;
}

function overridePrice(value: string | number, field: string): bigint {
  const units = typeof value === 'number' ? priceFromNumber(value) : parseFixed(value, PRICE_SCALE);
  if (units === undefined) {
    throw invalid(
      `${field}: expected a non-negative number of USD per million tokens (at most ${PRICE_SCALE} decimals), got ${JSON.stringify(value)}.`,
      field,
    );
  }
  return units;
}

/**
 * Validates the overrides setting. Throws a CockpitError naming the first bad entry, e.g.
 * `cockpit.pricing.overrides["my-model"].output: expected a non-negative number …`.
 */
export function parsePricingOverrides(value: unknown): PriceOverride[] {
  if (value === undefined || value === null) return [];
  const parsed = overridesSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [model, key] = issue?.path ?? [];
    const field =
      model === undefined
        ? PRICING_OVERRIDES_SETTING
        : `${PRICING_OVERRIDES_SETTING}[${JSON.stringify(String(model))}]${key === undefined ? '' : `.${String(key)}`}`;
    const detail =
      issue?.code === 'unrecognized_keys'
        ? `unknown key(s) ${issue.keys.join(', ')}; allowed: input, output, cacheRead, cacheWrite`
        : model === undefined
          ? 'expected an object mapping model names to { input, output, cacheRead?, cacheWrite? } in USD per million tokens'
          : key === undefined
            ? 'expected { input, output, cacheRead?, cacheWrite? } in USD per million tokens'
            : 'expected a non-negative number of USD per million tokens';
    throw invalid(`${field}: ${detail}.`, field);
  }
  return Object.entries(parsed.data).map(([pattern, prices]) => {
    const field = (key: string) => `${PRICING_OVERRIDES_SETTING}[${JSON.stringify(pattern)}].${key}`;
    if (pattern.trim() === '' || pattern === '*') {
      throw invalid(`${PRICING_OVERRIDES_SETTING}: "${pattern}" is not a model name.`, PRICING_OVERRIDES_SETTING);
    }
    const rate = (value: string | number | undefined, key: string) =>
      value === undefined ? undefined : flat(overridePrice(value, field(key)));
    return {
      pattern,
      rates: {
        input: flat(overridePrice(prices.input, field('input'))),
        output: flat(overridePrice(prices.output, field('output'))),
        cacheRead: rate(prices.cacheRead, 'cacheRead'),
        cacheWrite: rate(prices.cacheWrite, 'cacheWrite'),
      },
    };
  });
}

function matches(pattern: string, model: string): boolean {
  const p = pattern.toLowerCase();
  const m = model.toLowerCase();
  return p.endsWith('*') ? m.startsWith(p.slice(0, -1)) : p === m;
}

/** Prices events: the user's overrides first (exact names before `prefix*` ones), then the catalog. */
export class Pricing {
  private readonly overrides: PriceOverride[];

  constructor(
    private readonly catalog: PriceCatalog = defaultCatalog(),
    overrides: PriceOverride[] = [],
  ) {
    // Exact names win over patterns; longer patterns over shorter ones.
    this.overrides = [...overrides].sort(
      (a, b) =>
        Number(a.pattern.endsWith('*')) - Number(b.pattern.endsWith('*')) || b.pattern.length - a.pattern.length,
    );
  }

  quote(provider: string, model: string, at: Date): PriceQuote | undefined {
    const override = this.overrides.find((o) => matches(o.pattern, model));
    if (override) {
      // An override that leaves out a cache rate keeps the catalog's, if it has one.
      const fromCatalog =
        override.rates.cacheRead && override.rates.cacheWrite ? undefined : this.catalog.quote(provider, model, at);
      return {
        matched: override.pattern,
        origin: 'override',
        rates: {
          ...override.rates,
          cacheRead: override.rates.cacheRead ?? fromCatalog?.rates.cacheRead,
          cacheWrite: override.rates.cacheWrite ?? fromCatalog?.rates.cacheWrite,
        },
      };
    }
    return this.catalog.quote(provider, model, at);
  }

  /** The cost of one event at its time; unknown models cost "0.0000" with priced = false. */
  cost(counts: TokenCounts, provider: string, model: string, at: Date): CostResult {
    const quote = this.quote(provider, model, at);
    if (!quote) return { cost: formatFixed(0n, COST_SCALE), costUnits: 0n, priced: false };
    const units = roundRawCost(rawCost(counts, quote.rates));
    return { cost: formatFixed(units, COST_SCALE), costUnits: units, priced: true, quote };
  }
}

let sharedCatalog: PriceCatalog | undefined;
/** One catalog per process: its model cache is shared by every Pricing. */
export function defaultCatalog(): PriceCatalog {
  sharedCatalog ??= createGenaiPricesCatalog();
  return sharedCatalog;
}
