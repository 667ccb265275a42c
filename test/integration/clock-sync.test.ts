import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type Database } from '../../src/db/connection.js';
import { hostClock } from '../../src/core/time/clock.js';
import { checkClocks, clockHistory, latestClockReadings, measureServerOffset } from '../../src/core/time/check.js';
import { parseUtcMicros } from '../../src/core/time/instant.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { startDelayingProxy, type DelayingProxy } from '../support/delaying-proxy.js';
import { startFakeSntpServer } from '../support/sntp-server.js';

describe('clock sync against the database', () => {
  let database: TestDatabase;
  let proxy: DelayingProxy;
  let proxied: Database;
  const DELAY_MS = 25;

  before(async () => {
    database = await createTestDatabase();
    const direct = testConfig(database.config.database);
    proxy = await startDelayingProxy({ host: direct.host, port: direct.port }, DELAY_MS);
    proxied = await connect({ ...direct, port: proxy.port }, { retries: 0 });
  });
  after(async () => {
    await proxied.close();
    await proxy.close();
    await database.drop();
  });

  it('the half-round-trip correction cancels a symmetric 25 ms delay each way', async () => {
    const clock = hostClock();
    const direct = await measureServerOffset(database.pool, clock, 5);
    const delayed = await measureServerOffset(proxied.pool, clock, 5);
    assert.ok(delayed.roundTripMicros >= 2 * DELAY_MS * 1000, `round trip ${delayed.roundTripMicros} µs`);
    // Server and host share one clock here, so the true offset is 0 (± the server's own jitter).
    // Without the correction the delayed estimate would be off by ≥ 25 ms.
    assert.ok(Math.abs(direct.offsetMicros) < 3_000, `direct offset ${direct.offsetMicros} µs`);
    assert.ok(
      Math.abs(delayed.offsetMicros - direct.offsetMicros) < 10_000,
      `delayed ${delayed.offsetMicros} µs vs direct ${direct.offsetMicros} µs`,
    );
    assert.ok(delayed.uncertaintyMicros >= DELAY_MS * 1000);
  });

  it('records one row per component per check, with microsecond last_sync_at', async () => {
    const ntp = await startFakeSntpServer({ offsetMicros: 20_000, stratum: 2 });
    try {
      const before = Date.now() * 1000;
      const report = await checkClocks(database.db, {
        pool: database.pool,
        serverName: 'database 127.0.0.1:3306',
        ntpServers: [ntp.address, '127.0.0.1:9'],
        hostSync: false,
        samples: 3,
        timeoutMs: 200,
      });
      assert.equal(report.readings.length, 3);
      const rows = await clockHistory(database.db, { sinceMicros: before - 1_000_000 });
      const byName = new Map(rows.map((r) => [r.componentName, r]));
      assert.equal(rows.length, 3);
      assert.equal(byName.get('database 127.0.0.1:3306')?.status, 'synchronized');
      assert.equal(byName.get('database 127.0.0.1:3306')?.protocol, 'Server');
      const drifting = byName.get(`ntp ${ntp.address}`);
      assert.equal(drifting?.status, 'drifting');
      assert.equal(drifting?.stratum, 2);
      assert.ok(Math.abs((drifting?.offsetMicroseconds ?? 0) - 20_000) < 3_000);
      const unreachable = byName.get('ntp 127.0.0.1:9');
      assert.equal(unreachable?.status, 'error');
      assert.match(unreachable?.errorMessage ?? '', /refused|no answer/);
      const recorded = report.readings.find((r) => r.componentName === `ntp ${ntp.address}`);
      assert.equal(drifting?.lastSyncAt, recorded?.checkedAt, 'the row keeps the measurement instant to the µs');
      assert.ok(parseUtcMicros(drifting!.lastSyncAt) >= before);

      const latest = await latestClockReadings(database.db, before - 1_000_000);
      assert.equal(latest.length, 3);
    } finally {
      await ntp.close();
    }
  });

  it('an unreachable database is an error reading, not a crash', async () => {
    const unreachable = await connect(testConfig(database.config.database), { retries: 0 });
    await unreachable.close(); // a closed pool refuses every query
    const report = await checkClocks(database.db, {
      pool: unreachable.pool,
      serverName: 'database closed',
      hostSync: false,
      samples: 2,
    });
    assert.equal(report.readings[0]?.status, 'error');
    assert.ok(report.readings[0]?.errorMessage);
    const rows = await clockHistory(database.db, { sinceMicros: 0, componentName: 'database closed' });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.status, 'error');
  });
});
