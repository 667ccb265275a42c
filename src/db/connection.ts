import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2';
import mysql, { type Pool, type PoolOptions } from 'mysql2/promise';
import * as schema from './schema/index.js';

export type Db = MySql2Database<typeof schema>;
export type Dialect = 'tidb' | 'mysql' | 'mariadb';

export interface ServerInfo {
  dialect: Dialect;
  /** The engine's own version: TiDB's release (8.5.1), not the MySQL version it emulates. */
  version: string;
  /** What `SELECT VERSION()` returned. */
  raw: string;
}

export interface DatabaseConfig {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  ssl: boolean;
}

export interface Database {
  db: Db;
  pool: Pool;
  server: ServerInfo;
  config: DatabaseConfig;
  close(): Promise<void>;
}

export type DatabaseErrorKind =
  'invalid-url' | 'refused' | 'host-not-found' | 'timeout' | 'auth' | 'unknown-database' | 'tls' | 'other';

/** A connection failure whose message names host, port and database and the cause — never the password. */
export class DatabaseError extends Error {
  constructor(
    readonly kind: DatabaseErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DatabaseError';
  }
}

/** MySQL 8's default sql_mode: MariaDB's default lacks ONLY_FULL_GROUP_BY, and queries must run on both. */
export const SQL_MODE =
  'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

const DATABASE_NAME = /^[A-Za-z0-9_$-]{1,64}$/;

export function detectDialect(raw: string): ServerInfo {
  const tidb = /TiDB-v?([0-9][^\s-]*(?:-[a-z]+[.0-9]*)?)/i.exec(raw);
  if (tidb) return { dialect: 'tidb', version: tidb[1] ?? raw, raw };
  // MariaDB behind some proxies reports "5.5.5-10.11.6-MariaDB".
  const mariadb = /^(?:5\.5\.5-)?(\d+\.\d+\.\d+)[^\s]*-MariaDB/i.exec(raw);
  if (mariadb) return { dialect: 'mariadb', version: mariadb[1] ?? raw, raw };
  const mysqlVersion = /^(\d+\.\d+\.\d+)/.exec(raw);
  return { dialect: 'mysql', version: mysqlVersion?.[1] ?? raw, raw };
}

/**
 * Parses `mysql://user[:password]@host[:port]/database[?ssl=true]`. A password given separately
 * (from SecretStorage or the CLI's environment) wins over one embedded in the URL.
 */
export function parseDatabaseUrl(url: string, password?: string): DatabaseConfig {
  const expected = 'expected mysql://user@host:port/database';
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new DatabaseError('invalid-url', `Invalid database URL: ${expected}.`);
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'tidb:') {
    throw new DatabaseError(
      'invalid-url',
      `Invalid database URL: scheme "${parsed.protocol.replace(/:$/, '')}" is not supported; ${expected}.`,
    );
  }
  if (!parsed.hostname) throw new DatabaseError('invalid-url', `Invalid database URL: no host; ${expected}.`);
  const port = parsed.port === '' ? 4000 : Number(parsed.port);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!DATABASE_NAME.test(database)) {
    throw new DatabaseError(
      'invalid-url',
      `Invalid database URL: the database name must be 1–64 letters, digits, "_", "$" or "-"; ${expected}.`,
    );
  }
  const sslParam = parsed.searchParams.get('ssl') ?? parsed.searchParams.get('tls');
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    user: decodeURIComponent(parsed.username) || 'root',
    password: password ?? (parsed.password ? decodeURIComponent(parsed.password) : undefined),
    database,
    ssl: sslParam === 'true' || sslParam === '1',
  };
}

/** `user@host:port/database` — safe to show and log. */
export function describeTarget(config: Pick<DatabaseConfig, 'user' | 'host' | 'port' | 'database'>): string {
  return `${config.user}@${config.host}:${config.port}/${config.database}`;
}

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
}

/** Turns a driver error into a DatabaseError that explains the cause without echoing secrets. */
export function classifyConnectionError(error: unknown, config: DatabaseConfig): DatabaseError {
  const e = (error ?? {}) as DriverError;
  const where = `${config.host}:${config.port} (database "${config.database}")`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return new DatabaseError(
        'refused',
        `Cannot connect to ${where}: connection refused. Is the database server running?`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new DatabaseError('host-not-found', `Cannot connect to ${where}: host "${config.host}" not found.`);
    case 'ETIMEDOUT':
    case 'PROTOCOL_SEQUENCE_TIMEOUT':
      return new DatabaseError('timeout', `Cannot connect to ${where}: the connection timed out.`);
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return new DatabaseError(
        'auth',
        `Cannot connect to ${where}: access denied for user "${config.user}". Check the user name and password.`,
      );
    case 'ER_BAD_DB_ERROR':
      return new DatabaseError(
        'unknown-database',
        `Cannot connect to ${where}: database "${config.database}" does not exist.`,
      );
    case 'HANDSHAKE_SSL_ERROR':
    case 'HANDSHAKE_NO_SSL_SUPPORT':
      return new DatabaseError('tls', `Cannot connect to ${where}: TLS handshake failed.`);
    default: {
      const detail = scrub(e.message ?? String(error), config.password);
      return new DatabaseError('other', `Cannot connect to ${where}: ${detail}`);
    }
  }
}

