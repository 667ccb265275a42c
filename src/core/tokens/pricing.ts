import * as z from 'zod/mini';
import catalogData from './catalog.json';
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
// The offline catalog: catalog.json, generated from @pydantic/genai-prices (maintained, released
// often) by scripts/update-pricing-catalog.mjs. Only the providers the Cockpit meets and the four
// token prices it uses are kept (~70 KB instead of ~480 KB of bundle); a unit test keeps the file in
// sync with the installed package. Its numbers become exact decimals; no float total is ever used.

type Match =
  | { or: Match[] }
  | { and: Match[] }
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string };

type CatalogPrice = number | { base: number; tiers: Array<{ start: number; price: number }> };
interface CatalogPrices {
  input?: CatalogPrice;
  output?: CatalogPrice;
  cacheRead?: CatalogPrice;
  cacheWrite?: CatalogPrice;
}
type Constraint =
  { type: 'start_date'; start_date: string } | { type: 'time_of_date'; start_time: string; end_time: string };
interface CatalogModel {
  id: string;
  match: Match;
  prices: CatalogPrices | Array<{ constraint?: Constraint; prices: CatalogPrices }>;
}
interface CatalogProvider {
  id: string;
  providerMatch?: Match;
  modelMatch?: Match;
  fallbacks?: string[];
  models: CatalogModel[];
}
export interface CatalogData {
  source: string;
  providers: CatalogProvider[];
}

/** Names our rows use for a provider → the catalog's provider id. */
const PROVIDER_ALIASES: Record<string, string> = {
  claude: 'anthropic',
  'claude-code': 'anthropic',
  codex: 'openai',
  gemini: 'google',
  xai: 'x-ai',
};

const regexCache = new Map<string, RegExp>();
/** genai-prices' match rules: case-insensitive except regexes (the catalog's own, trusted data). */
function matches(rule: Match, text: string): boolean {
  const lower = text.toLowerCase();
  if ('or' in rule) return rule.or.some((r) => matches(r, text));
  if ('and' in rule) return rule.and.every((r) => matches(r, text));
  if ('equals' in rule) return lower === rule.equals.toLowerCase();
  if ('starts_with' in rule) return lower.startsWith(rule.starts_with.toLowerCase());
  if ('ends_with' in rule) return lower.endsWith(rule.ends_with.toLowerCase());
  if ('contains' in rule) return lower.includes(rule.contains.toLowerCase());
  let regex = regexCache.get(rule.regex);
  if (!regex) regexCache.set(rule.regex, (regex = new RegExp(rule.regex)));
  return regex.test(text);
}

function catalogRate(value: CatalogPrice | undefined): Rate | undefined {
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
function pricesAt(model: CatalogModel, at: Date): CatalogPrices | undefined {
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

/** Parsed rates per catalog price object: parsing them per event was a tenth of an import's CPU. */
const parsedRates = new WeakMap<CatalogPrices, ModelRates | null>();

function ratesFrom(prices: CatalogPrices): ModelRates | undefined {
  let rates = parsedRates.get(prices);
  if (rates === undefined) {
    rates = parseRates(prices) ?? null;
    parsedRates.set(prices, rates);
  }
  return rates ?? undefined;
}

function parseRates(prices: CatalogPrices): ModelRates | undefined {
  const input = catalogRate(prices.input);
  const output = catalogRate(prices.output);
  if (!input || !output) return undefined;
  return { input, output, cacheRead: catalogRate(prices.cacheRead), cacheWrite: catalogRate(prices.cacheWrite) };
}

/** `claude-sonnet-4-5-20250929` is also tried as `claude-sonnet-4-5-2025-09-29`, as genai-prices does. */
const DATED = /(-)(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-|:|$)/g;

export function createCatalog(data: CatalogData): PriceCatalog {
  const providers = data.providers;
  const byId = (id: string) => providers.find((p) => p.id === id);
  const findProvider = (provider: string, model: string) => {
    const id = PROVIDER_ALIASES[provider.toLowerCase()] ?? provider.toLowerCase();
    return (
      byId(id) ??
      providers.find((p) => p.providerMatch && matches(p.providerMatch, id)) ??
      providers.find((p) => p.modelMatch && matches(p.modelMatch, model))
    );
  };
  const findModel = (provider: CatalogProvider, model: string, depth = 0): CatalogModel | undefined =>
    provider.models.find((m) => matches(m.match, model)) ??
    (depth === 0
      ? (provider.fallbacks ?? [])
          .map((id) => byId(id))
          .map((p) => (p ? findModel(p, model, 1) : undefined))
          .find(Boolean)
      : undefined);
  // An import prices millions of events: remember each (provider, model) lookup.
  const models = new Map<string, CatalogModel | null>();
  const find = (provider: string, model: string): CatalogModel | null => {
    const key = `${provider}\u0000${model}`;
    let found = models.get(key);
    if (found === undefined) {
      const owner = findProvider(provider, model);
      const dated = model.replace(
        DATED,
        (_all, dash: string, y: string, m: string, d: string) => `${dash}${y}-${m}-${d}`,
      );
      found = (owner && (findModel(owner, model) ?? (dated !== model ? findModel(owner, dated) : undefined))) ?? null;
      models.set(key, found);
    }
    return found;
  };
  return {
    name: data.source,
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
const overrideSchema = z.strictObject({
  input: priceValue,
  output: priceValue,
  cacheRead: z.optional(priceValue),
  cacheWrite: z.optional(priceValue),
});
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

function matchesPattern(pattern: string, model: string): boolean {
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
    const override = this.overrides.find((o) => matchesPattern(o.pattern, model));
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
  sharedCatalog ??= createCatalog(catalogData as CatalogData);
  return sharedCatalog;
}
