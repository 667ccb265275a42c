import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import catalogData from '../../src/core/tokens/catalog.json';
import { costUnits, formatFixed, formatUsd, parseFixed, roundRawCost, sumCosts } from '../../src/core/tokens/money.js';
import { parsePricingOverrides, Pricing, type PriceCatalog } from '../../src/core/tokens/pricing.js';
import { eventId, prepareTokenUsage, toUtcDateTime6 } from '../../src/core/tokens/record.js';

const at = new Date('2026-06-01T12:00:00Z');
const counts = (inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0) => ({
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheWriteTokens,
});

describe('exact money', () => {
  it('parses and formats decimals without floats', () => {
    assert.equal(parseFixed('0.3', 9), 300_000_000n);
    assert.equal(parseFixed('3.75', 9), 3_750_000_000n);
    assert.equal(parseFixed('1.5e-7', 9), 150n);
    assert.equal(parseFixed('0.0000000001', 9), undefined, 'more decimals than the scale');
    assert.equal(parseFixed('-1', 9), undefined);
    assert.equal(parseFixed('abc', 9), undefined);
    assert.equal(formatFixed(123n, 4), '0.0123');
    assert.equal(formatFixed(1_234_567n, 4), '123.4567');
  });

  it('rounds a raw cost half up to 4 decimals', () => {
    // 1e-15 USD units: 0.00005 USD is exactly half a cent-hundredth → up.
    assert.equal(roundRawCost(50_000_000_000n), 1n);
    assert.equal(roundRawCost(49_999_999_999n), 0n);
    assert.equal(roundRawCost(14_850_000_000_000n), 149n);
  });

  it('sums DECIMAL strings exactly where floats drift', () => {
    const values = Array.from({ length: 100_000 }, () => '0.0001');
    assert.equal(sumCosts(values), '10.0000');
    let float = 0;
    for (const v of values) float += Number(v);
    assert.notEqual(float, 10, 'the float sum drifts, which is why costs stay decimal');
    assert.equal(sumCosts(['0.1000', '0.2000']), '0.3000');
    assert.equal(costUnits(null), 0n);
    assert.equal(formatUsd('1.2350'), '$1.24');
    assert.equal(formatUsd('0.0049'), '$0.00');
  });
});

describe('pricing from the catalog', () => {
  const pricing = new Pricing();

  it('prices Claude Sonnet 4.5 input, output, cache reads and cache writes separately', () => {
    // 1000×$3 + 500×$15 + 2000×$0.30 + 1000×$3.75 per million = $0.01485 → $0.0149
    const result = pricing.cost(counts(1000, 500, 2000, 1000), 'anthropic', 'claude-sonnet-4-5-20250929', at);
    assert.equal(result.priced, true);
    assert.equal(result.cost, '0.0149');
    assert.equal(result.quote?.origin, 'catalog');
  });

  it('applies the long-context tier once the whole prompt (input + cache) exceeds 200k tokens', () => {
    // 150k input + 60k cache read = 210k > 200k: $6 / $22.50 / $0.60 per million.
    // 150000×6 + 1000×22.5 + 60000×0.6 = 900000 + 22500 + 36000 = 958500 µ$ → $0.9585
    const result = pricing.cost(counts(150_000, 1000, 60_000), 'anthropic', 'claude-sonnet-4-5-20250929', at);
    assert.equal(result.cost, '0.9585');
  });

  it('prices Claude Opus 4.1 and Haiku 4.5, and maps provider "claude" to Anthropic', () => {
    // 10000×15 + 2000×75 + 100000×1.5 + 5000×18.75 = 150000+150000+150000+93750 = 543750 → $0.5438 (half up)
    assert.equal(
      pricing.cost(counts(10_000, 2000, 100_000, 5000), 'claude', 'claude-opus-4-1-20250805', at).cost,
      '0.5438',
    );
    // 1000×1 + 1000×5 = 6000 → $0.0060
    assert.equal(pricing.cost(counts(1000, 1000), 'anthropic', 'claude-haiku-4-5-20251001', at).cost, '0.0060');
  });

  it('prices OpenAI GPT-5 (cached input at $0.125) and Codex models', () => {
    // 1000×1.25 + 4000×0.125 + 100×10 = 2750 → $0.00275 → $0.0028
    assert.equal(pricing.cost(counts(1000, 100, 4000), 'openai', 'gpt-5', at).cost, '0.0028');
    assert.equal(pricing.cost(counts(1000, 100, 4000), 'openai', 'gpt-5-codex', at).priced, true);
  });

  it('records unknown models as unpriced with cost 0, never a guess', () => {
    for (const model of ['my-local-phi3', '<synthetic>']) {
      const result = pricing.cost(counts(1000, 1000), 'local', model, at);
      assert.deepEqual([result.priced, result.cost], [false, '0.0000']);
    }
  });
});

