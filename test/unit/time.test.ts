import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { classifyOffset, estimateOffset, hostClock, sampleOffset, type Clock } from '../../src/core/time/clock.js';
import { measureBrowserOffset, measureClocks } from '../../src/core/time/check.js';
import { parseChronyTracking, parseTimedatectl } from '../../src/core/time/host-sync.js';
import {
  databaseToIsoZulu,
  formatDatabaseInstant,
  formatIsoZulu,
  parseUtcMicros,
} from '../../src/core/time/instant.js';
import {
  buildRequest,
  parseReply,
  parseSntpServer,
  querySntp,
  readNtpTimestamp,
  writeNtpTimestamp,
} from '../../src/core/time/sntp.js';
import { startFakeSntpServer, type FakeSntpServer } from '../support/sntp-server.js';

/** A clock that advances by `step` µs on every reading. */
function steppingClock(start: number, step: number): Clock {
  let now = start;
  return { nowMicros: () => (now += step) };
}

describe('instants', () => {
  it('parse database strings as UTC with every microsecond and format them back', () => {
    const micros = parseUtcMicros('2026-01-01 14:30:45.123456');
    assert.equal(micros, Date.UTC(2026, 0, 1, 14, 30, 45) * 1000 + 123456);
    assert.equal(formatDatabaseInstant(micros), '2026-01-01 14:30:45.123456');
    assert.equal(formatIsoZulu(micros), '2026-01-01T14:30:45.123456Z');
    assert.equal(parseUtcMicros('2026-01-01T14:30:45.1Z'), Date.UTC(2026, 0, 1, 14, 30, 45) * 1000 + 100000);
    assert.equal(parseUtcMicros('1969-12-31 23:59:59.999999'), -1);
    assert.equal(formatIsoZulu(-1), '1969-12-31T23:59:59.999999Z');
    assert.equal(databaseToIsoZulu('2030-06-30 00:00:00.000001'), '2030-06-30T00:00:00.000001Z');
  });

  it('reject what is not an instant, naming the field', () => {
    assert.throws(() => parseUtcMicros('yesterday', 'at'), { name: 'CockpitError', field: 'at', message: /^at must/ });
    assert.throws(() => parseUtcMicros('2026-02-30 00:00:00'), /not a valid date/);
    assert.throws(() => parseUtcMicros('2026-01-01 00:00:00.1234567'), /must look like/);
  });
});

