/**
 * The Time view's host handlers (src/core/time/view.ts) on MariaDB: the clock history and latest
 * status per component, a Browser reading recorded from a clock exchange, and the 5-layer view of a
 * chosen project at a chosen instant (layer 3 from version_history on MariaDB).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkClocks, recordClockReadings, type ClockReading } from '../../src/core/time/check.js';
import { hostClock } from '../../src/core/time/clock.js';
import { createClockExchange } from '../../src/core/time/clock-exchange.js';
import { formatIsoZulu } from '../../src/core/time/instant.js';
import { createSnapshot } from '../../src/core/snapshots/snapshots.js';
import { clockView, layersView, snapshotActionTarget } from '../../src/core/time/view.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { seedProject, type ProjectFixture } from '../support/project-fixture.js';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0) * 1000;
const MINUTE = 60_000_000;

const reading = (
  componentName: string,
  offsetMicroseconds: number,
  minutesAgo: number,
  error?: string,
): ClockReading => ({
  componentName,
  protocol: componentName.startsWith('ntp') ? 'NTP' : 'Server',
  stratum: componentName.startsWith('ntp') ? 2 : null,
  offsetMicroseconds: error ? 0 : offsetMicroseconds,
  roundTripMicroseconds: null,
  status: error ? 'error' : Math.abs(offsetMicroseconds) < 10_000 ? 'synchronized' : 'drifting',
  errorMessage: error ?? null,
  checkedAt: formatIsoZulu(NOW - minutesAgo * MINUTE + 123_456),
});

describe('the Time view on MariaDB', () => {
  let database: TestDatabase;
  let fixture: ProjectFixture;
  let beta: ProjectFixture;

  before(async () => {
    database = await createTestDatabase();
    fixture = await seedProject(database.db, 'Alpha');
    beta = await seedProject(database.db, 'Beta');
    await recordClockReadings(database.db, [
      reading('database', 1_200, 180),
      reading('database', -800, 30),
      reading('ntp pool.ntp.org', 15_000, 29),
      reading('ntp pool.ntp.org', 0, 11, 'ntp pool.ntp.org: timeout'),
      reading('database', 300, 10),
    ]);
  });

  after(async () => {
    await database?.drop();
  });

  it('clock history: the rows of the range oldest first, with the latest per component and the threshold', async () => {
    const view = await clockView(database.db, { hours: 1, nowMicros: NOW });
    assert.equal(view.thresholdMicros, 10_000);
    assert.equal(view.since, '2026-11-27T11:00:00.000000Z');
    assert.equal(view.until, '2026-11-27T12:00:00.000000Z');
    assert.deepEqual(
      view.history.map((r) => [r.componentName, r.offsetMicroseconds, r.lastSyncAt]),
      [
        ['database', -800, '2026-11-27T11:30:00.123456Z'],
        ['ntp pool.ntp.org', 15_000, '2026-11-27T11:31:00.123456Z'],
        ['ntp pool.ntp.org', 0, '2026-11-27T11:49:00.123456Z'],
        ['database', 300, '2026-11-27T11:50:00.123456Z'],
      ],
      'the reading from three hours ago is outside the one-hour range',
    );
    assert.deepEqual(
      view.latest.map((r) => [r.componentName, r.status, r.errorMessage]),
      [
        ['database', 'synchronized', null],
        ['ntp pool.ntp.org', 'error', 'ntp pool.ntp.org: timeout'],
      ],
    );
    const wider = await clockView(database.db, { hours: 24, nowMicros: NOW });
    assert.equal(wider.history.length, 5);
  });

  it('a clock exchange with a view is recorded as the Browser component', async () => {
    const clock = hostClock();
    // A view on this machine whose clock runs 20 ms late, answering after a short delay.
    const exchange = createClockExchange((probe) => {
      setTimeout(() => exchange.reply(probe, clock.nowMicros() - 20_000), 1);
      return true;
    });
    const report = await checkClocks(database.db, {
      browsers: [{ name: 'Time view', read: exchange.read }],
      hostSync: false,
      samples: 3,
    });
    const [browser] = report.readings;
    assert.equal(browser?.protocol, 'Browser');
    assert.equal(browser.componentName, 'webview Time view');
    assert.equal(browser.status, 'drifting');
    assert.ok(Math.abs(browser.offsetMicroseconds + 20_000) < 3_000, `offset ${browser.offsetMicroseconds}`);
    const view = await clockView(database.db, { hours: 1 });
    const latest = view.latest.find((r) => r.componentName === 'webview Time view');
    assert.equal(latest?.protocol, 'Browser');
    assert.equal(latest.offsetMicroseconds, browser.offsetMicroseconds);
  });

  it('a view that never answers is an error row, not a crash', async () => {
    const silent = createClockExchange(() => true, 50);
    const report = await checkClocks(database.db, {
      browsers: [{ name: 'Silent view', read: silent.read }],
      hostSync: false,
      samples: 2,
    });
    assert.equal(report.readings[0]?.status, 'error');
    assert.match(report.readings[0]!.errorMessage!, /did not answer/);
  });

  it('layers: the requested project, or the first when none or an unknown one is asked for', async () => {
    const chosen = await layersView(database, { projectId: fixture.projectId, cwd: null });
    assert.equal(chosen.dialect, 'mariadb');
    assert.deepEqual(
      chosen.projects.map((p) => p.name),
      ['Alpha', 'Beta'],
    );
    assert.equal(chosen.view?.projectName, 'Alpha');
    assert.equal(chosen.view.database.source, 'version_history');
    assert.match(chosen.view.database.label, /^MariaDB has no point-in-time reads: reconstructed from version_history/);
    assert.equal(chosen.view.git.available, false);
    const fallback = await layersView(database, { projectId: 'no-such-project', cwd: null });
    assert.equal(fallback.view?.projectName, 'Alpha');
  });

  it('layers: layer 3 at a chosen instant; a malformed or future instant is refused naming the field', async () => {
    const view = await layersView(database, {
      projectId: fixture.projectId,
      cwd: null,
      at: '2026-01-01T00:00:00.000001Z',
    });
    assert.equal(view.view?.database.at, '2026-01-01T00:00:00.000001Z');
    assert.ok(
      view.view.database.dashboards.every((d) => d.source === null),
      'nothing was recorded by then',
    );
    await assert.rejects(layersView(database, { cwd: null, at: 'yesterday' }), { field: 'at' });
    await assert.rejects(layersView(database, { cwd: null, at: '2999-01-01T00:00:00Z' }), { field: 'at' });
  });

  it('snapshot buttons: a restore/export target must be a snapshot of the project shown', async () => {
    const snapshot = await createSnapshot(database, { projectId: fixture.projectId, description: 'x', createdBy: 't' });
    const restore = await snapshotActionTarget(database.db, 'restore', fixture.projectId, snapshot.id);
    assert.equal(restore.project.name, 'Alpha');
    assert.equal(restore.snapshot?.id, snapshot.id);
    const create = await snapshotActionTarget(database.db, 'create', fixture.projectId);
    assert.deepEqual(create, { project: { id: fixture.projectId, name: 'Alpha' }, snapshot: null });
    await assert.rejects(snapshotActionTarget(database.db, 'export', beta.projectId, snapshot.id), {
      field: 'snapshotId',
      message: /belongs to another project/,
    });
    await assert.rejects(snapshotActionTarget(database.db, 'restore', fixture.projectId), { field: 'snapshotId' });
    await assert.rejects(snapshotActionTarget(database.db, 'restore', fixture.projectId, 'missing'), {
      code: 'not-found',
    });
    await assert.rejects(snapshotActionTarget(database.db, 'create', 'no-such-project'), { code: 'not-found' });
  });
});

describe('the Time view without projects', () => {
  it('says what to do instead of failing', async () => {
    const database = await createTestDatabase();
    try {
      const view = await layersView(database, { cwd: null });
      assert.equal(view.view, null);
      assert.match(view.problem ?? '', /no projects yet/);
    } finally {
      await database.drop();
    }
  });
});
