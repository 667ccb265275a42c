import { getTableColumns, getTableName, sql, type Column, type SQL } from 'drizzle-orm';
import type { MySqlTable } from 'drizzle-orm/mysql-core';
import mysql from 'mysql2/promise';
import type { Executor } from './audit.js';

/**
 * Batch statements built as one SQL text with escaped literals. At hundreds of rows drizzle's
 * query builder (one SQL chunk per value) and the driver's escaper cost the Bin's worker more CPU
 * than the database spends on the statements (measured with `npm run bench:bin`).
 */

/** Keeps one statement well under MariaDB's/TiDB's default max_allowed_packet (16 MiB / 64 MiB). */
const MAX_STATEMENT_CHARS = 4 * 1024 * 1024;

const columnName = (column: Column) => `${mysql.escapeId(getTableName(column.table))}.${mysql.escapeId(column.name)}`;

const SPECIAL = /[\0\x1a\n\r'\\]/;
const SPECIALS = /[\0\x1a\n\r'\\]/g;
const ESCAPED: Record<string, string> = {
  '\0': '\\0',
  '\x1a': '\\Z',
  '\n': '\\n',
  '\r': '\\r',
  "'": "\\'",
  '\\': '\\\\',
};

/**
 * A string literal. Inside '…' only the quote, the backslash (and NUL / Ctrl-Z, for old clients)
 * need escaping; the driver's escaper also escapes every `"`, which in JSON text (validation
 * results, module configurations) costs more than everything else the worker does per change.
 * Newline and carriage return are escaped too, so a literal is always one line (the file
 * watcher's spool keeps one SQL tuple per line).
 */
function quote(text: string): string {
  return `'${SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPED[c]!) : text}'`;
}

/** Escapes a driver value; objects are refused (the driver's escaper would turn them into `key = value` lists). */
export function literal(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`bulk statements cannot hold the number ${value}.`);
      return String(value);
  }
  if (value === null) return 'NULL';
  if (value instanceof Date) return mysql.escape(value);
  throw new TypeError('bulk statements take scalar values; serialize JSON first.');
}

const escape = (column: Column, value: unknown): string =>
  value === undefined ? 'DEFAULT' : value === null ? 'NULL' : literal(column.mapToDriverValue(value));

/**
 * Multi-row INSERTs of `rows` (as few statements as the size limit allows). A key missing from a
 * row takes the column's DEFAULT, as with drizzle's `.values([...])`. `ignore`: INSERT IGNORE (rows
 * whose key exists are skipped). Resolves to the number of rows inserted.
 */
export async function insertRows<T extends MySqlTable>(
  executor: Executor,
  table: T,
  rows: ReadonlyArray<T['$inferInsert']>,
  options: { ignore?: boolean } = {},
): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = getTableColumns(table) as Record<string, Column>;
  const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const unknown = keys.find((key) => !columns[key]);
  if (unknown) throw new Error(`insertRows: ${getTableName(table)} has no column "${unknown}".`);
  const head = `INSERT${options.ignore ? ' IGNORE' : ''} INTO ${mysql.escapeId(getTableName(table))} (${keys.map((k) => mysql.escapeId(columns[k]!.name)).join(', ')}) VALUES `;
  let inserted = 0;
  const run = async (values: string[]) => {
    const [result] = (await executor.execute(sql.raw(head + values.join(', ')))) as unknown as [
      { affectedRows: number },
    ];
    inserted += result.affectedRows;
  };
  let values: string[] = [];
  let size = head.length;
  for (const row of rows) {
    const record = row as Record<string, unknown>;
    const tuple = `(${keys.map((k) => escape(columns[k]!, record[k])).join(', ')})`;
    if (values.length > 0 && size + tuple.length > MAX_STATEMENT_CHARS) {
      await run(values);
      values = [];
      size = head.length;
    }
    values.push(tuple);
    size += tuple.length + 2;
  }
  await run(values);
  return inserted;
}

/**
 * `CASE id WHEN … THEN … END` over the rows, for one UPDATE of many rows with different values.
 * `expression` puts each escaped value into an SQL expression (default: the value itself).
 */
export function caseById<T extends { id: string }>(
  column: Column,
  rows: T[],
  value: (row: T) => unknown,
  expression: (escaped: string, row: T) => string = (escaped) => escaped,
): SQL {
  const whens = rows.map((r) => `WHEN ${literal(r.id)} THEN ${expression(literal(value(r) ?? null), r)}`);
  return sql.raw(`CASE ${columnName(column)} ${whens.join(' ')} END`);
}

/** `column IN (…)` for many ids as one SQL chunk. */
export function inIds(column: Column, ids: readonly string[]): SQL {
  if (ids.length === 0) return sql.raw('FALSE');
  return sql.raw(`${columnName(column)} IN (${ids.map(literal).join(', ')})`);
}
