import type { Database } from './connection.js';

/** Tables partitioned by month on `timestamp` (RANGE COLUMNS, with a MAXVALUE partition p_future). */
export const MONTHLY_PARTITIONED_TABLES = ['audit_logs', 'token_usage'] as const;

interface PartitionRow {
  name: string;
  description: string | null;
}

/** `p202611` holds rows before 2026-12-01. */
export function partitionName(monthStart: Date): string {
  return `p${monthStart.getUTCFullYear()}${String(monthStart.getUTCMonth() + 1).padStart(2, '0')}`;
}

const firstOfMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 1));
const sqlDate = (d: Date) => `${d.toISOString().slice(0, 10)} 00:00:00`;

/** The upper bounds (exclusive) of a RANGE COLUMNS partition list, parsed from information_schema. */
function parseBound(description: string | null): Date | null {
  const match = /(\d{4})-(\d{2})-(\d{2})/.exec(description ?? '');
  return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
}

/**
 * Adds monthly partitions so that every month up to `monthsAhead` after `now` has its own, by
 * splitting p_future. Idempotent; tables that do not exist or are not partitioned are skipped.
 * Returns the partitions added.
 */
export async function ensureMonthlyPartitions(
  database: Database,
  options: { now?: Date; monthsAhead?: number; log?: (m: string) => void } = {},
): Promise<string[]> {
  const now = options.now ?? new Date();
  const monthsAhead = options.monthsAhead ?? 2;
  const horizon = firstOfMonth(now.getUTCFullYear(), now.getUTCMonth() + monthsAhead + 1);
  const added: string[] = [];
  for (const table of MONTHLY_PARTITIONED_TABLES) {
    const [rows] = await database.pool.query(
      `SELECT PARTITION_NAME AS name, PARTITION_DESCRIPTION AS description
         FROM information_schema.PARTITIONS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND PARTITION_NAME IS NOT NULL
        ORDER BY PARTITION_ORDINAL_POSITION`,
      [table],
    );
    const partitions = rows as PartitionRow[];
    if (!partitions.some((p) => p.name === 'p_future')) continue;
    const bounds = partitions.map((p) => parseBound(p.description)).filter((d): d is Date => d !== null);
    const last = bounds.reduce(
      (a, b) => (a > b ? a : b),
      bounds[0] ?? firstOfMonth(now.getUTCFullYear(), now.getUTCMonth()),
    );
    const definitions: string[] = [];
    for (let bound = last; bound < horizon;) {
      const next = firstOfMonth(bound.getUTCFullYear(), bound.getUTCMonth() + 1);
      const name = partitionName(bound);
      definitions.push(`PARTITION \`${name}\` VALUES LESS THAN ('${sqlDate(next)}')`);
      added.push(`${table}.${name}`);
      bound = next;
    }
    if (definitions.length === 0) continue;
    await database.pool.query(
      `ALTER TABLE \`${table}\` REORGANIZE PARTITION \`p_future\` INTO (${definitions.join(', ')}, PARTITION \`p_future\` VALUES LESS THAN (MAXVALUE))`,
    );
    options.log?.(`Added ${definitions.length} partitions to ${table} (up to ${sqlDate(horizon).slice(0, 7)}).`);
  }
  return added;
}
