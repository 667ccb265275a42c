// Exact money arithmetic on BigInt fixed-point values: no float ever touches a cost.
//
// Prices are USD per million tokens held as integers of 1e-9 USD ("nano-dollars per Mtok", 9 decimals,
// enough for every published price). price × tokens is then in units of 1e-15 USD, exact. A row's cost is
// rounded once, half up, to the 4 decimals of token_usage.total_cost (DECIMAL(10,4)); sums of stored
// costs are exact sums of those DECIMAL values (the database sums DECIMALs exactly, and so does sumCosts).

/** Decimals of a price in USD per million tokens. */
export const PRICE_SCALE = 9;
/** Decimals of a stored cost (token_usage.total_cost DECIMAL(10,4)). */
export const COST_SCALE = 4;
/** price (1e-9 USD/Mtok) × tokens = 1e-15 USD; 1e-15 → 1e-4 USD divides by 1e11. */
const RAW_TO_COST = 10n ** 11n;
/** DECIMAL(10,4) holds at most 999999.9999. */
export const MAX_COST_UNITS = 10n ** 10n - 1n;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const SCIENTIFIC = /^(\d+)(?:\.(\d+))?e([+-]?\d+)$/i;

/**
 * Parses a non-negative decimal string ("3", "0.30", "1.5e-7") into an integer of 10^-scale units.
 * Returns undefined when the text is not such a number or has more than `scale` significant decimals.
 */
export function parseFixed(text: string, scale: number): bigint | undefined {
  const trimmed = text.trim();
  let digits: string;
  let exponent: number;
  const plain = DECIMAL.exec(trimmed);
  if (plain) {
    digits = `${plain[1]}${plain[2] ?? ''}`;
    exponent = -(plain[2]?.length ?? 0);
  } else {
    const sci = SCIENTIFIC.exec(trimmed);
    if (!sci) return undefined;
    digits = `${sci[1]}${sci[2] ?? ''}`;
    exponent = Number(sci[3]) - (sci[2]?.length ?? 0);
  }
  const shift = exponent + scale;
  if (shift >= 0) return BigInt(digits) * 10n ** BigInt(shift);
  const dropped = digits.slice(digits.length + shift);
  if (dropped.length > 0 && /[^0]/.test(dropped)) return undefined;
  const kept = digits.slice(0, Math.max(0, digits.length + shift));
  return kept === '' ? 0n : BigInt(kept);
}

/**
 * A price given as a JS number (the catalog's JSON) to exact units: the shortest decimal that
 * round-trips the double (`String(0.3)` is "0.3"), so 0.3 means exactly 0.3.
 */
export function priceFromNumber(value: number): bigint | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined;
  return parseFixed(String(value), PRICE_SCALE);
}

/** Integer of 10^-scale units → "12.3400" (always `scale` decimals). */
export function formatFixed(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${fraction}` : ''}`;
}

/** 1e-15 USD → 1e-4 USD, rounding half up (costs are never negative). */
export function roundRawCost(raw: bigint): bigint {
  return (raw + RAW_TO_COST / 2n) / RAW_TO_COST;
}

/** A DECIMAL(…,4) value as the database returns it ("12.3400", "0", null for an empty SUM) → units of 1e-4. */
export function costUnits(text: string | number | null | undefined): bigint {
  if (text === null || text === undefined || text === '') return 0n;
  const value = String(text);
  const negative = value.startsWith('-');
  const units = parseFixed(negative ? value.slice(1) : value, COST_SCALE);
  if (units === undefined) throw new Error(`Not a cost with at most ${COST_SCALE} decimals: "${value}".`);
  return negative ? -units : units;
}

/** Exact sum of DECIMAL(…,4) strings, as a "0.0000" string. */
export function sumCosts(values: Iterable<string | number | null | undefined>): string {
  let total = 0n;
  for (const value of values) total += costUnits(value);
  return formatFixed(total, COST_SCALE);
}

/** "$1.23" for the status bar: two decimals, rounded half up from the stored 4. */
export function formatUsd(cost: string, decimals = 2): string {
  const units = costUnits(cost);
  const divisor = 10n ** BigInt(COST_SCALE - decimals);
  const rounded = (units + divisor / 2n) / divisor;
  return `$${formatFixed(rounded, decimals)}`;
}
