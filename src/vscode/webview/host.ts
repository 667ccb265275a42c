import type * as vscode from 'vscode';
import type { NotificationMessage, Notifications } from '../../protocol.js';
import type { Dispatch } from './dispatcher.js';

/** Answers every message the webview sends through `dispatch`; returns the listener's disposable. */
export function serveRequests(webview: vscode.Webview, dispatch: Dispatch): vscode.Disposable {
  return webview.onDidReceiveMessage(async (raw: unknown) => {
    const response = await dispatch(raw);
    // A panel closed meanwhile rejects the post; there is no one left to answer.
    await Promise.resolve(webview.postMessage(response)).catch(() => undefined);
  });
}

/** Pushes a typed notification; false when the webview is gone or hidden without retained context. */
export function postNotification<N extends keyof Notifications>(
  webview: vscode.Webview,
  method: N,
  params: Notifications[N],
): Thenable<boolean> {
  const message: NotificationMessage = { kind: 'notification', method, params };
  return webview.postMessage(message).then(
    (delivered) => delivered,
    () => false,
  );
}
