/**
 * The "Extensions" panel: installed extensions with their mapping state and the enabled extension
 * dashboards, on the shared webview helpers (CSP + nonce page, validating dispatcher).
 */
import * as vscode from 'vscode';
import type { Cockpit } from '../context.js';
import type { RequestHandlers } from '../webview/dispatcher.js';
import { SingletonPanel } from '../webview/singleton.js';
import { serveView } from '../webview/view.js';
import type { ExtensionDashboards } from './controller.js';

const EXTENSIONS_PANEL = 'cockpit.extensions';

const TITLE = 'Cockpit: Extensions';

/** The panel (one per window, restored after a reload); returns what opens it. */
export function registerExtensionsPanel(cockpit: Cockpit, controller: ExtensionDashboards): () => void {
  const panels = new SingletonPanel(
    cockpit,
    EXTENSIONS_PANEL,
    TITLE,
    (panel) => new ExtensionsPanel(panel, cockpit, controller),
  );
  return () => void panels.show();
}

class ExtensionsPanel {
  constructor(
    readonly panel: vscode.WebviewPanel,
    cockpit: Cockpit,
    private readonly controller: ExtensionDashboards,
  ) {
    serveView(cockpit, panel, {
      page: { view: 'extensions', title: TITLE },
      name: 'Extensions view',
      handlers: this.handlers(),
      refreshOn: [
        [controller.onDidChange, 'extensions'],
        [cockpit.database.onDidChange, 'database'],
        [vscode.workspace.onDidChangeConfiguration, 'settings'],
      ],
      refreshWhenShown: true,
    });
  }

  private handlers(): RequestHandlers {
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
      'extensions/overridesForm': async (p) => ({ fields: await c.overridesForm(p.extensionId) }),
      'extensions/saveOverridesForm': async (p) => (await c.saveOverridesForm(p.extensionId, p.edits), ok),
      'extensions/template': (p) => c.template(p.templateId),
      'extensions/previewTemplate': ({ templateId, ...change }) => c.previewTemplate(templateId, change),
      'extensions/saveTemplate': ({ templateId, ...change }) => c.saveTemplate(templateId, change),
      'extensions/rollbackTemplate': (p) => c.rollbackTemplate(p.templateId, p.toVersion),
    };
  }
}
