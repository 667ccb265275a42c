/**
 * File times as DATETIME(6) strings, computed with BigInt from nanoseconds: a JS Date holds
 * milliseconds only and would lose the microseconds the filesystem gives.
 */

const NS_PER_US = 1_000n;
const US_PER_SECOND = 1_000_000n;
const SECONDS_PER_DAY = 86_400n;

/** DATETIME's range (MySQL, MariaDB, TiDB): a time outside it is clamped to the nearest end. */
const MIN_DATETIME_US = -30_610_224_000_000_000n; // 1000-01-01 00:00:00.000000
const MAX_DATETIME_US = 253_402_300_799_999_999n; // 9999-12-31 23:59:59.999999

/** Floor division: file times before 1970 are negative and must round towards the past. */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/**
 * Whole seconds since the epoch → `YYYY-MM-DD HH:MM:SS`, with Howard Hinnant's civil_from_days in
 * float arithmetic: exact, as every value stays far below 2^53 within DATETIME's range, and several
 * times faster than BigInt's.
 */
function formatDateTime(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const secondOfDay = seconds - days * 86_400;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1_460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hh = Math.floor(secondOfDay / 3600);
  const mm = Math.floor((secondOfDay % 3600) / 60);
  const ss = secondOfDay % 60;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)} ${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}`;
}

/**
 * Seconds formatted lately, with their `.`: a burst's files share a handful of seconds (their
 * mtime and ctime, and their atime another), so a captured time is mostly a prefix from here and
 * six digits. Without it the formatting made a fifth of the watcher's garbage (measured with a
 * sampling heap profile).
 */
const secondPrefixes = new Map<number, string>();
const MAX_SECOND_PREFIXES = 256;

function formatSeconds(seconds: number, micros: number): string {
  let prefix = secondPrefixes.get(seconds);
  if (prefix === undefined) {
    if (secondPrefixes.size >= MAX_SECOND_PREFIXES) secondPrefixes.clear();
    prefix = `${formatDateTime(seconds)}.`;
    secondPrefixes.set(seconds, prefix);
  }
  return prefix + pad(micros, 6);
}

/** Microseconds since the epoch (UTC) → `YYYY-MM-DD HH:MM:SS.ffffff`. */
export function formatMicros(micros: bigint): string {
  const us = micros < MIN_DATETIME_US ? MIN_DATETIME_US : micros > MAX_DATETIME_US ? MAX_DATETIME_US : micros;
  const seconds = floorDiv(us, US_PER_SECOND);
  return formatSeconds(Number(seconds), Number(us - seconds * US_PER_SECOND));
}

/** Nanoseconds (as `fs.stat(p, { bigint: true })` gives them) → DATETIME(6) string; sub-µs digits dropped. */
export function formatNanos(nanos: bigint): string {
  return formatMicros(floorDiv(nanos, NS_PER_US));
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC) → microseconds since the epoch; inverse of formatMicros. */
export function parseDatetime6(value: string): bigint {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(value);
  if (!match) throw new Error(`Not a DATETIME(6) value: "${value}".`);
  const [, y, mo, d, h, mi, s, f = ''] = match;
  const year = BigInt(y!) - (Number(mo) <= 2 ? 1n : 0n);
  const era = floorDiv(year, 400n);
  const yearOfEra = year - era * 400n;
  const m = BigInt(mo!);
  const dayOfYear = (153n * (m > 2n ? m - 3n : m + 9n) + 2n) / 5n + BigInt(d!) - 1n;
  const dayOfEra = yearOfEra * 365n + yearOfEra / 4n - yearOfEra / 100n + dayOfYear;
  const days = era * 146_097n + dayOfEra - 719_468n;
  const seconds = days * SECONDS_PER_DAY + BigInt(h!) * 3600n + BigInt(mi!) * 60n + BigInt(s!);
  return seconds * US_PER_SECOND + BigInt(f.padEnd(6, '0'));
}

/** The wall clock in nanoseconds with microsecond resolution (Date.now() alone has milliseconds). */
export function nowNanos(): bigint {
  const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
  return BigInt(micros) * NS_PER_US;
}