describe('clock estimator', () => {
  it('keeps the sample with the lowest round trip and corrects by half of it', () => {
    const estimate = estimateOffset([
      { sentAtMicros: 0, remoteMicros: 5_000, receivedAtMicros: 20_000 }, // rtt 20 ms
      { sentAtMicros: 100_000, remoteMicros: 101_000 + 7_000, receivedAtMicros: 102_000 }, // rtt 2 ms
      { sentAtMicros: 200_000, remoteMicros: 250_000, receivedAtMicros: 210_000 },
    ]);
    assert.equal(estimate.roundTripMicros, 2_000);
    assert.equal(estimate.offsetMicros, 7_000);
    assert.equal(estimate.uncertaintyMicros, 1_000);
    assert.equal(estimate.samples, 3);
  });

  it('classifies offsets against the 10 ms target in both directions', () => {
    assert.equal(classifyOffset(0), 'synchronized');
    assert.equal(classifyOffset(9_999), 'synchronized');
    assert.equal(classifyOffset(-9_999), 'synchronized');
    assert.equal(classifyOffset(10_000), 'drifting');
    assert.equal(classifyOffset(-25_000), 'drifting');
    assert.equal(classifyOffset(3_000, 2_000), 'drifting');
  });

  it('the host clock follows the wall clock with sub-millisecond resolution', () => {
    const clock = hostClock();
    const first = clock.nowMicros();
    assert.ok(Math.abs(first - Date.now() * 1000) < 2_000);
    const subMillisecond = new Set<number>();
    for (let i = 0; i < 50; i++) subMillisecond.add(clock.nowMicros() % 1000);
    assert.ok(subMillisecond.size > 1, 'readings carry microseconds, not whole milliseconds');
    assert.ok(clock.nowMicros() >= first);
  });

  it('measures a browser peer through a fake transport', async () => {
    let now = 1_760_000_000_000_000;
    const clock: Clock = { nowMicros: () => now };
    const delays = [5_000, 300, 2_000]; // one-way delay of each exchange
    let exchange = 0;
    // The peer's clock runs 42 ms ahead; each message takes the same time in both directions.
    const transport = async () => {
      const oneWay = delays[exchange++] ?? 0;
      now += oneWay;
      const peerReading = now + 42_000;
      now += oneWay;
      return peerReading;
    };
    const estimate = await measureBrowserOffset(transport, clock, 3);
    assert.equal(estimate.offsetMicros, 42_000);
    assert.equal(estimate.roundTripMicros, 600, 'the fastest exchange is the one kept');
  });

  it('rejects implausible or non-numeric webview clocks', async () => {
    const clock = hostClock();
    await assert.rejects(
      measureBrowserOffset(async () => Number.NaN, clock, 1),
      /not a number/,
    );
    await assert.rejects(
      measureBrowserOffset(async () => 0, clock, 1),
      /ten years/,
    );
    await assert.rejects(
      measureBrowserOffset(() => new Promise<number>(() => undefined), clock, 1, 50),
      /no clock reply within 50 ms/,
    );
  });

  it('sampleOffset takes the requested number of samples', async () => {
    let reads = 0;
    const estimate = await sampleOffset(async () => (reads++, 5), steppingClock(0, 10), 4);
    assert.equal(reads, 4);
    assert.equal(estimate.samples, 4);
  });
});

