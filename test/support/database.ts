import { randomBytes } from 'node:crypto';
import { connect, parseDatabaseUrl, type Database, type DatabaseConfig } from '../../src/db/connection.js';
import { migrate, type ModelVersion } from '../../src/db/migrate.js';

/** The MariaDB every machine here runs; override with COCKPIT_TEST_DATABASE_URL (no database part). */
export const TEST_SERVER_URL = process.env.COCKPIT_TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/';

export function testConfig(database: string): DatabaseConfig {
  return parseDatabaseUrl(`${TEST_SERVER_URL.replace(/\/?$/, '/')}${database}`);
}

export interface TestDatabase extends Database {
  /** Drops the database and closes the pool. */
  drop(): Promise<void>;
}

/**
 * A fresh database on the real server, created for one test file. No retries: a missing server
 * fails the test at once (it never skips).
 */
export async function createTestDatabase(options: { migrateTo?: ModelVersion | 'none' } = {}): Promise<TestDatabase> {
  const name = `cockpit_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const database = await connect(testConfig(name), { createDatabase: true, retries: 0 });
  if (options.migrateTo !== 'none') await migrate(database, { to: options.migrateTo });
  return {
    ...database,
    async drop() {
      await database.pool.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await database.close();
    },
  };
}
