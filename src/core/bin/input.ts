import type { z } from 'zod';
import { invalid } from '../errors.js';

/** Parses input with a zod schema; the first problem becomes a CockpitError naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || undefined;
  throw invalid(field ? `${field}: ${issue.message}` : issue.message, field);
}

/** mysql2 returns MariaDB JSON parsed, some servers and JSON functions return text: accept both. */
export function asJson<T = unknown>(value: unknown): T {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as T;
    } catch {
      return value as T;
    }
  }
  return value as T;
}

/** The driver's error code (ER_DUP_ENTRY, …), if any. */
export const driverCode = (error: unknown): string | undefined => {
  const seen = new Set<unknown>();
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e && !seen.has(e); e = e.cause as typeof e) {
    seen.add(e);
    if (typeof e.code === 'string' && e.code.startsWith('ER_')) return e.code;
  }
  return undefined;
};