describe('SNTP packets (RFC 4330)', () => {
  it('round-trips NTP timestamps to the microsecond, across the 2036 era boundary', () => {
    const buffer = Buffer.alloc(8);
    for (const micros of [
      Date.UTC(2026, 0, 1, 14, 30, 45) * 1000 + 123_456,
      Date.UTC(2036, 1, 7, 6, 28, 15) * 1000 + 999_999, // last second of era 0
      Date.UTC(2036, 1, 7, 6, 28, 16) * 1000 + 1, // first of era 1
      Date.UTC(2100, 0, 1) * 1000,
    ]) {
      writeNtpTimestamp(buffer, 0, micros);
      assert.equal(readNtpTimestamp(buffer, 0), micros);
    }
  });

  it('builds a version 4 client request carrying the transmit time', () => {
    const request = buildRequest(Date.UTC(2026, 0, 1) * 1000);
    assert.equal(request.length, 48);
    assert.equal(request[0], 0b00_100_011);
    assert.equal(readNtpTimestamp(request, 40), Date.UTC(2026, 0, 1) * 1000);
  });

  const reply = (request: Buffer, patch: (b: Buffer) => void = () => undefined) => {
    const packet = Buffer.alloc(48);
    packet[0] = 0b00_100_100;
    packet[1] = 2;
    request.copy(packet, 24, 40, 48);
    writeNtpTimestamp(packet, 32, Date.UTC(2026, 0, 1) * 1000);
    writeNtpTimestamp(packet, 40, Date.UTC(2026, 0, 1) * 1000 + 10);
    patch(packet);
    return packet;
  };

  it('accepts a valid server reply and reads the stratum', () => {
    const request = buildRequest(Date.UTC(2026, 0, 1) * 1000);
    const parsed = parseReply(reply(request), request);
    assert.equal(parsed?.stratum, 2);
    assert.equal(parsed?.transmitMicros, Date.UTC(2026, 0, 1) * 1000 + 10);
  });

  it('ignores replies to other requests and refuses kiss-o-death, unsynchronised and non-server replies', () => {
    const request = buildRequest(Date.UTC(2026, 0, 1) * 1000);
    assert.equal(parseReply(reply(buildRequest(1)), request), undefined, 'wrong originate → not ours');
    assert.equal(parseReply(Buffer.alloc(20), request), undefined);
    const kiss = reply(request, (b) => {
      b[1] = 0;
      b.write('RATE', 12, 'latin1');
    });
    assert.throws(() => parseReply(kiss, request), /kiss-o'-death "RATE"/);
    assert.throws(
      () =>
        parseReply(
          reply(request, (b) => (b[0] = 0b11_100_100)),
          request,
        ),
      /leap indicator 3/,
    );
    assert.throws(
      () =>
        parseReply(
          reply(request, (b) => (b[0] = 0b00_100_011)),
          request,
        ),
      /mode 3/,
    );
    assert.throws(
      () =>
        parseReply(
          reply(request, (b) => (b[1] = 16)),
          request,
        ),
      /stratum 16/,
    );
    assert.throws(
      () =>
        parseReply(
          reply(request, (b) => b.fill(0, 40, 48)),
          request,
        ),
      /no transmit timestamp/,
    );
  });

  it('parses server specifications', () => {
    assert.deepEqual(parseSntpServer('pool.ntp.org'), { host: 'pool.ntp.org', port: 123 });
    assert.deepEqual(parseSntpServer('127.0.0.1:1123'), { host: '127.0.0.1', port: 1123 });
    assert.deepEqual(parseSntpServer('[::1]:1123'), { host: '::1', port: 1123 });
    assert.deepEqual(parseSntpServer('::1'), { host: '::1', port: 123 });
    assert.throws(() => parseSntpServer('host:99999'), /not an NTP server/);
    assert.throws(() => parseSntpServer(''), /not an NTP server/);
  });
});

describe('SNTP client against a loopback server', () => {
  const servers: FakeSntpServer[] = [];
  after(() => Promise.all(servers.map((s) => s.close())));
  const start = async (options: Parameters<typeof startFakeSntpServer>[0]) => {
    const server = await startFakeSntpServer(options);
    servers.push(server);
    return server;
  };

  for (const known of [250_000, -1_234_567, 0]) {
    it(`measures a known offset of ${known} µs within 2 ms and reads the stratum`, async () => {
      const server = await start({ offsetMicros: known, stratum: 3 });
      const result = await querySntp(server.address, { clock: hostClock(), samples: 4 });
      assert.ok(
        Math.abs(result.offsetMicros - known) < 2_000,
        `measured ${result.offsetMicros} µs, expected ${known} µs ± 2 ms`,
      );
      assert.equal(result.stratum, 3);
      assert.equal(server.requests, 4);
      assert.ok(result.roundTripMicros >= 0 && result.roundTripMicros < 50_000);
    });
  }

  it('takes the server-side hold out of the round trip (T3 − T2)', async () => {
    const server = await start({ offsetMicros: 40_000, holdMs: 30 });
    const result = await querySntp(server.address, { clock: hostClock(), samples: 2 });
    assert.ok(Math.abs(result.offsetMicros - 40_000) < 3_000, `measured ${result.offsetMicros}`);
    assert.ok(result.roundTripMicros < 10_000, `round trip ${result.roundTripMicros} excludes the 30 ms hold`);
  });

  it('reports a closed port as refused and a silent server as a timeout, quickly', async () => {
    const closed = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => closed.bind(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(querySntp(`127.0.0.1:${port}`, { clock: hostClock() }), /refused/);

    const silent = await start({ offsetMicros: 0, silent: true });
    const started = Date.now();
    await assert.rejects(
      querySntp(silent.address, { clock: hostClock(), timeoutMs: 100 }),
      /no answer .* within 100 ms/,
    );
    assert.ok(Date.now() - started < 1_000, 'gives up after two timeouts, not after every sample');
  });

  it('measureClocks turns each component into a reading: synchronized, drifting, error', async () => {
    const near = await start({ offsetMicros: 3_000, stratum: 1, referenceId: 'GPS' });
    const far = await start({ offsetMicros: -80_000, stratum: 2 });
    const kiss = await start({ offsetMicros: 0, stratum: 0, referenceId: 'DENY' });
    const report = await measureClocks({
      ntpServers: [near.address, far.address, kiss.address],
      browsers: [{ name: 'cockpit', read: async () => hostClock().nowMicros() + 15_000 }],
      hostSync: async () => ({ tool: 'none' }),
      samples: 3,
    });
    const byName = new Map(report.readings.map((r) => [r.componentName, r]));
    assert.equal(byName.get(`ntp ${near.address}`)?.status, 'synchronized');
    assert.equal(byName.get(`ntp ${near.address}`)?.stratum, 1);
    assert.equal(byName.get(`ntp ${far.address}`)?.status, 'drifting');
    const denied = byName.get(`ntp ${kiss.address}`);
    assert.equal(denied?.status, 'error');
    assert.match(denied?.errorMessage ?? '', /kiss-o'-death "DENY"/);
    assert.equal(denied?.offsetMicroseconds, 0);
    assert.equal(byName.get('webview cockpit')?.status, 'drifting');
    assert.equal(byName.get('webview cockpit')?.protocol, 'Browser');
    assert.match(byName.get('webview cockpit')?.checkedAt ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  });

  it('records chrony as a host component, and an unsynchronised chrony as an error', async () => {
    const tracking = parseChronyTracking(CHRONY_OUTPUT)!;
    const ok = await measureClocks({ hostSync: async () => ({ tool: 'chrony', tracking }) });
    assert.deepEqual(
      ok.readings.map((r) => [r.componentName, r.protocol, r.stratum, r.offsetMicroseconds, r.status]),
      [['host (chrony)', 'NTP', 3, 7, 'synchronized']],
    );
    const lost = await measureClocks({
      hostSync: async () => ({ tool: 'chrony', tracking: { ...tracking, leapStatus: 'Not synchronised' } }),
    });
    assert.equal(lost.readings[0]?.status, 'error');
    assert.match(lost.readings[0]?.errorMessage ?? '', /not synchronised/);
  });
});

const CHRONY_OUTPUT = `Reference ID    : CB00710F (foo.example.net)
Stratum         : 3
Ref time (UTC)  : Fri Jan 27 09:49:17 2017
System time     : 0.000006523 seconds slow of NTP time
Last offset     : -0.000006747 seconds
RMS offset      : 0.000035822 seconds
Frequency       : 3.122 ppm slow
Residual freq   : -0.000 ppm
Skew            : 0.026 ppm
Root delay      : 0.031375 seconds
Root dispersion : 0.001080 seconds
Update interval : 64.9 seconds
Leap status     : Normal
`;

describe('host synchronisation output', () => {
  it('parses chronyc tracking: slow of NTP time means NTP is ahead of the host', () => {
    const tracking = parseChronyTracking(CHRONY_OUTPUT);
    assert.deepEqual(tracking, {
      referenceId: 'CB00710F (foo.example.net)',
      stratum: 3,
      offsetMicros: 7,
      rmsOffsetMicros: 36,
      rootDelayMicros: 31_375,
      rootDispersionMicros: 1_080,
      leapStatus: 'Normal',
    });
    const fast = parseChronyTracking(CHRONY_OUTPUT.replace('0.000006523 seconds slow', '0.012000000 seconds fast'));
    assert.equal(fast?.offsetMicros, -12_000);
    assert.equal(parseChronyTracking('506 Cannot talk to daemon'), undefined);
  });

  it('parses timedatectl show', () => {
    assert.deepEqual(parseTimedatectl('Timezone=UTC\nNTP=yes\nNTPSynchronized=no\n'), { ntpSynchronized: false });
    assert.equal(parseTimedatectl('System has not been booted with systemd'), undefined);
  });
});
