import type * as vscode from 'vscode';
import type { Notifications } from '../../protocol.js';
import type { Cockpit } from '../context.js';
import { createDispatcher, type RequestHandlers } from './dispatcher.js';
import { postNotification, serveRequests } from './host.js';
import { webviewHtml, type ViewPage } from './html.js';

export interface ViewOptions {
  page: ViewPage;
  /** How the view's handler errors are logged ("Bin view: …"). */
  name: string;
  handlers: RequestHandlers;
  /** Events after which the view refetches its data, each with the reason it is told. */
  refreshOn?: ReadonlyArray<readonly [vscode.Event<unknown>, string]>;
  /** Also refetch whenever the panel is shown again: changes made elsewhere send no event. */
  refreshWhenShown?: boolean;
  /** Disposed with the panel as well (clock peers, timers, the view's own listeners). */
  owned?: readonly vscode.Disposable[];
}

export interface ServedView {
  notify<M extends keyof Notifications>(method: M, params: Notifications[M]): void;
}

/**
 * A panel's view: its page, its requests answered through the validating dispatcher, a
 * `data/changed` notification after each `refreshOn` event (and when shown again), and all of it
 * disposed with the panel.
 */
export function serveView(cockpit: Cockpit, panel: vscode.WebviewPanel, options: ViewOptions): ServedView {
  const { webview } = panel;
  webview.html = webviewHtml(webview, cockpit.extension.extensionUri, options.page);
  const notify: ServedView['notify'] = (method, params) => void postNotification(webview, method, params);
  const refresh = (reason: string) => notify('data/changed', { reason });
  const dispatch = createDispatcher(options.handlers, { logError: (m) => cockpit.log.error(`${options.name}: ${m}`) });
  const disposables = [
    ...(options.owned ?? []),
    serveRequests(webview, dispatch),
    ...(options.refreshOn ?? []).map(([event, reason]) => event(() => refresh(reason))),
  ];
  if (options.refreshWhenShown) {
    disposables.push(panel.onDidChangeViewState(({ webviewPanel }) => webviewPanel.visible && refresh('focus')));
  }
  disposables.push(panel.onDidDispose(() => disposables.splice(0).forEach((d) => d.dispose())));
  return { notify };
}
