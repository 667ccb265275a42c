import type { Database } from './connection.js';

/** Analytics tables that get a TiFlash (columnar) replica on TiDB. */
export const TIFLASH_TABLES = ['token_usage', 'audit_logs', 'metadata_violations'] as const;

/**
 * TiDB-only steps, run after the portable migrations when `VERSION()` says TiDB. Each is idempotent.
 * - AUTO_RANDOM on audit_logs.id: random ids spread inserts across TiKV regions (no hotspot).
 * - TiFlash replicas: a cluster without a TiFlash node refuses them; that is logged, not fatal,
 *   and analytics then run on TiKV.
 */
export async function applyTidbExtras(database: Database, log: (m: string) => void): Promise<void> {
  const [rows] = await database.pool.query('SHOW CREATE TABLE `audit_logs`');
  const ddl = String((rows as Array<Record<string, string>>)[0]?.['Create Table'] ?? '');
  if (!/AUTO_RANDOM/i.test(ddl)) {
    await database.pool.query('ALTER TABLE `audit_logs` MODIFY COLUMN `id` BIGINT NOT NULL AUTO_RANDOM(5)');
    log('TiDB: audit_logs.id switched to AUTO_RANDOM.');
  }
  for (const table of TIFLASH_TABLES) {
    try {
      await database.pool.query(`ALTER TABLE \`${table}\` SET TIFLASH REPLICA 1`);
      log(`TiDB: TiFlash replica requested for ${table}.`);
    } catch (error) {
      log(`TiDB: no TiFlash replica for ${table} (${(error as Error).message}); analytics will read TiKV.`);
    }
  }
}

/** The optimizer hint that sends an analytics query to TiFlash; empty on other engines. */
export function tiflashHint(database: Pick<Database, 'server'>, ...tables: string[]): string {
  if (database.server.dialect !== 'tidb' || tables.length === 0) return '';
  return `/*+ READ_FROM_STORAGE(TIFLASH[${tables.join(', ')}]) */`;
}
