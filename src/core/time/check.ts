/**
 * One clock check: the database (`SELECT NOW(6)`), webviews, SNTP servers and the host's own
 * synchronisation, measured against the host clock in parallel, recorded as one
 * `clock_sync_status` row per component. An unreachable component is an `error` row, never a crash.
 */
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import type { Pool } from 'mysql2/promise';
import type { Db } from '../../db/connection.js';
import { clockSyncStatus } from '../../db/schema/index.js';
import {
  classifyOffset,
  DRIFT_THRESHOLD_MICROS,
  hostClock,
  sampleOffset,
  type Clock,
  type ClockStatus,
  type OffsetEstimate,
  type ReadRemoteClock,
} from './clock.js';
import { readHostSync, type HostSync } from './host-sync.js';
import { formatDatabaseInstant, formatIsoZulu, parseUtcMicros } from './instant.js';
import { querySntp } from './sntp.js';

export type ClockProtocol = (typeof clockSyncStatus.protocol.enumValues)[number];

export interface ClockReading {
  componentName: string;
  protocol: ClockProtocol;
  stratum: number | null;
  /** Component minus host; 0 on `error` rows (the column is NOT NULL). */
  offsetMicroseconds: number;
  /** The round trip of the sample used, where one was measured. */
  roundTripMicroseconds: number | null;
  status: ClockStatus;
  errorMessage: string | null;
  /** When the component was measured, ISO-8601 Zulu with microseconds. */
  checkedAt: string;
}

/** A webview (or any other peer) whose clock is exchanged over a message transport. */
export interface BrowserPeer {
  name: string;
  /** Asks the peer for its clock, in microseconds since the epoch. */
  read: ReadRemoteClock;
}

export interface ClockCheckOptions {
  /** The database to compare with (`Server`); omitted, no Server row. */
  pool?: Pool;
  /** Shown as the Server component, e.g. `database 127.0.0.1:4000`. */
  serverName?: string;
  ntpServers?: readonly string[];
  browsers?: readonly BrowserPeer[];
  /** Read `chronyc tracking` / `timedatectl show`; a function replaces the reader (tests). */
  hostSync?: boolean | (() => Promise<HostSync>);
  /** Samples per component (lowest round trip wins). Default 5. */
  samples?: number;
  /** Per sample. Default 1500 ms. */
  timeoutMs?: number;
  clock?: Clock;
  thresholdMicros?: number;
}

export interface ClockCheckReport {
  readings: ClockReading[];
  hostSync: HostSync;
}

const COMPONENT_NAME_LENGTH = 100;
/** A peer reporting a clock further off than this is broken (or hostile), not drifting. */
const PLAUSIBLE_OFFSET_MICROS = 10 * 365 * 24 * 3600 * 1_000_000;

const componentName = (name: string) => name.slice(0, COMPONENT_NAME_LENGTH);
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** `SELECT NOW(6)` on one pooled connection (so connecting is not timed); the session runs in UTC. */
export async function measureServerOffset(
  pool: Pool,
  clock: Clock,
  samples = 5,
  timeoutMs = 1500,
): Promise<OffsetEstimate> {
  const connection = await pool.getConnection();
  try {
    return await sampleOffset(
      async () => {
        const [rows] = await connection.query({ sql: 'SELECT NOW(6) AS now', timeout: timeoutMs });
        const now = (rows as Array<{ now: unknown }>)[0]?.now;
        if (typeof now !== 'string') throw new Error('SELECT NOW(6) did not return a timestamp string.');
        return parseUtcMicros(now, 'NOW(6)');
      },
      clock,
      samples,
    );
  } finally {
    connection.release();
  }
}

