import { pageClockMicros } from '../../src/core/time/clock-exchange.js';
import type { HostClient } from './client.js';

/**
 * Answers the host's clock probes at once with this page's clock (µs since the epoch), so the view
 * is checked as a `Browser` component while it is shown (src/vscode/webview/clock-peer.ts).
 */
export function answerClockProbes(host: HostClient): void {
  host.on('clock/probe', ({ probe }) => {
    const micros = pageClockMicros({
      timeOrigin: performance.timeOrigin,
      now: () => performance.now(),
      dateNow: Date.now,
    });
    host.request('time/clockReply', { probe, micros }).catch(() => undefined);
  });
}
