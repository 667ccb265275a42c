import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connect, DatabaseError, parseDatabaseUrl } from '../../src/db/connection.js';
import { createTestDatabase, testConfig } from '../support/database.js';

const fails = (kind: string, secret?: string) => (error: unknown) => {
  assert.ok(error instanceof DatabaseError, String(error));
  assert.equal(error.kind, kind, error.message);
  if (secret) assert.ok(!error.message.includes(secret), error.message);
  return true;
};

describe('connecting', () => {
  it('runs every session in UTC with MySQL 8’s sql_mode', async () => {
    const database = await createTestDatabase({ migrateTo: 'none' });
    try {
      assert.equal(database.server.dialect, 'mariadb');
      const [rows] = await database.pool.query('SELECT @@session.time_zone AS tz, @@session.sql_mode AS mode');
      const row = (rows as Array<{ tz: string; mode: string }>)[0]!;
      assert.equal(row.tz, '+00:00');
      assert.match(row.mode, /ONLY_FULL_GROUP_BY/);
    } finally {
      await database.drop();
    }
  });

  it('explains a wrong password without repeating it', async () => {
    const config = { ...testConfig('test'), password: 'Wr0ng-Pa55word' };
    await assert.rejects(connect(config, { retries: 0 }), fails('auth', 'Wr0ng-Pa55word'));
  });

  it('explains an unreachable host, after retrying with back-off', async () => {
    const config = parseDatabaseUrl('mysql://root:Secret123@127.0.0.1:1/cockpit');
    const logged: string[] = [];
    await assert.rejects(
      connect(config, { retries: 1, retryDelayMs: 10, log: (m) => logged.push(m) }),
      fails('refused', 'Secret123'),
    );
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /127\.0\.0\.1:1 \(database "cockpit"\): connection refused.*Retrying in 10 ms/);
  });

  it('explains a missing database, or creates it when asked', async () => {
    const name = `cockpit_test_missing_${process.pid}`;
    await assert.rejects(connect(testConfig(name), { retries: 0 }), fails('unknown-database'));
    const created = await connect(testConfig(name), { retries: 0, createDatabase: true });
    await created.pool.query(`DROP DATABASE \`${name}\``);
    await created.close();
  });

  it('explains a malformed URL', () => {
    assert.throws(() => parseDatabaseUrl('mysql//nope'), fails('invalid-url'));
  });
});