/** A webview's clock, exchanged like the database's; replies that are not plausible clocks are rejected. */
export async function measureBrowserOffset(
  read: ReadRemoteClock,
  clock: Clock,
  samples = 5,
  timeoutMs = 1500,
): Promise<OffsetEstimate> {
  return sampleOffset(
    async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no clock reply within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const value = await Promise.race([read(), timeout]);
        if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error('the clock reply is not a number');
        if (Math.abs(value - clock.nowMicros()) > PLAUSIBLE_OFFSET_MICROS) {
          throw new Error('the clock reply is more than ten years off');
        }
        return Math.round(value);
      } finally {
        clearTimeout(timer);
      }
    },
    clock,
    samples,
  );
}

function reading(
  name: string,
  protocol: ClockProtocol,
  checkedAtMicros: number,
  thresholdMicros: number,
  outcome: { estimate: OffsetEstimate; stratum?: number } | { error: unknown },
): ClockReading {
  const base = { componentName: componentName(name), protocol, checkedAt: formatIsoZulu(checkedAtMicros) };
  if ('error' in outcome) {
    return {
      ...base,
      stratum: null,
      offsetMicroseconds: 0,
      roundTripMicroseconds: null,
      status: 'error',
      errorMessage: message(outcome.error),
    };
  }
  return {
    ...base,
    stratum: outcome.stratum ?? null,
    offsetMicroseconds: outcome.estimate.offsetMicros,
    roundTripMicroseconds: outcome.estimate.roundTripMicros,
    status: classifyOffset(outcome.estimate.offsetMicros, thresholdMicros),
    errorMessage: null,
  };
}

/** Measures every configured component in parallel; never throws for an unreachable component. */
export async function measureClocks(options: ClockCheckOptions): Promise<ClockCheckReport> {
  const clock = options.clock ?? hostClock();
  const samples = options.samples ?? 5;
  const timeoutMs = options.timeoutMs ?? 1500;
  const threshold = options.thresholdMicros ?? DRIFT_THRESHOLD_MICROS;
  const settle = async (
    name: string,
    protocol: ClockProtocol,
    measure: () => Promise<{ estimate: OffsetEstimate; stratum?: number }>,
  ): Promise<ClockReading> => {
    const startedAt = clock.nowMicros();
    try {
      return reading(name, protocol, startedAt, threshold, await measure());
    } catch (error) {
      return reading(name, protocol, startedAt, threshold, { error });
    }
  };

  const jobs: Array<Promise<ClockReading>> = [];
  const { pool } = options;
  if (pool) {
    jobs.push(
      settle(options.serverName ?? 'database', 'Server', async () => ({
        estimate: await measureServerOffset(pool, clock, samples, timeoutMs),
      })),
    );
  }
  for (const browser of options.browsers ?? []) {
    jobs.push(
      settle(`webview ${browser.name}`, 'Browser', async () => ({
        estimate: await measureBrowserOffset(browser.read, clock, samples, timeoutMs),
      })),
    );
  }
  for (const server of options.ntpServers ?? []) {
    jobs.push(
      settle(`ntp ${server}`, 'NTP', async () => {
        const result = await querySntp(server, { clock, samples: Math.min(samples, 4), timeoutMs });
        return {
          estimate: {
            offsetMicros: result.offsetMicros,
            roundTripMicros: result.roundTripMicros,
            uncertaintyMicros: Math.ceil(result.roundTripMicros / 2),
            samples: result.samples,
          },
          stratum: result.stratum,
        };
      }),
    );
  }
  const readHost =
    options.hostSync === false
      ? async (): Promise<HostSync> => ({ tool: 'none' })
      : typeof options.hostSync === 'function'
        ? options.hostSync
        : readHostSync;
  const [readings, hostSync] = await Promise.all([
    Promise.all(jobs),
    readHost().catch(() => ({ tool: 'none' }) as const),
  ]);
  if (hostSync.tool === 'chrony') {
    const { tracking } = hostSync;
    const checkedAt = clock.nowMicros();
    const unsynchronised = /not synchronised/i.test(tracking.leapStatus);
    readings.push(
      unsynchronised
        ? reading('host (chrony)', 'NTP', checkedAt, threshold, {
            error: new Error(`chrony: leap status "${tracking.leapStatus}" — the host clock is not synchronised`),
          })
        : reading('host (chrony)', 'NTP', checkedAt, threshold, {
            estimate: {
              offsetMicros: tracking.offsetMicros,
              roundTripMicros: tracking.rootDelayMicros ?? 0,
              uncertaintyMicros: tracking.rootDispersionMicros ?? 0,
              samples: 1,
            },
            stratum: tracking.stratum,
          }),
    );
  }
  return { readings, hostSync };
}

