import type * as vscode from 'vscode';
import type { BrowserPeer } from '../../core/time/check.js';
import { createClockExchange } from '../../core/time/clock-exchange.js';
import { postNotification } from './host.js';

export interface WebviewClockPeer extends vscode.Disposable {
  /** The `time/clockReply` handler's answer: whether a probe with that number was waiting. */
  reply(probe: number, micros: number): boolean;
}

/**
 * Makes a panel's webview a `Browser` clock peer while it is visible (a hidden webview cannot answer
 * probes, and must not leave error rows): probes go out as `clock/probe` notifications, the view's
 * `time/clockReply` requests come back through `reply`.
 */
export function webviewClockPeer(
  panel: vscode.WebviewPanel,
  name: string,
  addClockPeer: (peer: BrowserPeer) => vscode.Disposable,
): WebviewClockPeer {
  const exchange = createClockExchange((probe) => postNotification(panel.webview, 'clock/probe', { probe }));
  let registered: vscode.Disposable | undefined;
  const track = (visible: boolean) => {
    if (visible && !registered) registered = addClockPeer({ name, read: exchange.read });
    if (!visible && registered) {
      registered.dispose();
      registered = undefined;
    }
  };
  track(panel.visible);
  const listener = panel.onDidChangeViewState(({ webviewPanel }) => track(webviewPanel.visible));
  return {
    reply: (probe, micros) => exchange.reply(probe, micros),
    dispose() {
      listener.dispose();
      track(false);
      exchange.dispose();
    },
  };
}
