/**
 * The Time panel (Cockpit: Show Time & Versions, Show Version Layers): the clock-sync history chart
 * with the status per component, the 5-layer view and the project-snapshot actions. While visible,
 * its own clock takes part in clock checks as a `Browser` component (src/core/time/clock-exchange.ts).
 * Data comes from src/core/time/view.ts; the snapshot buttons run the commands' own flows.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import type { SnapshotInfo } from '../core/snapshots/snapshots.js';
import type { BrowserPeer, ClockReading } from '../core/time/check.js';
import { clockView, layersView, snapshotActionTarget } from '../core/time/view.js';
import type { Notifications, TimeLayersView } from '../protocol.js';
import type { Cockpit } from './context.js';
import { webviewClockPeer, type WebviewClockPeer } from './webview/clock-peer.js';
import type { RequestHandlers } from './webview/dispatcher.js';
import { SingletonPanel } from './webview/singleton.js';
import { serveView, type ServedView } from './webview/view.js';

const TIME_PANEL = 'cockpit.time';
const TITLE = 'Cockpit: Time & Versions';

/** What the panel borrows from src/vscode/time.ts (the commands' flows), passed in to avoid an import cycle. */
export interface TimeActions {
  checkClocks(): Thenable<ClockReading[]>;
  addClockPeer(peer: BrowserPeer): vscode.Disposable;
  /** The trusted workspace folder git runs in, if any. */
  trustedFolder(): string | undefined;
  /** The file of the last active text editor (a webview taking focus does not clear it). */
  lastFile(): vscode.Uri | undefined;
  createSnapshot(project: { id: string; name: string }): Promise<unknown>;
  restoreSnapshot(snapshot: SnapshotInfo): Promise<boolean>;
  exportSnapshot(snapshot: SnapshotInfo): Promise<unknown>;
  importSnapshot(): Promise<unknown>;
}

type Focus = Notifications['time/focus'];

/**
 * The panel (one per window; after a reload the webview restores its range, project, scope and
 * instant); returns what opens it, where `focus` asks for the layers of the project or active file.
 */
export function registerTimePanel(cockpit: Cockpit, actions: TimeActions): (focus?: Focus) => void {
  const panels = new SingletonPanel(cockpit, TIME_PANEL, TITLE, (panel, focus?: Focus) => {
    return new TimePanel(panel, cockpit, actions, focus);
  });
  return (focus) => {
    const { view, revealed } = panels.show(focus);
    if (revealed && focus) view.notify('time/focus', focus);
  };
}

class TimePanel {
  private readonly clockPeer: WebviewClockPeer;
  private readonly view: ServedView;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly cockpit: Cockpit,
    private readonly actions: TimeActions,
    private focus?: Notifications['time/focus'],
  ) {
    // While shown, this view's clock is checked as the `Browser` component "webview Time view".
    this.clockPeer = webviewClockPeer(panel, 'Time view', actions.addClockPeer);
    this.view = serveView(cockpit, panel, {
      page: {
        view: 'time',
        title: TITLE,
        stylesheets: ['dist/webview/uplot.css', 'media/controls.css', 'media/time.css'],
      },
      name: 'Time view',
      handlers: this.handlers(),
      refreshOn: [[cockpit.database.onDidChange, 'database']],
      refreshWhenShown: true,
      owned: [this.clockPeer],
    });
  }

  private handlers(): RequestHandlers {
    const database = () => this.cockpit.database.get();
    return {
      'view/ready': () => {
        // A command that opened the panel asked for a scope; the view applies it once it listens.
        if (this.focus) this.notify('time/focus', this.focus);
        this.focus = undefined;
        return { view: 'time' };
      },
      'time/clock': async ({ hours }) => clockView((await database()).db, { hours }),
      'time/check': async () => ({ readings: await this.actions.checkClocks() }),
      'time/clockReply': ({ probe, micros }) => ({ accepted: this.clockPeer.reply(probe, micros) }),
      'time/layers': async ({ projectId, scope, at }) => this.layers(projectId, scope, at),
      'time/snapshot': async ({ action, projectId, snapshotId }) => {
        const { project, snapshot } = await snapshotActionTarget((await database()).db, action, projectId, snapshotId);
        const done =
          action === 'create'
            ? await this.actions.createSnapshot(project)
            : action === 'import'
              ? await this.actions.importSnapshot()
              : action === 'restore'
                ? await this.actions.restoreSnapshot(snapshot!)
                : await this.actions.exportSnapshot(snapshot!);
        return { done: Boolean(done) };
      },
    };
  }

  private async layers(
    projectId: string | undefined,
    scope: 'project' | 'file',
    at: string | undefined,
  ): Promise<TimeLayersView> {
    const folder = this.actions.trustedFolder();
    let file: { relativePath: string; storedPaths: string[] } | undefined;
    let fileProblem: string | null = null;
    if (scope === 'file') {
      const uri = this.actions.lastFile();
      const absolute = uri?.fsPath;
      const relative = absolute && folder ? path.relative(folder, absolute) : undefined;
      if (!absolute) fileProblem = 'No file editor has been active in this window: open a file, then refresh.';
      else if (!relative || relative.startsWith('..') || path.isAbsolute(relative))
        fileProblem = `${path.basename(absolute)} is not inside the trusted workspace folder: showing the project.`;
      else file = { relativePath: relative, storedPaths: [relative, absolute] };
    }
    const result = await layersView(await this.cockpit.database.get(), { projectId, cwd: folder ?? null, file, at });
    return { ...result, file: file?.relativePath ?? null, fileProblem };
  }

  notify<M extends keyof Notifications>(method: M, params: Notifications[M]): void {
    this.view.notify(method, params);
  }
}
