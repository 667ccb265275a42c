import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { connect } from '../../src/db/connection.js';
import { currentVersion, migrate, rollback } from '../../src/db/migrate.js';
import { verifySchema } from '../../src/db/verify.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

async function tableNames(database: TestDatabase): Promise<string[]> {
  const [rows] = await database.pool.query(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE '\\_\\_%' ORDER BY 1",
  );
  return (rows as Array<{ name: string }>).map((r) => r.name);
}

const V1_0_0_TABLES = [
  'audit_logs',
  'cached_responses',
  'capabilities',
  'context_windows',
  'dashboards',
  'guardrails',
  'modules',
  'profiles',
  'projects',
  'propagation_log',
  'sync_buffer',
  'templates',
  'version_history',
];

describe('migrations', () => {
  const databases: TestDatabase[] = [];
  const fresh = async () => {
    const database = await createTestDatabase({ migrateTo: 'none' });
    databases.push(database);
    return database;
  };
  after(async () => Promise.all(databases.map((d) => d.drop())));

  it('migrate an empty database to the newest model, verify it, and re-run as a no-op', async () => {
    const database = await fresh();
    const first = await migrate(database);
    assert.equal(first.version, '1.2.0');
    assert.equal(first.applied.length, 6);
    assert.equal((await tableNames(database)).length, 24);
    const report = await verifySchema(database);
    assert.deepEqual(report.problems, []);
    assert.ok(report.ok);

    const again = await migrate(database);
    assert.deepEqual(again.applied, []);
    assert.equal(again.version, '1.2.0');
    assert.ok((await verifySchema(database)).ok);
  });

  it('migrate to 1.0.0 only, then upgrade the existing database to the newest model in place', async () => {
    const database = await fresh();
    const old = await migrate(database, { to: '1.0.0' });
    assert.equal(old.version, '1.0.0');
    assert.deepEqual(await tableNames(database), V1_0_0_TABLES);
    await database.pool.query(
      "INSERT INTO projects (id, name, owner_user_id) VALUES ('p-keep', 'kept across the upgrade', 'dev@example.com')",
    );

    const upgraded = await migrate(database);
    assert.equal(upgraded.version, '1.2.0');
    assert.deepEqual(upgraded.applied, [
      '0002_v1.1.0_governance_cortex_extensions',
      '0003_v1.1.0_token_usage_partitions',
      '0004_v1.1.0_filesystem_path_index',
      '0005_v1.2.0_bin',
    ]);
    assert.ok((await verifySchema(database)).ok);
    const [rows] = await database.pool.query("SELECT name FROM projects WHERE id = 'p-keep'");
    assert.deepEqual(rows, [{ name: 'kept across the upgrade' }]);
  });

  it('roll back 1.2.0 and 1.1.0 to the 13 core tables, then apply them again', async () => {
    const database = await fresh();
    await migrate(database);
    await rollback(database, '1.2.0');
    assert.equal(await currentVersion(database), '1.1.0');
    assert.ok((await verifySchema(database)).problems.length > 0, '1.2.0 columns are gone');
    await rollback(database, '1.1.0');
    assert.equal(await currentVersion(database), '1.0.0');
    assert.deepEqual(await tableNames(database), V1_0_0_TABLES);

    const reapplied = await migrate(database);
    assert.equal(reapplied.version, '1.2.0');
    assert.equal(reapplied.applied.length, 4);
    assert.ok((await verifySchema(database)).ok);
  });

  it('refuses to roll back a version that is not the newest applied', async () => {
    const database = await fresh();
    await migrate(database, { to: '1.0.0' });
    await assert.rejects(rollback(database, '1.1.0'), /not the newest one applied/);
  });

  it('lets two processes migrate the same empty database at once', async () => {
    const database = await fresh();
    const second = await connect(database.config);
    try {
      const [a, b] = await Promise.all([migrate(database), migrate(second)]);
      assert.equal(a.applied.length + b.applied.length, 6);
      assert.ok((await verifySchema(database)).ok);
    } finally {
      await second.close();
    }
  });

  it('adds monthly partitions idempotently as time goes by', async () => {
    const database = await fresh();
    await migrate(database, { now: new Date('2026-03-10T00:00:00Z') });
    const partitions = async () => {
      const [rows] = await database.pool.query(
        "SELECT PARTITION_NAME AS name FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'token_usage' ORDER BY PARTITION_ORDINAL_POSITION",
      );
      return (rows as Array<{ name: string }>).map((r) => r.name);
    };
    assert.deepEqual(await partitions(), ['p202601', 'p202602', 'p202603', 'p202604', 'p202605', 'p_future']);
    await migrate(database, { now: new Date('2026-03-20T00:00:00Z') });
    assert.deepEqual(await partitions(), ['p202601', 'p202602', 'p202603', 'p202604', 'p202605', 'p_future']);
    await migrate(database, { now: new Date('2026-07-01T00:00:00Z') });
    assert.deepEqual((await partitions()).slice(-4), ['p202607', 'p202608', 'p202609', 'p_future']);
  });
});

describe('schema verification', () => {
  let database: TestDatabase;
  after(async () => database?.drop());

  it('detects a dropped index and a timestamp whose precision is not 6', async () => {
    database = await createTestDatabase();
    await database.pool.query('DROP INDEX idx_owner ON projects');
    await database.pool.query(
      'ALTER TABLE modules MODIFY updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)',
    );
    await database.pool.query('DROP TABLE clock_sync_status');
    const report = await verifySchema(database);
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.problems.map((p) => [p.kind, p.table]),
      [
        ['missing-table', 'clock_sync_status'],
        ['precision', 'modules'],
        ['missing-index', 'projects'],
      ],
    );
    assert.match(report.problems[1]!.message, /modules\.updated_at is timestamp\(3\); expected precision 6/);
    assert.equal(report.tables.find((t) => t.name === 'clock_sync_status')?.present, false);
  });
});
