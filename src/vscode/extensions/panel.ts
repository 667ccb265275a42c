/**
 * The "Extensions" panel: installed extensions with their mapping state and the enabled extension
 * dashboards. Minimal host glue of its own (CSP + nonce HTML, request dispatcher); the shared
 * webview helper being built for the Cockpit panel can replace `html()` and `dispatch()`.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { CockpitError } from '../../core/errors.js';
import {
  MAX_MESSAGE_BYTES,
  requestEnvelope,
  requests,
  type NotificationMessage,
  type Notifications,
  type ProtocolError,
  type RequestMethod,
  type RequestResults,
  type ResponseMessage,
} from '../../protocol.js';
import type { Cockpit } from '../context.js';
import { describeError } from '../database.js';
import type { ExtensionDashboards } from './controller.js';

export const EXTENSIONS_PANEL = 'cockpit.extensions';

type ExtensionMethod = Extract<RequestMethod, `extensions/${string}` | 'view/ready'>;
type Handlers = {
  [M in ExtensionMethod]: (params: import('zod').output<(typeof requests)[M]>) => Promise<RequestResults[M]>;
};

export class ExtensionsPanel {
  private static current: ExtensionsPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static show(cockpit: Cockpit, controller: ExtensionDashboards): void {
    if (ExtensionsPanel.current) {
      ExtensionsPanel.current.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      EXTENSIONS_PANEL,
      'Cockpit: Extensions',
      vscode.ViewColumn.Active,
      ExtensionsPanel.options(cockpit),
    );
    ExtensionsPanel.current = new ExtensionsPanel(panel, cockpit, controller);
  }

  /** Restores the panel after a reload (the webview restores its own state with getState). */
  static register(cockpit: Cockpit, controller: ExtensionDashboards): void {
    cockpit.extension.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(EXTENSIONS_PANEL, {
        async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
          panel.webview.options = ExtensionsPanel.options(cockpit);
          ExtensionsPanel.current?.panel.dispose();
          ExtensionsPanel.current = new ExtensionsPanel(panel, cockpit, controller);
        },
      }),
    );
  }

  private static options(cockpit: Cockpit): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    const root = cockpit.extension.extensionUri;
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'webview'), vscode.Uri.joinPath(root, 'media')],
    };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly cockpit: Cockpit,
    private readonly controller: ExtensionDashboards,
  ) {
    panel.webview.html = this.html();
    const handlers = this.handlers();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => void this.dispatch(message, handlers)),
      controller.onDidChange(() => this.notify('data/changed', { reason: 'extensions' })),
      cockpit.database.onDidChange(() => this.notify('data/changed', { reason: 'database' })),
      vscode.workspace.onDidChangeConfiguration(() => this.notify('data/changed', { reason: 'settings' })),
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (webviewPanel.visible) this.notify('data/changed', { reason: 'focus' });
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private dispose(): void {
    if (ExtensionsPanel.current === this) ExtensionsPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private html(): string {
    const { webview } = this.panel;
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(
      vscode.Uri.joinPath(this.cockpit.extension.extensionUri, 'dist', 'webview', 'extensions.js'),
    );
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Cockpit: Extensions</title>
</head>
<body>
<cockpit-extensions></cockpit-extensions>
<script type="module" nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }

  private handlers(): Handlers {
    const c = this.controller;
    const ok = { ok: true } as const;
    return {
      'view/ready': async () => ({ view: 'extensions' }),
      'extensions/state': () => c.state(),
      'extensions/map': async (p) => (await c.map(p.extensionId, p.templateId), ok),
      'extensions/setEnabled': async (p) => (await c.setEnabled(p.extensionId, p.enabled), ok),
      'extensions/reorder': async (p) => (await c.reorder(p.extensionIds), ok),
      'extensions/setOverrides': async (p) => (await c.setOverrides(p.extensionId, p.json), ok),
      'extensions/runCommand': async (p) => (await c.runCommand(p.extensionId, p.widgetId, p.command), ok),
      'extensions/updateSetting': async (p) => (await c.updateSetting(p.extensionId, p.widgetId, p.key, p.value), ok),
      'extensions/openLink': async (p) => (await c.openLink(p.extensionId, p.widgetId, p.url), ok),
    };
  }

  /** Every inbound message gets exactly one response; anything malformed gets an error response. */
  private async dispatch(message: unknown, handlers: Handlers): Promise<void> {
    let size: number;
    try {
      size = JSON.stringify(message)?.length ?? 0;
    } catch {
      size = Number.POSITIVE_INFINITY;
    }
    if (size > MAX_MESSAGE_BYTES)
      return this.fail(null, { code: 'invalid-message', message: 'The message is too large.' });
    const envelope = requestEnvelope.safeParse(message);
    if (!envelope.success) {
      const id = (message as { id?: unknown })?.id;
      return this.fail(typeof id === 'number' && Number.isSafeInteger(id) ? id : null, {
        code: 'invalid-message',
        message: 'Not a valid request.',
      });
    }
    const { id, method, params } = envelope.data;
    if (!Object.hasOwn(handlers, method)) {
      return this.fail(id, { code: 'unknown-method', message: `Unknown method "${method}".` });
    }
    const name = method as ExtensionMethod;
    const parsed = requests[name].safeParse(params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.map(String).join('.') || undefined;
      return this.fail(id, {
        code: 'invalid',
        message: `Invalid ${field ?? 'params'}: ${issue?.message}`,
        ...(field ? { field } : {}),
      });
    }
    try {
      const handler = handlers[name] as (p: unknown) => Promise<unknown>;
      const result = await handler(parsed.data);
      this.post({ kind: 'response', id, ok: true, result });
    } catch (error) {
      if (error instanceof CockpitError) {
        return this.fail(id, {
          code: error.code,
          message: error.message,
          ...(error.field ? { field: error.field } : {}),
        });
      }
      this.cockpit.log.error(`Extensions view: ${method} failed: ${describeError(error)}`);
      this.fail(id, { code: 'internal', message: describeError(error) });
    }
  }

  private fail(id: number | null, error: ProtocolError): void {
    this.post({ kind: 'response', id, ok: false, error });
  }

  private notify<M extends keyof Notifications>(method: M, params: Notifications[M]): void {
    const message: NotificationMessage = { kind: 'notification', method, params };
    this.post(message);
  }

  private post(message: ResponseMessage | NotificationMessage): void {
    void this.panel.webview.postMessage(message);
  }
}
