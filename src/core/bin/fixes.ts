/**
 * Suggested fixes for the three standard categories. Each returns a candidate or null; the caller
 * keeps it only when the standard's own pattern accepts it.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function isoFromEpochMs(ms: number): string | null {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return null;
  return date.toISOString().replace('.000Z', 'Z');
}

/**
 * `2026-01-01 14:30:45` → `2026-01-01T14:30:45Z` (read as UTC, like every Cockpit session);
 * offsets are converted to Z keeping the fraction; a date alone becomes midnight UTC; epoch
 * seconds or milliseconds become ISO 8601.
 */
export function suggestTimestamp(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (value >= 1e12 && value < 1e14) return isoFromEpochMs(value);
    if (value >= 1e9 && value < 1e11) return isoFromEpochMs(value * 1000);
    return null;
  }
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const full =
    /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,](\d{1,9}))?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/.exec(
      text,
    );
  if (full) {
    const [, y, mo, d, h, mi, s = '00', fraction, zone] = full;
    const digits = fraction ? `.${fraction.slice(0, 6)}` : '';
    let offsetMinutes = 0;
    if (zone && /^[+-]/.test(zone)) {
      const [, sign, zh, zm = '0'] = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone) ?? [];
      offsetMinutes = (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm));
    }
    const utc =
      Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMinutes * 60_000;
    const t = new Date(utc);
    if (Number.isNaN(utc)) return null;
    return (
      `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}` +
      `T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}${digits}Z`
    );
  }
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (dateOnly) return `${text}T00:00:00Z`;
  return null;
}

/** `My Dashboard` → `my-dashboard`, `tokenUsage` → `token-usage`, `Ünïcode Name` → `unicode-name`. */
export function toKebabCase(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function suggestName(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const kebab = toKebabCase(value);
  return kebab.length > 0 ? kebab : null;
}

/** `My File.Test.TS` → `my-file.test.ts`: the stem and each extension in kebab-case. */
export function suggestFileName(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const [stem = '', ...extensions] = value.split('.');
  const parts = [toKebabCase(stem), ...extensions.map(toKebabCase)].filter((p) => p.length > 0);
  return parts.length > 0 && toKebabCase(stem).length > 0 ? parts.join('.') : null;
}

/** `1.2` → `1.2.0`, `v1` → `1.0.0`, `01.2.3` → `1.2.3`; a valid pre-release/build suffix is kept. */
export function suggestVersion(value: unknown): string | null {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return null;
  const match = /^\s*[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?([-+][0-9A-Za-z.+-]*)?\s*$/.exec(text);
  if (!match) return null;
  const [, major, minor = '0', patch = '0', suffix = ''] = match;
  const core = [major, minor, patch].map((n) => String(Number(n))).join('.');
  return `${core}${suffix}`;
}