function scrub(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('•••') : text;
}

const TRANSIENT: ReadonlySet<DatabaseErrorKind> = new Set(['refused', 'timeout', 'host-not-found', 'other']);

export interface ConnectOptions {
  /** Attempts after the first one for transient failures (refused, timeout). Default 2. */
  retries?: number;
  /** First back-off delay; doubled each retry. Default 250 ms. */
  retryDelayMs?: number;
  /** Create the database when it does not exist (the Connect command and `cockpit migrate`). */
  createDatabase?: boolean;
  connectionLimit?: number;
  log?: (message: string) => void;
}

/** Sessions and the driver's date conversion both run in UTC. */
const TIMEZONE = 'Z';

/** The driver's own formatter; it takes the connection's options at run time, which its typings omit. */
const driverFormat = mysql.format as (
  sql: string,
  values: unknown,
  stringifyObjects: boolean,
  timezone: string,
) => string;

/**
 * The driver's formatting, skipped for a statement without values: the driver would still scan
 * all of it for a placeholder, which costs the Bin's worker more than building its multi-megabyte
 * batch statements (src/core/bulk.ts).
 */
function formatQuery(query: string, values: unknown): string {
  if (values === undefined || values === null || (Array.isArray(values) && values.length === 0)) return query;
  return driverFormat(query, values, false, TIMEZONE);
}

function poolOptions(config: DatabaseConfig, withDatabase: boolean, connectionLimit: number): PoolOptions {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password ?? '',
    database: withDatabase ? config.database : undefined,
    ssl: config.ssl ? { minVersion: 'TLSv1.2', rejectUnauthorized: true } : undefined,
    charset: 'utf8mb4',
    timezone: TIMEZONE,
    // Microseconds survive only as strings; BIGINT and DECIMAL stay exact as strings too.
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    connectTimeout: 10_000,
    connectionLimit,
    enableKeepAlive: true,
    multipleStatements: false,
    queryFormat: formatQuery,
  };
}

function createPool(config: DatabaseConfig, withDatabase: boolean, connectionLimit: number): Pool {
  const pool = mysql.createPool(poolOptions(config, withDatabase, connectionLimit));
  // Every session runs in UTC (drizzle and DATE() buckets assume it) with MySQL 8's sql_mode.
  // Commands queue per connection, so this runs before the first query handed to the caller.
  pool.pool.on('connection', (connection) => {
    connection.query(`SET time_zone = '+00:00', sql_mode = '${SQL_MODE}'`);
  });
  return pool;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function probe(pool: Pool): Promise<string> {
  const [rows] = await pool.query('SELECT VERSION() AS version');
  return String((rows as Array<{ version: string }>)[0]?.version ?? '');
}

async function createDatabaseIfMissing(config: DatabaseConfig): Promise<void> {
  const pool = createPool(config, false, 1);
  try {
    await pool.query(`CREATE DATABASE IF NOT EXISTS \`${config.database}\` CHARACTER SET utf8mb4`);
  } catch (error) {
    throw classifyConnectionError(error, config);
  } finally {
    await pool.end();
  }
}

/**
 * Opens a pool, checks it with `SELECT VERSION()` (retrying transient failures with exponential
 * back-off) and detects the dialect.
 */
export async function connect(config: DatabaseConfig, options: ConnectOptions = {}): Promise<Database> {
  const retries = options.retries ?? 2;
  const baseDelay = options.retryDelayMs ?? 250;
  let createdDatabase = false;
  for (let attempt = 0; ; attempt++) {
    const pool = createPool(config, true, options.connectionLimit ?? 5);
    try {
      const server = detectDialect(await probe(pool));
      const db = drizzle({ client: pool, schema, mode: 'planetscale' });
      return { db, pool, server, config, close: () => pool.end() };
    } catch (error) {
      await pool.end().catch(() => undefined);
      const failure = classifyConnectionError(error, config);
      if (failure.kind === 'unknown-database' && options.createDatabase && !createdDatabase) {
        await createDatabaseIfMissing(config);
        createdDatabase = true;
        options.log?.(`Created database "${config.database}".`);
        continue;
      }
      if (!TRANSIENT.has(failure.kind) || attempt >= retries) throw failure;
      const delay = baseDelay * 2 ** attempt;
      options.log?.(`${failure.message} Retrying in ${delay} ms.`);
      await sleep(delay);
    }
  }
}

/** `COCKPIT_DATABASE_URL` (tests and the CLI); `COCKPIT_DATABASE_PASSWORD` keeps the password out of the URL. */
export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const url = env.COCKPIT_DATABASE_URL;
  if (!url) {
    throw new DatabaseError(
      'invalid-url',
      'COCKPIT_DATABASE_URL is not set (e.g. mysql://root@127.0.0.1:4000/devguide_cockpit).',
    );
  }
  return parseDatabaseUrl(url, env.COCKPIT_DATABASE_PASSWORD);
}
