/**
 * Client-side time per SQL statement shape, for finding what a worker waits on (the benchmarks run
 * on a default MariaDB without performance_schema). `timeStatements(pool)` wraps the promise
 * pool's and its connections' `query`; `statementTimes()` returns the totals by shape.
 */
import type { Pool } from 'mysql2/promise';

export interface StatementTotals {
  shape: string;
  count: number;
  ms: number;
  bytes: number;
}
const totals = new Map<string, StatementTotals>();

/** The statement with its literals and IN lists folded, cut to its first 90 characters. */
export function statementShape(text: string): string {
  return text
    .replace(/'(?:[^'\\]|\\.)*'/g, '?')
    .replace(/\b\d+(\.\d+)?\b/g, '?')
    .replace(/\((?:\?|\s|,)+\)/g, '(…)')
    .replace(/WHEN \? THEN \? (?:WHEN \? THEN \? )*/g, 'WHEN … ')
    .replace(/\s+/g, ' ')
    .slice(0, 90);
}

type Query = (this: unknown, ...args: unknown[]) => Promise<unknown>;
function wrap(prototype: { query: Query }) {
  const original = prototype.query;
  prototype.query = async function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { sql: string };
    const text = typeof first === 'string' ? first : first.sql;
    const started = performance.now();
    try {
      return await original.apply(this, args);
    } finally {
      const shape = statementShape(text);
      const entry = totals.get(shape) ?? { shape, count: 0, ms: 0, bytes: 0 };
      entry.count++;
      entry.ms += performance.now() - started;
      entry.bytes += text.length;
      totals.set(shape, entry);
    }
  };
}

export async function timeStatements(pool: Pool): Promise<void> {
  const connection = await pool.getConnection();
  wrap(Object.getPrototypeOf(Object.getPrototypeOf(connection)) as { query: Query });
  connection.release();
  wrap(Object.getPrototypeOf(pool) as { query: Query });
}

export const statementTimes = () => [...totals.values()].sort((a, b) => b.ms - a.ms);
