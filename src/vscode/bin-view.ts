/**
 * The Bin panel (Cockpit: Open The Bin): changes by status with payload, validation results,
 * impact and propagation log; compliance, violations and the high-impact report; standards and
 * guardrails editing. Handlers live in bin-view-handlers.ts (no vscode, tested on MariaDB).
 */
import * as vscode from 'vscode';
import { resolveActor } from '../core/actor.js';
import { binFingerprint } from '../core/bin/index.js';
import { binViewHandlers } from './bin-view-handlers.js';
import { registerCommand, type Cockpit } from './context.js';
import { pricingFromSettings } from './cortex.js';
import { SingletonPanel } from './webview/singleton.js';
import { serveView, type ServedView } from './webview/view.js';

const BIN_PANEL = 'cockpit.bin';
const TITLE = 'Cockpit: The Bin';
/** While the panel is visible: the Bin changes from other windows, the CLI and the worker. */
const POLL_MS = 5000;

/** Cockpit: Open The Bin, and the panel's serializer. */
export function registerBinPanel(cockpit: Cockpit): void {
  const panels = new SingletonPanel(cockpit, BIN_PANEL, TITLE, (panel) => new BinPanel(panel, cockpit));
  registerCommand(cockpit, 'cockpit.bin.open', () => panels.show());
}

class BinPanel {
  private timer: NodeJS.Timeout | undefined;
  private fingerprint: string | undefined;
  private polling = false;
  /** After a failed poll (database unreachable) the next ones back off, up to 5 minutes. */
  private failures = 0;
  private nextPollAt = 0;
  private readonly view: ServedView;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly cockpit: Cockpit,
  ) {
    const handlers = binViewHandlers({
      database: () => cockpit.database.get(),
      actor: () => resolveActor(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath),
      // The window's Bin worker processes what was just queued (approve, retry, resubmit).
      queued: () => void vscode.commands.executeCommand('cockpit.bin.process'),
      pricing: pricingFromSettings,
    });
    this.view = serveView(cockpit, panel, {
      page: { view: 'bin', title: TITLE },
      name: 'Bin view',
      handlers,
      owned: [
        cockpit.database.onDidChange(() => {
          this.nextPollAt = 0;
          this.fingerprint = undefined;
          this.view.notify('data/changed', { reason: 'database' });
        }),
        panel.onDidChangeViewState(({ webviewPanel }) => this.setPolling(webviewPanel.visible)),
        { dispose: () => this.setPolling(false) },
      ],
    });
    this.setPolling(panel.visible);
  }

  private setPolling(visible: boolean): void {
    if (visible && !this.timer) {
      // The first poll takes the baseline; the view loads its data itself.
      this.fingerprint = undefined;
      void this.poll();
      this.timer = setInterval(() => void this.poll(), POLL_MS);
    }
    if (!visible && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** One small index-only query; the view refetches only when the fingerprint moved. */
  private async poll(): Promise<void> {
    if (this.polling || Date.now() < this.nextPollAt) return;
    this.polling = true;
    try {
      const database = await this.cockpit.database.get();
      const next = await binFingerprint(database.db);
      if (this.fingerprint !== undefined && next !== this.fingerprint)
        this.view.notify('data/changed', { reason: 'bin' });
      this.fingerprint = next;
      this.failures = 0;
    } catch {
      // Disconnected: the view shows the error of its own next request; retrying every 5 s would
      // only reconnect (and log) in a loop.
      this.failures++;
      this.nextPollAt = Date.now() + Math.min(POLL_MS * 2 ** this.failures, 5 * 60_000);
    } finally {
      this.polling = false;
    }
  }
}
