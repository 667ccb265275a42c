import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHierarchy, type Hierarchy } from '../support/bin.js';
import { createTestDatabase, TEST_SERVER_URL, type TestDatabase } from '../support/database.js';

const BIN = path.resolve(__dirname, '../../bin/cockpit');

describe('cockpit bin / compliance (needs `npm run build`)', () => {
  let database: TestDatabase;
  let project: Hierarchy;
  const cockpit = (args: string[]) => {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        COCKPIT_DATABASE_URL: `${TEST_SERVER_URL.replace(/\/?$/, '/')}${database.config.database}`,
      },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  before(async () => {
    database = await createTestDatabase();
    project = await createHierarchy(database.db, [
      [{ type: 'decision_log', configuration: { entries: [], subscriptions: ['decision.*'] } }],
    ]);
  });
  after(async () => database?.drop());

  it('submits, processes and shows a change', () => {
    const submitted = cockpit([
      'bin',
      'submit',
      '--project',
      project.projectId,
      '--type',
      'decision.accepted',
      '--payload',
      '{"title":"Use the CLI"}',
    ]);
    assert.equal(submitted.status, 0, submitted.stderr);
    const id = submitted.stdout.trim();
    assert.match(id, /^[0-9a-f-]{36}$/);

    const processed = cockpit(['bin', 'process']);
    assert.equal(processed.status, 0, processed.stderr);
    assert.match(
      processed.stdout,
      /1 validated \(0 awaiting approval\), 0 rejected, 1 propagated; dashboards 1 succeeded, 0 failed/,
    );

    const shown = cockpit(['bin', 'show', id, '--json']);
    assert.equal(shown.status, 0, shown.stderr);
    const change = JSON.parse(shown.stdout);
    assert.equal(change.status, 'PROPAGATED');
    assert.equal(change.validationResults.outcome, 'validated');
    assert.equal(change.impactAnalysis.dashboardCount, 1);
    assert.deepEqual(
      change.propagation.map((p: { status: string }) => p.status),
      ['SUCCESS'],
    );
    assert.deepEqual(change.violations, []);
    assert.match(cockpit(['bin', 'show', id]).stdout, /PROPAGATED/);
  });

  it('refuses bad input with a clear message and a non-zero status', () => {
    const badJson = cockpit(['bin', 'submit', '--project', project.projectId, '--type', 't.x', '--payload', '{nope']);
    assert.equal(badJson.status, 1);
    assert.match(badJson.stderr, /cockpit bin: payload is not valid JSON/);
    assert.equal(cockpit(['bin', 'submit', '--project', project.projectId]).status, 2);
    assert.match(cockpit(['bin', 'show', 'missing']).stderr, /Change missing does not exist/);
    assert.equal(cockpit(['bin', 'frobnicate']).status, 2);
  });

  it('prints the corrected compliance report as JSON, checking a workspace first', () => {
    const result = cockpit(['compliance', '--json', '--workspace', path.resolve(__dirname, '../..')]);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.standards.length, 4);
    assert.ok(report.workspace.files > 10);
    assert.ok(
      report.standards.every((s: { complianceRate: number }) => s.complianceRate >= 0 && s.complianceRate <= 100),
    );
  });
});
