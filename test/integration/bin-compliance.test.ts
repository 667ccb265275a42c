import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import {
  checkWorkspaceCompliance,
  complianceReport,
  createStandard,
  highImpactChanges,
  setViolationStatus,
} from '../../src/core/bin/index.js';
import { metadataStandards, metadataViolations, propagationLog, syncBuffer } from '../../src/db/schema/index.js';
import { createHierarchy } from '../support/bin.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const actor = 'dev@example.com';

describe('governance queries (MariaDB, hand-computed data)', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => database?.drop());

  it('compliance: fully compliant standards rank best, suppressed violations do not count', async () => {
    const db = database.db;
    const violation = (standardId: string, status: 'open' | 'resolved' | 'suppressed') => ({
      id: randomUUID(),
      standardId,
      resourceType: 'file',
      resourceId: `f-${randomUUID()}`,
      status,
    });
    // ts-001: 1 open, 2 resolved, 1 suppressed → 3 counted, 1 open → (1 - 1/3) × 100 = 66.67
    // vs-001: 2 open → 0.00; nm-001: nothing → 100; nm-002: only suppressed → 100 (0 counted)
    await db
      .insert(metadataViolations)
      .values([
        violation('ts-001-zulu', 'open'),
        violation('ts-001-zulu', 'resolved'),
        violation('ts-001-zulu', 'resolved'),
        violation('ts-001-zulu', 'suppressed'),
        violation('vs-001-semver', 'open'),
        violation('vs-001-semver', 'open'),
        violation('nm-002-kebab-name', 'suppressed'),
      ]);
    // An inactive standard is not listed.
    await db
      .insert(metadataStandards)
      .values({ id: 'off', standardName: 'Retired', category: 'temporal', patternRegex: '.', isActive: false });

    const report = await complianceReport(database);
    assert.deepEqual(
      report.map((r) => [r.standardName, r.violationCount, r.openViolations, r.complianceRate]),
      [
        ['Semantic Versioning 2.0.0', 2, 2, 0],
        ['Timestamp Zulu Format', 3, 1, 66.67],
        ['Kebab-case Dashboard and Module Names', 0, 0, 100],
        ['Kebab-case File Names', 0, 0, 100],
      ],
    );
  });

  it('high-impact changes: more than 3 dashboards in the last 7 days, by token cost (HAVING repeats the aggregate)', async () => {
    const db = database.db;
    const { projectId } = await createHierarchy(db, [], 'impact');
    const change = async (id: string, daysAgo: number) =>
      db.insert(syncBuffer).values({
        id,
        projectId,
        changeType: `type-${id}`,
        payload: {},
        status: 'PROPAGATED',
        createdAt: sql`DATE_SUB(NOW(6), INTERVAL ${daysAgo * 24 * 3600} SECOND)`,
      });
    const logs = async (changeId: string, rows: Array<[dashboard: string, tokenCost: number, durationMs: number]>) =>
      db.insert(propagationLog).values(
        rows.map(([dashboard, tokenCost, durationMs]) => ({
          id: randomUUID(),
          syncBufferId: changeId,
          affectedDashboardId: dashboard,
          propagationType: 'test',
          status: 'SUCCESS' as const,
          tokenCost,
          durationMs,
        })),
      );
    await change('x', 1);
    await logs('x', [
      ['d1', 10, 10],
      ['d2', 20, 20],
      ['d3', 0, 30],
      ['d4', 0, 40],
      ['d5', 5, 50],
    ]); // 5 dashboards, 35 tokens, avg 30 ms
    await change('y', 2);
    await logs('y', [
      ['d1', 25, 1],
      ['d2', 25, 2],
      ['d3', 25, 3],
      ['d4', 25, 4],
    ]); // 4 dashboards, 100 tokens, avg 2.5 ms
    await change('z', 1);
    await logs('z', [
      ['d1', 500, 1],
      ['d2', 500, 1],
      ['d3', 500, 1],
    ]); // 3 dashboards: not high-impact
    await change('w', 8);
    await logs('w', [
      ['d1', 900, 1],
      ['d2', 900, 1],
      ['d3', 900, 1],
      ['d4', 900, 1],
      ['d5', 900, 1],
    ]); // too old

    const rows = await highImpactChanges(database, { projectId });
    assert.deepEqual(rows, [
      { changeId: 'y', changeType: 'type-y', affectedDashboards: 4, totalTokenCost: 100, avgDurationMs: 2.5 },
      { changeId: 'x', changeType: 'type-x', affectedDashboards: 5, totalTokenCost: 35, avgDurationMs: 30 },
    ]);
    assert.equal((await highImpactChanges(database, { projectId, days: 30 }))[0]?.changeId, 'w');
  });

  it('workspace compliance records file and tag violations with fixes, and resolves them once fixed', async () => {
    await createStandard(
      database.db,
      { standardName: 'Release tags', category: 'versioning', patternRegex: '^\\d+\\.\\d+\\.\\d+$', appliesTo: '@tag' },
      actor,
    );
    const first = await checkWorkspaceCompliance(database.db, {
      files: ['src/MyModule.ts', 'src/ok-file.ts', 'README.md', '.gitignore', 'docs\\Old Notes.md'],
      tags: ['v1.2', 'v1.2.3', 'nightly'],
      actor,
    });
    const found = first.violations.map((v) => [v.resourceType, v.resourceId, v.standardName, v.suggestedFix]).sort();
    assert.deepEqual(found, [
      ['file', 'docs/Old Notes.md', 'Kebab-case File Names', 'docs/old-notes.md'],
      ['file', 'src/MyModule.ts', 'Kebab-case File Names', 'src/my-module.ts'],
      ['tag', 'nightly', 'Release tags', null],
      ['tag', 'nightly', 'Semantic Versioning 2.0.0', null],
      ['tag', 'v1.2', 'Release tags', 'v1.2.0'],
      ['tag', 'v1.2', 'Semantic Versioning 2.0.0', 'v1.2.0'],
    ]);
    assert.equal(first.recorded, 6);
    const again = await checkWorkspaceCompliance(database.db, {
      files: ['src/MyModule.ts'],
      tags: ['v1.2', 'v1.2.3', 'nightly'],
      actor,
    });
    assert.deepEqual([again.recorded, again.resolved], [0, 1], 'nothing recorded twice; the renamed file is resolved');

    const [open] = await database.db
      .select({ id: metadataViolations.id })
      .from(metadataViolations)
      .where(sql`${metadataViolations.resourceId} = 'nightly' AND ${metadataViolations.status} = 'open'`)
      .limit(1);
    await setViolationStatus(database.db, open!.id, 'suppressed', actor);
    await assert.rejects(setViolationStatus(database.db, open!.id, 'resolved', actor), /already suppressed/);
  });
});
