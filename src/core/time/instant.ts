import { invalid } from '../errors.js';

/**
 * Instants as integer microseconds since the Unix epoch (a JS number: exact up to the year 2255).
 * The database returns TIMESTAMP(6)/DATETIME(6) as `YYYY-MM-DD HH:MM:SS.ffffff` strings in UTC;
 * these helpers convert without ever passing through a millisecond JS Date.
 */
const DATABASE_INSTANT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z?$/;

/** Parses a database timestamp (or ISO-8601 Zulu) string as UTC, keeping every microsecond. */
export function parseUtcMicros(text: string, field = 'timestamp'): number {
  const match = DATABASE_INSTANT.exec(text.trim());
  if (!match) throw invalid(`${field} must look like 2026-01-01T14:30:45.123456Z; got "${text.slice(0, 40)}".`, field);
  const [, year, month, day, hour, minute, second, fraction = ''] = match;
  const seconds = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const check = new Date(seconds);
  if (Number.isNaN(seconds) || check.getUTCDate() !== Number(day) || check.getUTCMonth() !== Number(month) - 1) {
    throw invalid(`${field} is not a valid date: "${text.slice(0, 40)}".`, field);
  }
  return seconds * 1000 + Number(fraction.padEnd(6, '0'));
}

function parts(micros: number): { date: string; time: string; fraction: string } {
  const whole = Math.floor(micros / 1_000_000);
  const fraction = String(micros - whole * 1_000_000).padStart(6, '0');
  const iso = new Date(whole * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  return { date: iso.slice(0, 10), time: iso.slice(11, 19), fraction };
}

/** `YYYY-MM-DD HH:MM:SS.ffffff`: what a TIMESTAMP(6) column takes in a UTC session. */
export function formatDatabaseInstant(micros: number): string {
  const { date, time, fraction } = parts(Math.round(micros));
  return `${date} ${time}.${fraction}`;
}

/** ISO-8601 Zulu with microseconds, the form every timestamp takes in the UI. */
export function formatIsoZulu(micros: number): string {
  const { date, time, fraction } = parts(Math.round(micros));
  return `${date}T${time}.${fraction}Z`;
}

/** A database timestamp string in ISO-8601 Zulu (`null` stays `null`). */
export function databaseToIsoZulu(text: string | null): string | null {
  return text === null ? null : formatIsoZulu(parseUtcMicros(text));
}