describe('pricing overrides', () => {
  const catalog: PriceCatalog = {
    name: 'fixed',
    quote: (_provider, model) =>
      model === 'known'
        ? {
            matched: 'known',
            origin: 'catalog',
            rates: {
              input: { base: 1_000_000_000n, tiers: [] },
              output: { base: 2_000_000_000n, tiers: [] },
              cacheRead: { base: 100_000_000n, tiers: [] },
            },
          }
        : undefined,
  };

  it('wins over the catalog, exact names before prefix patterns', () => {
    const pricing = new Pricing(
      catalog,
      parsePricingOverrides({
        'team-*': { input: 1, output: 1 },
        'team-large': { input: '10', output: '20', cacheRead: 0.5, cacheWrite: '12.5' },
        known: { input: 4, output: 8 },
      }),
    );
    // 1000×10 + 1000×20 + 1000×0.5 + 1000×12.5 = 43000 → $0.0430
    assert.equal(pricing.cost(counts(1000, 1000, 1000, 1000), 'x', 'team-large', at).cost, '0.0430');
    // pattern: 1000×1 + 1000×1 = 2000 → $0.0020
    assert.equal(pricing.cost(counts(1000, 1000), 'x', 'TEAM-small', at).cost, '0.0020');
    // Override without cache rates keeps the catalog's cacheRead (0.1) and bills cache writes at input (4).
    // 1000×4 + 1000×8 + 10000×0.1 + 1000×4 = 17000 → $0.0170
    const known = pricing.cost(counts(1000, 1000, 10_000, 1000), 'x', 'known', at);
    assert.equal(known.cost, '0.0170');
    assert.equal(known.quote?.origin, 'override');
  });

  it('rejects malformed settings with an error naming the entry', () => {
    assert.deepEqual(parsePricingOverrides(undefined), []);
    assert.throws(
      () => parsePricingOverrides({ m: { input: -1, output: 1 } }),
      /overrides\["m"\]\.input: expected a non-negative/,
    );
    assert.throws(() => parsePricingOverrides({ m: { input: 'cheap', output: 1 } }), /overrides\["m"\]\.input/);
    assert.throws(() => parsePricingOverrides({ m: { input: 1 } }), /overrides\["m"\]\.output/);
    assert.throws(() => parsePricingOverrides({ m: { input: 1, output: 1, cache: 1 } }), /unknown key\(s\) cache/);
    assert.throws(() => parsePricingOverrides([1]), /cockpit\.pricing\.overrides: expected an object/);
    assert.throws(() => parsePricingOverrides({ m: { input: '0.0000000001', output: 1 } }), /at most 9 decimals/);
  });
});

