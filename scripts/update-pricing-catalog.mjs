// Regenerates src/core/tokens/catalog.json from the installed @pydantic/genai-prices (a dev dependency):
// the providers the Cockpit meets, their model match rules, and the four token prices it uses. The
// extension ships this compact table (tens of KB) instead of the whole package (~480 KB minified).
// Run after upgrading @pydantic/genai-prices: `npm run pricing:update`. A unit test fails when the
// committed table and the installed package disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Providers whose logs or APIs the Cockpit records; others are reachable through overrides. */
export const PROVIDERS = ['anthropic', 'openai', 'google', 'deepseek', 'mistral', 'x-ai', 'aws', 'azure'];
const PRICE_KEYS = {
  input_mtok: 'input',
  output_mtok: 'output',
  cache_read_mtok: 'cacheRead',
  cache_write_mtok: 'cacheWrite',
};

function prices(value) {
  const out = {};
  for (const [key, name] of Object.entries(PRICE_KEYS)) {
    const price = value[key];
    if (price === undefined) continue;
    out[name] =
      typeof price === 'number'
        ? price
        : { base: price.base, tiers: price.tiers.map((t) => ({ start: t.start, price: t.price })) };
  }
  return out;
}

export async function buildCatalog() {
  const genai = require('@pydantic/genai-prices');
  const all = await genai.waitForUpdate();
  const entry = require.resolve('@pydantic/genai-prices');
  const manifest = path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}dist${path.sep}`)), 'package.json');
  const version = JSON.parse(readFileSync(manifest, 'utf8')).version;
  return {
    source: `@pydantic/genai-prices ${version}`,
    providers: PROVIDERS.map((id) => all.find((p) => p.id === id))
      .filter(Boolean)
      .map((p) => ({
        id: p.id,
        ...(p.provider_match ? { providerMatch: p.provider_match } : {}),
        ...(p.model_match ? { modelMatch: p.model_match } : {}),
        ...(p.fallback_model_providers ? { fallbacks: p.fallback_model_providers } : {}),
        models: p.models
          .map((m) => ({
            id: m.id,
            match: m.match,
            prices: Array.isArray(m.prices)
              ? m.prices.map((c) => ({
                  ...(c.constraint ? { constraint: c.constraint } : {}),
                  prices: prices(c.prices),
                }))
              : prices(m.prices),
          }))
          .filter((m) =>
            Array.isArray(m.prices)
              ? m.prices.every((c) => c.prices.input !== undefined)
              : m.prices.input !== undefined,
          ),
      })),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/core/tokens/catalog.json');
  const catalog = await buildCatalog();
  writeFileSync(target, JSON.stringify(catalog) + '\n');
  console.log(`${target}: ${catalog.source}, ${catalog.providers.reduce((n, p) => n + p.models.length, 0)} models.`);
}