/** Writes the readings as `clock_sync_status` rows in one statement. */
export async function recordClockReadings(db: Db, readings: readonly ClockReading[]): Promise<void> {
  if (readings.length === 0) return;
  await db.insert(clockSyncStatus).values(
    readings.map((r) => ({
      id: crypto.randomUUID(),
      componentName: r.componentName,
      protocol: r.protocol,
      stratum: r.stratum,
      offsetMicroseconds: r.offsetMicroseconds,
      lastSyncAt: formatDatabaseInstant(parseUtcMicros(r.checkedAt)),
      status: r.status,
      errorMessage: r.errorMessage,
    })),
  );
}

/** Measures and records one check. */
export async function checkClocks(db: Db, options: ClockCheckOptions): Promise<ClockCheckReport> {
  const report = await measureClocks(options);
  await recordClockReadings(db, report.readings);
  return report;
}

export interface ClockHistoryRow {
  componentName: string;
  protocol: ClockProtocol;
  stratum: number | null;
  offsetMicroseconds: number;
  status: ClockStatus;
  errorMessage: string | null;
  /** ISO-8601 Zulu with microseconds. */
  lastSyncAt: string;
}

const toHistoryRow = (row: typeof clockSyncStatus.$inferSelect): ClockHistoryRow => ({
  componentName: row.componentName,
  protocol: row.protocol,
  stratum: row.stratum,
  offsetMicroseconds: Number(row.offsetMicroseconds),
  status: row.status,
  errorMessage: row.errorMessage,
  lastSyncAt: formatIsoZulu(parseUtcMicros(row.lastSyncAt)),
});

/** The rows since an instant (oldest first), for the history chart; optionally one component. */
export async function clockHistory(
  db: Db,
  options: { sinceMicros: number; componentName?: string; limit?: number },
): Promise<ClockHistoryRow[]> {
  const since = gte(clockSyncStatus.lastSyncAt, formatDatabaseInstant(options.sinceMicros));
  const rows = await db
    .select()
    .from(clockSyncStatus)
    .where(options.componentName ? and(since, eq(clockSyncStatus.componentName, options.componentName)) : since)
    .orderBy(desc(clockSyncStatus.lastSyncAt))
    .limit(options.limit ?? 5000);
  return rows.reverse().map(toHistoryRow);
}

/** The latest row of each component measured since an instant (what the status bar shows). */
export async function latestClockReadings(db: Db, sinceMicros: number): Promise<ClockHistoryRow[]> {
  const since = formatDatabaseInstant(sinceMicros);
  const latest = db
    .select({
      componentName: clockSyncStatus.componentName,
      lastSyncAt: sql<string>`MAX(${clockSyncStatus.lastSyncAt})`.as('latest_sync_at'),
    })
    .from(clockSyncStatus)
    .where(gte(clockSyncStatus.lastSyncAt, since))
    .groupBy(clockSyncStatus.componentName)
    .as('latest');
  const rows = await db
    .select({ row: clockSyncStatus })
    .from(clockSyncStatus)
    .innerJoin(
      latest,
      and(eq(clockSyncStatus.componentName, latest.componentName), eq(clockSyncStatus.lastSyncAt, latest.lastSyncAt)),
    )
    .orderBy(clockSyncStatus.componentName);
  // Two rows of one component with the same microsecond are one check; keep the first.
  const seen = new Set<string>();
  return rows.map((r) => toHistoryRow(r.row)).filter((r) => !seen.has(r.componentName) && seen.add(r.componentName));
}