describe('events', () => {
  it('derive a deterministic UUID from the event key', () => {
    const id = eventId('claude-code:msg_1:req_1');
    assert.equal(id, eventId('claude-code:msg_1:req_1'));
    assert.notEqual(id, eventId('claude-code:msg_1:req_2'));
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('normalise timestamps to UTC DATETIME(6) strings, keeping microseconds', () => {
    assert.equal(toUtcDateTime6('2026-01-31T23:30:00.123456Z'), '2026-01-31 23:30:00.123456');
    assert.equal(toUtcDateTime6('2026-02-01T01:30:00.5+02:00'), '2026-01-31 23:30:00.500000');
    assert.equal(toUtcDateTime6('2026-02-01 00:00:00'), '2026-02-01 00:00:00.000000');
    assert.equal(toUtcDateTime6(new Date('2026-03-01T00:00:00.007Z')), '2026-03-01 00:00:00.007000');
    assert.equal(toUtcDateTime6('2026-02-30T00:00:00Z'), undefined);
    assert.equal(toUtcDateTime6('yesterday'), undefined);
  });

  it('are validated with errors naming the field', () => {
    const pricing = new Pricing();
    const base = { projectId: 'p', provider: 'anthropic', model: 'claude-haiku-4-5', inputTokens: 1 };
    assert.throws(() => prepareTokenUsage({ ...base, inputTokens: -1 }, pricing), /Token usage inputTokens/);
    assert.throws(() => prepareTokenUsage({ ...base, inputTokens: 1.5 }, pricing), /inputTokens/);
    assert.throws(() => prepareTokenUsage({ ...base, operationType: 'chatting' }, pricing), /operationType/);
    assert.throws(() => prepareTokenUsage({ ...base, model: 'x'.repeat(101) }, pricing), /model/);
    assert.throws(() => prepareTokenUsage({ ...base, extra: 1 }, pricing), /Unrecognized key/);
    assert.throws(() => prepareTokenUsage({ ...base, timestamp: 'soon' }, pricing), /timestamp/);
    const expensive = new Pricing(undefined, parsePricingOverrides({ gold: { input: 1_000_000, output: 1 } }));
    assert.throws(
      () => prepareTokenUsage({ ...base, model: 'gold', inputTokens: 1_000_000_000 }, expensive),
      /cannot cost/,
    );
    const row = prepareTokenUsage({ ...base, timestamp: '2026-05-05T10:00:00Z', eventKey: 'k' }, pricing);
    assert.equal(row.id, eventId('k'));
    assert.equal(row.source, 'api');
    assert.equal(row.timestamp, '2026-05-05 10:00:00.000000');
  });
});

describe('the bundled catalog', () => {
  it('is in sync with the installed @pydantic/genai-prices (run `npm run pricing:update` after upgrading it)', async () => {
    const script = path.resolve(__dirname, '../../scripts/update-pricing-catalog.mjs');
    const { buildCatalog } = (await import(pathToFileURL(script).href)) as { buildCatalog(): Promise<unknown> };
    assert.deepEqual(await buildCatalog(), catalogData);
  });

  it('prices every model of the generated table the way genai-prices does', async () => {
    const { calcPrice } = await import('@pydantic/genai-prices');
    const pricing = new Pricing();
    const samples: Array<[string, string]> = [
      ['anthropic', 'claude-opus-4-1-20250805'],
      ['anthropic', 'claude-3-5-haiku-20241022'],
      ['openai', 'gpt-4o-mini'],
      ['openai', 'gpt-5-codex'],
      ['google', 'gemini-2.5-pro'],
      ['deepseek', 'deepseek-chat'],
      ['mistral', 'mistral-large-latest'],
    ];
    for (const [provider, model] of samples) {
      const usage = { input_tokens: 123_457, output_tokens: 7_891 };
      const theirs = calcPrice(usage, model, { providerId: provider, timestamp: at });
      const ours = pricing.cost(counts(123_457, 7_891), provider, model, at);
      assert.ok(theirs, `${model} is in genai-prices`);
      assert.equal(ours.priced, true, `${model} is priced`);
      // Their float total rounded to 4 decimals equals our exact, rounded cost.
      assert.equal(ours.cost, theirs.total_price.toFixed(4), model);
    }
  });
});
