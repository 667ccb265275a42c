/**
 * Renders the built Time view (dist/webview/time.js — needs `npm run build`) in headless Chromium
 * under the production CSP with uPlot's and the view's linked stylesheets, with a fake VS Code host
 * answering through the real request dispatcher (test/support/webview-page.ts). The Browser clock
 * exchange runs against the real page: its clock is this machine's, so the offset must be near 0.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { CockpitError } from '../../src/core/errors.js';
import { measureClocks, type ClockHistoryRow } from '../../src/core/time/check.js';
import { hostClock } from '../../src/core/time/clock.js';
import { createClockExchange, type ClockExchange } from '../../src/core/time/clock-exchange.js';
import type { FiveLayerView } from '../../src/core/time/layers.js';
import type { ClockView } from '../../src/core/time/view.js';
import type { TimeLayersView } from '../../src/protocol.js';
import type { RequestHandlers } from '../../src/vscode/webview/dispatcher.js';
import { startWebviewHarness, waitFor, type WebviewHarness, type WebviewPage } from '../support/webview-page.js';

const row = (
  componentName: string,
  protocol: ClockHistoryRow['protocol'],
  offsetMicroseconds: number,
  lastSyncAt: string,
  errorMessage: string | null = null,
): ClockHistoryRow => ({
  componentName,
  protocol,
  stratum: protocol === 'NTP' ? 2 : null,
  offsetMicroseconds,
  status: errorMessage ? 'error' : Math.abs(offsetMicroseconds) < 10_000 ? 'synchronized' : 'drifting',
  errorMessage,
  lastSyncAt,
});

const history = [
  row('database 127.0.0.1:3306', 'Server', 1_250, '2026-11-27T10:00:00.000001Z'),
  row('ntp pool.ntp.org', 'NTP', 4_000, '2026-11-27T10:00:00.500000Z'),
  row('database 127.0.0.1:3306', 'Server', -700, '2026-11-27T11:00:00.000002Z'),
  row('ntp pool.ntp.org', 'NTP', 12_345, '2026-11-27T11:00:00.400000Z'),
  row('webview Time view', 'Browser', 0, '2026-11-27T11:00:00.300000Z', 'the view did not answer the clock probe'),
];
const clock: ClockView = {
  thresholdMicros: 10_000,
  since: '2026-11-26T12:00:00.000000Z',
  until: '2026-11-27T12:00:00.000000Z',
  history,
  latest: [history[2]!, history[3]!, history[4]!],
};

const layer: FiveLayerView = {
  projectId: 'prj',
  projectName: 'Demo project',
  file: null,
  filesystem: {
    captures: [
      {
        filePath: 'notes.md',
        atime: '2026-11-20T08:00:00.000001Z',
        mtime: '2026-11-20T08:00:00.000002Z',
        ctime: '2026-11-20T08:00:00.000003Z',
        capturedAt: '2026-11-20T08:00:01.654321Z',
        gitCommitSha: null,
      },
    ],
    note: 'atime is as the filesystem reports it.',
  },
  git: {
    available: true,
    head: {
      sha: 'a'.repeat(40),
      authorDate: '2026-11-25T09:00:00.000000Z',
      committerDate: '2026-11-25T09:00:00.000000Z',
      author: 'Dev',
      subject: 'Ship it',
    },
    commits: [
      {
        sha: 'a'.repeat(40),
        authorDate: '2026-11-25T09:00:00.000000Z',
        committerDate: '2026-11-25T09:00:00.000000Z',
        author: 'Dev',
        subject: 'Ship it',
      },
    ],
  },
  database: {
    at: '2026-11-27T12:00:00.000000Z',
    source: 'version_history',
    label: 'MariaDB has no point-in-time reads: reconstructed from version_history (recorded by then)',
    dashboards: [
      { id: 'd1', name: 'Plan', state: { name: 'Plan', layout: 'grid' }, source: 'dashboard version 2' },
      { id: 'd2', name: 'Ship', state: null, source: null },
    ],
  },
  semver: {
    api: '0.1.0',
    dashboards: [{ id: 'd1', name: 'Plan', versionNumber: 2 }],
    extensionTemplates: [
      {
        templateId: 't1',
        extensionId: 'ms-python.python',
        name: 'Python',
        version: '1.2.0',
        versionCreatedAt: '2026-11-01T00:00:00.000000Z',
      },
    ],
  },
  snapshots: [
    {
      id: 's1',
      projectId: 'prj',
      versionNumber: 1,
      description: 'Before the refactor',
      createdBy: 'dev@example.com',
      createdAt: '2026-11-26T10:00:00.123456Z',
      gitHead: 'b'.repeat(40),
      gitTag: null,
      counts: { profiles: 2, dashboards: 3, modules: 4 },
    },
  ],
};

const layers: TimeLayersView = {
  projects: [
    { id: 'prj', name: 'Demo project' },
    { id: 'prj2', name: 'Other project' },
  ],
  dialect: 'mariadb',
  view: layer,
  problem: null,
  file: null,
  fileProblem: null,
};

describe('Time webview in headless Chromium', () => {
  let harness: WebviewHarness;
  let view: WebviewPage;
  let page: Page;
  let received: WebviewPage['received'];
  let violations: string[];
  let handlers: RequestHandlers;

  before(async () => {
    harness = await startWebviewHarness({
      view: 'time',
      stylesheets: ['dist/webview/uplot.css', 'media/controls.css', 'media/time.css'],
    });
  });
  after(() => harness?.close());

  beforeEach(() => {
    handlers = {
      'view/ready': () => ({ view: 'time' }),
      'time/clock': () => clock,
      'time/layers': () => layers,
    };
  });

  async function open(state?: unknown): Promise<void> {
    view = await harness.open(handlers, state);
    ({ page, received, violations } = view);
    await page.locator('cockpit-time #layer-5').waitFor();
  }

  const sent = (method: string) => received.filter((r) => r.method === method).map((r) => r.params);

  it('renders the status per component, the history chart with the threshold, and all five layers', async () => {
    await open();
    const time = page.locator('cockpit-time');
    const cards = time.locator('.card.component');
    assert.equal(await cards.count(), 3);
    assert.match(await cards.nth(0).innerText(), /database 127\.0\.0\.1:3306[\s\S]*synchronized[\s\S]*-0\.700 ms/);
    assert.match(await cards.nth(1).innerText(), /ntp pool\.ntp\.org[\s\S]*stratum 2[\s\S]*drifting[\s\S]*12\.345 ms/);
    assert.match(await cards.nth(2).innerText(), /error[\s\S]*the view did not answer the clock probe/);
    // Zulu to the second on screen, the microseconds on hover, local time beside it.
    const checked = cards.nth(0).locator('time');
    assert.equal(await checked.innerText(), '2026-11-27T11:00:00Z');
    assert.equal(await checked.getAttribute('title'), '2026-11-27T11:00:00.000002Z');
    assert.ok((await cards.nth(0).locator('.local').innerText()).length > 0);

    await time.locator('#clock-chart canvas').waitFor();
    const legend = await time.locator('#clock-chart .u-legend').innerText();
    for (const label of ['database 127.0.0.1:3306', 'ntp pool.ntp.org', '+10 ms', '−10 ms'])
      assert.ok(legend.includes(label), `legend has ${label}: ${legend}`);
    assert.ok(!legend.includes('webview Time view'), 'a component with only error rows has no line');

    assert.match(await time.locator('#layers-title').innerText(), /Demo project/);
    assert.equal(await time.locator('#layer-1 time').first().getAttribute('title'), '2026-11-20T08:00:00.000002Z');
    assert.match(await time.locator('#layer-2').innerText(), /HEAD\s+aaaaaaaaaa Ship it/);
    assert.equal(await time.locator('#layer-3 .tag.source').innerText(), 'from version_history');
    assert.match(await time.locator('#layer-3 .label').innerText(), /reconstructed from version_history/);
    assert.match(
      await time.locator('#layer-3 table').innerText(),
      /Plan\s+dashboard version 2[\s\S]*Ship\s+nothing recorded by then/,
    );
    assert.match(
      await time.locator('#layer-4').innerText(),
      /Cockpit extension API\s+0\.1\.0[\s\S]*Plan\s+v2[\s\S]*Python[\s\S]*1\.2\.0/,
    );
    assert.match(
      await time.locator('#layer-5 tr[data-snapshot="s1"]').innerText(),
      /v1[\s\S]*Before the refactor[\s\S]*2 profiles, 3 dashboards, 4 modules/,
    );
    assert.deepEqual(sent('time/clock'), [{ hours: 24 }]);
    assert.deepEqual(sent('time/layers'), [{ scope: 'project' }]);
    assert.deepEqual(violations, []);
  });

  it('sends typed requests for Check now, range, project, scope, instant and the snapshot buttons', async () => {
    handlers['time/check'] = () => ({ readings: [] });
    handlers['time/snapshot'] = () => ({ done: true });
    await open();
    const time = page.locator('cockpit-time');
    await time.locator('button.check-now').click();
    await waitFor(() => sent('time/clock').length === 2);
    assert.equal(sent('time/check').length, 1, 'the history is fetched again after the check');
    await time.locator('select[name="hours"]').selectOption('168');
    await time.locator('select[name="project"]').selectOption('prj2');
    await time.locator('button.scope[data-scope="file"]').click();
    await time.locator('input[name="at"]').fill('2026-11-20T10:30:15');
    await time.locator('#layer-5 button.restore').click();
    await waitFor(() => sent('time/snapshot').length === 1);
    await time.locator('#layer-5 button.create-snapshot').click();
    await waitFor(() => sent('time/snapshot').length === 2);
    assert.deepEqual(sent('time/clock').at(-1), { hours: 168 });
    const at = await page.evaluate(() => new Date('2026-11-20T10:30:15').toISOString());
    assert.deepEqual(sent('time/layers').slice(1, 4), [
      { scope: 'project', projectId: 'prj2' },
      { scope: 'file', projectId: 'prj2' },
      { scope: 'file', projectId: 'prj2', at },
    ]);
    assert.deepEqual(sent('time/snapshot'), [
      { action: 'restore', projectId: 'prj', snapshotId: 's1' },
      { action: 'create', projectId: 'prj' },
    ]);
    assert.deepEqual(violations, []);
  });

  it('restores range, project, scope and instant after a reload', async () => {
    await open();
    const time = page.locator('cockpit-time');
    await time.locator('select[name="hours"]').selectOption('720');
    await time.locator('button.scope[data-scope="file"]').click();
    await time.locator('input[name="at"]').fill('2026-11-20T10:30:15');
    await waitFor(() => sent('time/layers').length >= 3);
    const state = await view.currentState();
    await page.close();
    await open(state);
    await waitFor(() => sent('time/layers').length === 1);
    const at = (state as { at: string }).at;
    assert.match(at, /^2026-11-20T\d{2}:30:15\.000Z$/);
    assert.deepEqual(sent('time/clock'), [{ hours: 720 }]);
    assert.deepEqual(sent('time/layers'), [{ scope: 'file', at }]);
    const restored = page.locator('cockpit-time');
    assert.equal(await restored.locator('select[name="hours"]').inputValue(), '720');
    assert.equal(await restored.locator('button.scope[data-scope="file"]').getAttribute('aria-pressed'), 'true');
    assert.equal(await restored.locator('input[name="at"]').inputValue(), '2026-11-20T10:30:15');
    assert.deepEqual(violations, []);
  });

  it('follows the host asking for the active file, and shows host errors', async () => {
    handlers['time/check'] = () => {
      throw new CockpitError('unavailable', 'The database is busy; try again.');
    };
    await open();
    await view.post({ kind: 'notification', method: 'time/focus', params: { scope: 'file' } });
    await waitFor(() => sent('time/layers').length === 2);
    assert.deepEqual(sent('time/layers')[1], { scope: 'file' });
    await page.locator('cockpit-time button.check-now').click();
    await page.locator('cockpit-time .banner.error').waitFor();
    assert.match(await page.locator('cockpit-time .banner.error').innerText(), /database is busy/);
  });

  it("exchanges the page's clock with the host: on this machine within half the round trip of 0, a shifted clock by its shift", async () => {
    let exchange: ClockExchange | undefined;
    handlers['time/clockReply'] = ({ probe, micros }) => ({ accepted: exchange?.reply(probe, micros) ?? false });
    await open();
    exchange = createClockExchange(async (probe) => {
      await view.post({ kind: 'notification', method: 'clock/probe', params: { probe } });
      return true;
    });
    const measure = async () => {
      const { readings } = await measureClocks({
        browsers: [{ name: 'Time view', read: exchange!.read }],
        hostSync: false,
        samples: 8,
        clock: hostClock(),
      });
      const [browser] = readings;
      assert.equal(browser?.protocol, 'Browser');
      assert.equal(browser.errorMessage, null);
      return { offset: browser.offsetMicroseconds, roundTrip: browser.roundTripMicroseconds!, status: browser.status };
    };
    // Half the round trip bounds the path asymmetry; Chromium coarsens its clock to 0.1 ms and reports
    // Date.now() in whole milliseconds: 1 ms on top covers both.
    const same = await measure();
    assert.ok(
      Math.abs(same.offset) <= same.roundTrip / 2 + 1_000,
      `offset ${same.offset} µs, round trip ${same.roundTrip} µs`,
    );
    console.log(`# Browser clock exchange, same machine: offset ${same.offset} µs, round trip ${same.roundTrip} µs`);

    // The page's wall clock stepped 5 s ahead (as after a system clock change): measured as such, drifting.
    await page.evaluate(() => {
      const real = Date.now.bind(Date);
      Date.now = () => real() + 5_000;
    });
    const shifted = await measure();
    assert.ok(
      Math.abs(shifted.offset - 5_000_000) <= shifted.roundTrip / 2 + 1_000,
      `offset ${shifted.offset} µs, round trip ${shifted.roundTrip} µs`,
    );
    assert.equal(shifted.status, 'drifting');
    assert.equal(sent('time/clockReply').length, 16);
    assert.deepEqual(violations, []);
  });
});
