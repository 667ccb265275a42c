import { sql, type SQL } from 'drizzle-orm';
import type { Db, Dialect } from '../../db/connection.js';
import { CockpitError, invalid } from '../errors.js';

/**
 * User-defined `database` tools: one parameterised SELECT, checked here and then run inside
 * `START TRANSACTION READ ONLY` with a statement time limit — the check gives a clear message,
 * the read-only transaction is what the server enforces.
 */

const WRITE_WORDS =
  /\b(INSERT|UPDATE|DELETE|REPLACE|MERGE|UPSERT|CREATE|DROP|ALTER|RENAME|TRUNCATE|GRANT|REVOKE|LOCK|UNLOCK|CALL|HANDLER|LOAD|SET|DO|EXECUTE|PREPARE|DEALLOCATE|INTO|OUTFILE|DUMPFILE|SLEEP|BENCHMARK|GET_LOCK|RELEASE_LOCK|FLUSH|KILL|SHUTDOWN)\b|\bFOR\s+UPDATE\b|\bLOCK\s+IN\s+SHARE\s+MODE\b|\bFOR\s+SHARE\b/i;

interface Token {
  kind: 'text' | 'string' | 'identifier' | 'param';
  value: string;
}

/** Splits a query into text, quoted strings/identifiers and `:name` parameters; comments are refused. */
function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let text = '';
  const flush = () => {
    if (text) tokens.push({ kind: 'text', value: text });
    text = '';
  };
  for (let i = 0; i < query.length;) {
    const c = query[i]!;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < query.length) {
        if (query[j] === '\\' && c !== '`') j += 2;
        else if (query[j] === c && query[j + 1] === c) j += 2;
        else if (query[j] === c) break;
        else j++;
      }
      if (j >= query.length) throw invalid('The query has an unterminated quote.', 'config.query');
      flush();
      tokens.push({ kind: c === '`' ? 'identifier' : 'string', value: query.slice(i, j + 1) });
      i = j + 1;
    } else if (c === '#' || (c === '-' && query[i + 1] === '-') || (c === '/' && query[i + 1] === '*')) {
      throw invalid('Comments are not allowed in a database tool query.', 'config.query');
    } else if (c === ':' && /[A-Za-z_]/.test(query[i + 1] ?? '') && query[i - 1] !== ':') {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(query.slice(i + 1))![0];
      flush();
      tokens.push({ kind: 'param', value: name });
      i += name.length + 1;
    } else if (c === '?') {
      throw invalid('Use named parameters (:name) in a database tool query, not "?".', 'config.query');
    } else {
      text += c;
      i++;
    }
  }
  flush();
  return tokens;
}

/** Validates a database tool query: a single SELECT (or WITH … SELECT) that writes and locks nothing. */
export function checkReadOnlyQuery(query: string): { parameters: string[] } {
  const tokens = tokenize(query.trim().replace(/;\s*$/, ''));
  const text = tokens
    .filter((t) => t.kind === 'text')
    .map((t) => t.value)
    .join(' ');
  if (!/^\s*(SELECT|WITH)\b/i.test(tokens[0]?.kind === 'text' ? tokens[0].value : '')) {
    throw invalid('A database tool query must be a single SELECT (or WITH … SELECT).', 'config.query');
  }
  if (text.includes(';')) throw invalid('A database tool query must be a single statement.', 'config.query');
  const word = WRITE_WORDS.exec(text);
  if (word) {
    throw invalid(`A database tool query is read-only: "${word[0].toUpperCase()}" is not allowed.`, 'config.query');
  }
  return { parameters: [...new Set(tokens.filter((t) => t.kind === 'param').map((t) => t.value))] };
}

/** The query as drizzle SQL with its named parameters bound (never spliced). */
export function bindQuery(query: string, values: Record<string, unknown>): SQL {
  checkReadOnlyQuery(query);
  const tokens = tokenize(query.trim().replace(/;\s*$/, ''));
  return sql.join(
    tokens.map((t) => {
      if (t.kind !== 'param') return sql.raw(t.value);
      if (!(t.value in values)) throw invalid(`The query parameter :${t.value} has no value.`, `arguments.${t.value}`);
      const value = values[t.value];
      return sql`${typeof value === 'object' && value !== null ? JSON.stringify(value) : value}`;
    }),
  );
}

/**
 * Runs `query` in a READ ONLY transaction with a time limit: even a statement the check missed
 * cannot change data (the server refuses with ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION).
 */
export async function runReadOnly(
  db: Db,
  dialect: Dialect,
  statement: SQL,
  options: { timeoutMs?: number } = {},
): Promise<Array<Record<string, unknown>>> {
  const timeoutMs = Math.max(100, Math.floor(options.timeoutMs ?? 5000));
  const [limit, reset] =
    dialect === 'mariadb'
      ? [sql.raw(`SET SESSION max_statement_time = ${timeoutMs / 1000}`), sql.raw('SET SESSION max_statement_time = 0')]
      : [sql.raw(`SET SESSION max_execution_time = ${timeoutMs}`), sql.raw('SET SESSION max_execution_time = 0')];
  try {
    return await db.transaction(
      async (tx) => {
        await tx.execute(limit);
        try {
          const [rows] = (await tx.execute(statement)) as unknown as [Array<Record<string, unknown>>];
          return rows;
        } finally {
          await tx.execute(reset);
        }
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  } catch (error) {
    throw explainQueryError(error, timeoutMs);
  }
}

/** drizzle wraps the driver's error (with the SQL) in `cause`: report the server's reason only. */
function explainQueryError(error: unknown, timeoutMs: number): Error {
  const driver = ((error as { cause?: unknown }).cause ?? error) as { code?: string; errno?: number; message?: string };
  if (driver.errno === 1792 || driver.code === 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION') {
    return new CockpitError('forbidden', 'The query tried to change data: refused by the READ ONLY transaction.');
  }
  // MariaDB 1969 ER_STATEMENT_TIMEOUT, MySQL 3024 ER_QUERY_TIMEOUT, TiDB 3024 too.
  if (driver.errno === 1969 || driver.errno === 3024) {
    return new CockpitError('unavailable', `The query ran longer than ${timeoutMs} ms and was stopped.`);
  }
  return invalid(`The query failed: ${String(driver.message ?? error).slice(0, 300)}`, 'config.query');
}
