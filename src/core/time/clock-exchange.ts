/**
 * The Browser clock exchange over the webview protocol: the host posts a `clock/probe` notification
 * carrying a fresh number; the webview answers with a `time/clockReply` request carrying that number
 * and its clock. One probe is one sample for `measureBrowserOffset` (several samples, the one with the
 * lowest round trip corrected by half of it — exactly as the database's `NOW(6)`).
 *
 * Pure: no vscode, no DOM. The transport is a function, so tests drive it with fake clocks.
 */
import type { ReadRemoteClock } from './clock.js';

export interface ClockExchange {
  /** Posts one probe and resolves with the webview's clock (µs since the epoch). */
  read: ReadRemoteClock;
  /** Delivers a webview's reply; false when no probe with that number waits (late, repeated or forged). */
  reply(probe: number, remoteMicros: number): boolean;
  /** Rejects whatever still waits: the view is gone. */
  dispose(): void;
}

/**
 * `post` sends the probe and says whether it was delivered (a hidden webview without retained
 * context drops messages). A probe unanswered after `timeoutMs` is forgotten, so a silent view
 * cannot grow the map.
 */
export function createClockExchange(
  post: (probe: number) => PromiseLike<boolean> | boolean,
  timeoutMs = 2000,
): ClockExchange {
  let next = 0;
  const waiting = new Map<
    number,
    { resolve(micros: number): void; reject(error: Error): void; timer: NodeJS.Timeout }
  >();
  const settle = (probe: number) => {
    const entry = waiting.get(probe);
    if (entry) {
      clearTimeout(entry.timer);
      waiting.delete(probe);
    }
    return entry;
  };
  return {
    read: () =>
      new Promise<number>((resolve, reject) => {
        const probe = ++next;
        const timer = setTimeout(() => {
          settle(probe)?.reject(new Error(`the view did not answer the clock probe within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(probe, { resolve, reject, timer });
        Promise.resolve(post(probe)).then(
          (delivered) => {
            if (!delivered) settle(probe)?.reject(new Error('the view is not visible'));
          },
          (error: unknown) => settle(probe)?.reject(error instanceof Error ? error : new Error(String(error))),
        );
      }),
    reply(probe, remoteMicros) {
      const entry = settle(probe);
      entry?.resolve(remoteMicros);
      return entry !== undefined;
    },
    dispose() {
      for (const probe of [...waiting.keys()]) settle(probe)?.reject(new Error('the view was closed'));
    },
  };
}

/** What a webview reads its clock from (the page's `performance` and `Date.now`). */
export interface PageClockSource {
  timeOrigin: number;
  now(): number;
  dateNow(): number;
}

/** Beyond this the monotonic page clock and the wall clock disagree: the wall clock was stepped. */
const PAGE_CLOCK_STEP_MICROS = 2_000;

/**
 * The page's wall clock in µs. `Date.now()` has millisecond resolution; `timeOrigin + now()` has
 * (coarsened) sub-millisecond resolution but is anchored once at page load, so after the system
 * clock is stepped it is stale — then the wall clock wins, because that is the clock being checked.
 */
export function pageClockMicros(source: PageClockSource): number {
  const precise = Math.round((source.timeOrigin + source.now()) * 1000);
  const wall = source.dateNow() * 1000;
  return Math.abs(precise - wall) > PAGE_CLOCK_STEP_MICROS ? wall : precise;
}
