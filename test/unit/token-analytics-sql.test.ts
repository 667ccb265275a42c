import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MySqlDialect } from 'drizzle-orm/mysql-core';
import type { SQL } from 'drizzle-orm';
import type { Database, Dialect } from '../../src/db/connection.js';
import {
  statusSummary,
  usageByBranch,
  usageByModel,
  usageByPeriod,
  usageTrend,
} from '../../src/core/tokens/analytics.js';

/** A database that records the SQL it is asked to run and returns no rows. */
function recorder(dialect: Dialect) {
  const statements: string[] = [];
  const mysql = new MySqlDialect();
  const database = {
    server: { dialect, version: '8.5.1', raw: '' },
    db: {
      execute: async (query: SQL) => {
        statements.push(mysql.sqlToQuery(query).sql);
        return [[], []];
      },
    },
  } as unknown as Pick<Database, 'db' | 'server'>;
  return { database, statements };
}

describe('token analytics SQL', () => {
  const run = async (dialect: Dialect) => {
    const { database, statements } = recorder(dialect);
    await usageTrend(database, { projectId: 'p' });
    await usageByPeriod(database, 'week', { projectId: 'p' });
    await usageByModel(database, { projectId: 'p' });
    await usageByBranch(database, { projectId: 'p' });
    await statusSummary(database, { projectId: 'p' });
    return statements;
  };

  it('sends every analytics query to TiFlash on TiDB', async () => {
    const statements = await run('tidb');
    assert.equal(statements.length, 5);
    for (const statement of statements)
      assert.match(statement, /^SELECT \/\*\+ READ_FROM_STORAGE\(TIFLASH\[token_usage\]\) \*\//);
  });

  it('carries no hint on MySQL and MariaDB', async () => {
    for (const dialect of ['mysql', 'mariadb'] as const) {
      for (const statement of await run(dialect)) assert.doesNotMatch(statement, /READ_FROM_STORAGE/);
    }
  });
});
