/**
 * The Browser clock exchange (src/core/time/clock-exchange.ts) with fake clocks: a simulated webview
 * answers each probe after a one-way delay, its clock a known amount off the host's; and the
 * validation of the Time view's protocol methods by the real dispatcher.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { measureBrowserOffset } from '../../src/core/time/check.js';
import type { Clock } from '../../src/core/time/clock.js';
import { createClockExchange, pageClockMicros } from '../../src/core/time/clock-exchange.js';
import { createDispatcher } from '../../src/vscode/webview/dispatcher.js';

const START = 1_760_000_000_000_000;

/**
 * A host clock and a webview `peerOffset` µs ahead of it. Exchange i takes `outbound[i]` µs to reach
 * the view and `inbound[i]` µs to come back.
 */
function simulatedView(peerOffset: number, outbound: number[], inbound: number[]) {
  let now = START;
  let exchangeIndex = 0;
  const clock: Clock = { nowMicros: () => now };
  const probes: number[] = [];
  const exchange = createClockExchange((probe) => {
    probes.push(probe);
    const i = exchangeIndex++;
    setImmediate(() => {
      now += outbound[i] ?? 0;
      const reading = now + peerOffset;
      now += inbound[i] ?? 0;
      exchange.reply(probe, reading);
    });
    return true;
  });
  return { clock, exchange, probes };
}

describe('Browser clock exchange', () => {
  it('keeps the exchange with the lowest round trip and corrects by half of it', async () => {
    // The slow exchanges are asymmetric (they would skew the estimate); the fastest one is symmetric.
    const { clock, exchange, probes } = simulatedView(-25_000, [9_000, 150, 400, 7_000], [1_000, 150, 3_000, 200]);
    const estimate = await measureBrowserOffset(exchange.read, clock, 4);
    assert.equal(estimate.offsetMicros, -25_000);
    assert.equal(estimate.roundTripMicros, 300);
    assert.equal(estimate.uncertaintyMicros, 150);
    assert.deepEqual(probes, [1, 2, 3, 4], 'one fresh probe number per sample');
  });

  it('an asymmetric path shifts the estimate by at most half the round trip', async () => {
    const { clock, exchange } = simulatedView(3_000, [1_800], [200]);
    const estimate = await measureBrowserOffset(exchange.read, clock, 1);
    assert.equal(estimate.roundTripMicros, 2_000);
    assert.equal(estimate.offsetMicros, 3_800);
    assert.ok(Math.abs(estimate.offsetMicros - 3_000) <= estimate.uncertaintyMicros);
  });

  it('refuses replies to probes it did not send or already settled', async () => {
    const sent: number[] = [];
    const exchange = createClockExchange((probe) => (sent.push(probe), true));
    assert.equal(exchange.reply(1, START), false, 'nothing was probed yet');
    const reading = exchange.read();
    assert.equal(exchange.reply(sent[0]! + 1, START), false, 'a forged probe number');
    assert.equal(exchange.reply(sent[0]!, START), true);
    assert.equal(await reading, START);
    assert.equal(exchange.reply(sent[0]!, START + 5), false, 'a repeated reply');
  });

  it('fails a probe the view cannot receive, does not answer in time, or that is pending on close', async () => {
    const hidden = createClockExchange(async () => false);
    await assert.rejects(hidden.read(), /not visible/);
    const broken = createClockExchange(() => Promise.reject(new Error('webview disposed')));
    await assert.rejects(broken.read(), /webview disposed/);
    const silent = createClockExchange(() => true, 30);
    await assert.rejects(silent.read(), /did not answer the clock probe within 30 ms/);
    assert.equal(silent.reply(1, START), false, 'a timed-out probe is forgotten');
    const closing = createClockExchange(() => true);
    const pending = closing.read();
    closing.dispose();
    await assert.rejects(pending, /closed/);
  });

  it('an unanswered probe becomes an error for the measurement, not a hang', async () => {
    const exchange = createClockExchange(() => true, 40);
    await assert.rejects(measureBrowserOffset(exchange.read, { nowMicros: () => START }, 3, 1000), /within 40 ms/);
  });
});

describe('page clock', () => {
  it('uses the sub-millisecond page clock while it agrees with the wall clock', () => {
    const micros = pageClockMicros({
      timeOrigin: 1_760_000_000_000.25,
      now: () => 1234.5,
      dateNow: () => 1_760_000_001_234,
    });
    assert.equal(micros, 1_760_000_001_234_750);
  });

  it('falls back to the wall clock once the system clock was stepped after page load', () => {
    const micros = pageClockMicros({
      timeOrigin: 1_760_000_000_000,
      now: () => 1000,
      dateNow: () => 1_760_000_061_000,
    });
    assert.equal(micros, 1_760_000_061_000_000);
  });
});

describe('Time view protocol', () => {
  const dispatch = createDispatcher(
    {
      'time/clockReply': ({ probe }) => ({ accepted: probe === 7 }),
      'time/layers': () => ({
        projects: [],
        dialect: 'mariadb',
        view: null,
        problem: 'none',
        file: null,
        fileProblem: null,
      }),
    },
    { logError: () => undefined },
  );
  const request = (method: string, params: unknown) => dispatch({ kind: 'request', id: 1, method, params });

  it('accepts a well-formed clock reply and refuses malformed ones naming the field', async () => {
    assert.deepEqual(await request('time/clockReply', { probe: 7, micros: 1.5e15 }), {
      kind: 'response',
      id: 1,
      ok: true,
      result: { accepted: true },
    });
    for (const [params, field] of [
      [{ probe: 7, micros: '1' }, 'params.micros'],
      [{ probe: 0, micros: 1 }, 'params.probe'],
      [{ probe: 7, micros: Number.POSITIVE_INFINITY }, 'params.micros'],
    ] as const) {
      const response = await request('time/clockReply', params);
      assert.equal(response.ok, false);
      assert.equal(!response.ok && response.error.field, field);
    }
    const extra = await request('time/clockReply', { probe: 7, micros: 1, sql: 'x' });
    assert.equal(!extra.ok && extra.error.code, 'invalid');
  });

  it('takes layer 3 instants only as ISO-8601 Zulu', async () => {
    const ok = await request('time/layers', { scope: 'file', at: '2026-01-01T14:30:45.123456Z' });
    assert.equal(ok.ok, true);
    const bad = await request('time/layers', { scope: 'project', at: '2026-01-01 14:30:45' });
    assert.equal(!bad.ok && bad.error.field, 'params.at');
    assert.match(!bad.ok ? bad.error.message : '', /ISO-8601 Zulu/);
  });
});
