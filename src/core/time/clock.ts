/**
 * The host clock at microsecond resolution and the round-trip estimator shared by every clock
 * comparison (database, webview, SNTP): offsets are "component clock minus host clock".
 */

/** A wall clock in integer microseconds since the Unix epoch. */
export interface Clock {
  nowMicros(): number;
}

/** The spec's drift target: a component is `synchronized` while |offset| < 10 ms. */
export const DRIFT_THRESHOLD_MICROS = 10_000;

export type ClockStatus = 'synchronized' | 'drifting' | 'error';

export function classifyOffset(offsetMicros: number, thresholdMicros = DRIFT_THRESHOLD_MICROS): ClockStatus {
  return Math.abs(offsetMicros) < thresholdMicros ? 'synchronized' : 'drifting';
}

/** If the wall clock and the anchored monotonic clock disagree by more than this, the wall clock was stepped. */
const RE_ANCHOR_MICROS = 2_000;

/**
 * `Date.now()` has millisecond resolution; the monotonic `hrtime` has nanoseconds but no epoch.
 * Anchoring hrtime at the instant `Date.now()` ticks over gives the wall clock to a few
 * microseconds. The anchor costs at most one millisecond of spinning, so it happens lazily (never
 * during activation) and again only when the wall clock is stepped.
 */
export function hostClock(): Clock {
  let anchorWallMicros = 0;
  let anchorHrNanos = 0n;
  let anchored = false;
  const anchor = () => {
    const start = Date.now();
    let tick = Date.now();
    while (tick === start) tick = Date.now();
    anchorHrNanos = process.hrtime.bigint();
    anchorWallMicros = tick * 1000;
    anchored = true;
  };
  const read = () => anchorWallMicros + Number((process.hrtime.bigint() - anchorHrNanos) / 1000n);
  return {
    nowMicros() {
      if (!anchored) anchor();
      const value = read();
      if (Math.abs(value - Date.now() * 1000) > RE_ANCHOR_MICROS) {
        anchor();
        return read();
      }
      return value;
    },
  };
}

/** One clock exchange: host time before, the component's reading, host time after. */
export interface ClockSample {
  sentAtMicros: number;
  remoteMicros: number;
  receivedAtMicros: number;
}

export interface OffsetEstimate {
  /** Component minus host, corrected by half the round trip. */
  offsetMicros: number;
  roundTripMicros: number;
  /** The error bound of the estimate: an asymmetric path can shift it by up to half the round trip. */
  uncertaintyMicros: number;
  samples: number;
}

/** The sample with the lowest round trip: the one least disturbed by queuing. */
export function estimateOffset(samples: readonly ClockSample[]): OffsetEstimate {
  let best: ClockSample | undefined;
  for (const sample of samples) {
    const roundTrip = sample.receivedAtMicros - sample.sentAtMicros;
    if (!best || roundTrip < best.receivedAtMicros - best.sentAtMicros) best = sample;
  }
  if (!best) throw new Error('No clock sample was taken.');
  const roundTripMicros = best.receivedAtMicros - best.sentAtMicros;
  return {
    offsetMicros: Math.round(best.remoteMicros - (best.sentAtMicros + best.receivedAtMicros) / 2),
    roundTripMicros,
    uncertaintyMicros: Math.ceil(roundTripMicros / 2),
    samples: samples.length,
  };
}

/** Reads the component's clock once, in microseconds since the epoch (a query, a webview message, …). */
export type ReadRemoteClock = () => Promise<number>;

/** Takes `count` sequential samples through `read` and keeps the one with the lowest round trip. */
export async function sampleOffset(read: ReadRemoteClock, clock: Clock, count: number): Promise<OffsetEstimate> {
  const samples: ClockSample[] = [];
  for (let i = 0; i < Math.max(1, count); i++) {
    const sentAtMicros = clock.nowMicros();
    const remoteMicros = await read();
    const receivedAtMicros = clock.nowMicros();
    samples.push({ sentAtMicros, remoteMicros, receivedAtMicros });
  }
  return estimateOffset(samples);
}
