/**
 * The VS Code side of time: clock-sync checks (command, schedule, status-bar drift warning),
 * project snapshots (create, restore with a diff preview, export, import) and the Time panel
 * (src/vscode/time-panel.ts) with the history chart and the 5-layer view. Everything it shows comes
 * from src/core/time and src/core/snapshots.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { describeTarget } from '../db/connection.js';
import { resolveActor } from '../core/actor.js';
import { invalid } from '../core/errors.js';
import {
  createSnapshot,
  exportSnapshot,
  importSnapshot,
  listProjects,
  listSnapshots,
  MAX_IMPORT_BYTES,
  previewRestore,
  restoreSnapshot,
  type SnapshotInfo,
} from '../core/snapshots/snapshots.js';
import { checkClocks, type BrowserPeer, type ClockReading } from '../core/time/check.js';
import { parseUtcMicros } from '../core/time/instant.js';
import { registerCommand, type Cockpit } from './context.js';
import { describeError } from './database.js';
import { registerTimePanel, type TimeActions } from './time-panel.js';

const NTP_SERVERS_SETTING = 'cockpit.clock.ntpServers';
const INTERVAL_SETTING = 'cockpit.clock.checkIntervalMinutes';
/** The first scheduled check waits until the window has settled: never on activation's path. */
const FIRST_CHECK_DELAY_MS = 60_000;

/** Webviews whose clocks take part in checks; the Time panel adds its own while it is visible. */
const clockPeers = new Set<BrowserPeer>();

export function addClockPeer(peer: BrowserPeer): vscode.Disposable {
  clockPeers.add(peer);
  return new vscode.Disposable(() => clockPeers.delete(peer));
}

/** The trusted project folder (git runs only there); `undefined` in untrusted or folder-less windows. */
function trustedFolder(): string | undefined {
  if (!vscode.workspace.isTrusted) return undefined;
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/** `2026-01-01T14:30:45Z` for labels; the full microseconds and local time go in details and tooltips. */
const shortZulu = (iso: string) => iso.replace(/\.\d{6}Z$/, 'Z');
const localTime = (iso: string) => new Date(Math.floor(parseUtcMicros(iso) / 1000)).toLocaleString();
const milliseconds = (micros: number) => `${(micros / 1000).toFixed(3)} ms`;

function readNtpServers(log: vscode.LogOutputChannel): string[] {
  const value = vscode.workspace.getConfiguration().get<unknown>(NTP_SERVERS_SETTING, ['pool.ntp.org']);
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) {
    log.warn(`${NTP_SERVERS_SETTING} must be a list of host[:port] strings; NTP is skipped.`);
    return [];
  }
  return value.map((s) => s.trim()).filter(Boolean);
}

function readIntervalMinutes(log: vscode.LogOutputChannel): number {
  const value = vscode.workspace.getConfiguration().get<unknown>(INTERVAL_SETTING, 15);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    log.warn(`${INTERVAL_SETTING} must be a number of minutes ≥ 0; using 15.`);
    return 15;
  }
  return value === 0 ? 0 : Math.max(1, value);
}

class ClockStatusBar implements vscode.Disposable {
  /** Created by the first check that finds a problem: nothing to show before that. */
  private item: vscode.StatusBarItem | undefined;

  /** Shown only while some component drifts or fails; hidden once all are synchronised. */
  update(readings: readonly ClockReading[]): void {
    const troubled = readings.filter((r) => r.status !== 'synchronized');
    if (troubled.length === 0) {
      this.item?.hide();
      return;
    }
    if (!this.item) {
      this.item = vscode.window.createStatusBarItem('cockpit.clockDrift', vscode.StatusBarAlignment.Right, 90);
      this.item.name = 'Cockpit Clock Drift';
      this.item.command = 'cockpit.checkClockSync';
    }
    const drifting = troubled.filter((r) => r.status === 'drifting');
    const worst = Math.max(0, ...drifting.map((r) => Math.abs(r.offsetMicroseconds)));
    this.item.text =
      drifting.length > 0 ? `$(warning) Clock drift ${(worst / 1000).toFixed(1)} ms` : '$(warning) Clock check failed';
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown('**Cockpit clock sync** (target < 10 ms against this machine)\n\n');
    for (const r of readings) {
      const value = r.status === 'error' ? (r.errorMessage ?? 'error') : milliseconds(r.offsetMicroseconds);
      tooltip.appendText(`${r.status === 'synchronized' ? '✓' : '⚠'} ${r.componentName} (${r.protocol}): ${value}\n`);
      tooltip.appendText(`   checked ${r.checkedAt} (${localTime(r.checkedAt)})\n`);
    }
    tooltip.appendMarkdown('\nClick to check again.');
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.item?.dispose();
  }
}

async function runClockCheck(cockpit: Cockpit, statusBar: ClockStatusBar): Promise<ClockReading[]> {
  const database = await cockpit.database.get();
  const report = await checkClocks(database.db, {
    pool: database.pool,
    serverName: `database ${describeTarget(database.config)}`,
    ntpServers: readNtpServers(cockpit.log),
    browsers: [...clockPeers],
  });
  for (const r of report.readings) {
    const value = r.status === 'error' ? r.errorMessage : milliseconds(r.offsetMicroseconds);
    cockpit.log.info(`Clock ${r.componentName} (${r.protocol}): ${r.status}, ${value}`);
  }
  statusBar.update(report.readings);
  return report.readings;
}

/** Repeats the check every N minutes (setting), first after a delay; failures go to the log only. */
function scheduleClockChecks(cockpit: Cockpit, statusBar: ClockStatusBar): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runClockCheck(cockpit, statusBar);
    } catch (error) {
      cockpit.log.warn(`Scheduled clock check failed: ${describeError(error)}`);
    } finally {
      running = false;
    }
  };
  const arm = (delayMs?: number) => {
    clearTimeout(timer);
    timer = undefined;
    const minutes = readIntervalMinutes(cockpit.log);
    if (minutes === 0) return;
    timer = setTimeout(
      function again() {
        void tick().finally(() => {
          timer = setTimeout(again, readIntervalMinutes(cockpit.log) * 60_000);
        });
      },
      delayMs ?? minutes * 60_000,
    );
  };
  arm(FIRST_CHECK_DELAY_MS);
  const listener = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(INTERVAL_SETTING)) arm();
  });
  return new vscode.Disposable(() => {
    clearTimeout(timer);
    listener.dispose();
  });
}

async function pickProject(cockpit: Cockpit, title: string): Promise<{ id: string; name: string } | undefined> {
  const { db } = await cockpit.database.get();
  const projects = await listProjects(db);
  if (projects.length === 0) {
    void vscode.window.showInformationMessage('Cockpit: there are no projects yet.');
    return undefined;
  }
  if (projects.length === 1) return projects[0];
  const picked = await vscode.window.showQuickPick(
    projects.map((p) => ({ label: p.name, description: p.id, project: p })),
    { title, placeHolder: 'Project', matchOnDescription: true },
  );
  return picked?.project;
}

async function pickSnapshot(cockpit: Cockpit, title: string): Promise<SnapshotInfo | undefined> {
  const project = await pickProject(cockpit, title);
  if (!project) return undefined;
  const snapshots = await listSnapshots((await cockpit.database.get()).db, project.id);
  if (snapshots.length === 0) {
    void vscode.window.showInformationMessage(`Cockpit: project "${project.name}" has no snapshots yet.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    snapshots.map((s) => ({
      label: `v${s.versionNumber}  ${s.description ?? '(no description)'}`,
      description: shortZulu(s.createdAt),
      detail: [
        `${s.createdAt} · ${localTime(s.createdAt)}`,
        `by ${s.createdBy}`,
        `${s.counts.dashboards} dashboards, ${s.counts.modules} modules`,
        s.gitTag ? `tag ${s.gitTag}` : s.gitHead ? `git ${s.gitHead.slice(0, 10)}` : '',
      ]
        .filter(Boolean)
        .join(' · '),
      snapshot: s,
    })),
    { title: `${title} — ${project.name}`, placeHolder: 'Snapshot', matchOnDetail: true },
  );
  return picked?.snapshot;
}

async function createProjectSnapshot(
  cockpit: Cockpit,
  chosen?: { id: string; name: string },
): Promise<SnapshotInfo | undefined> {
  const project = chosen ?? (await pickProject(cockpit, 'Cockpit: Create Project Snapshot'));
  if (!project) return undefined;
  const description = await vscode.window.showInputBox({
    title: `Snapshot of "${project.name}"`,
    prompt: 'Description (optional)',
    validateInput: (v) => (v.length > 10_000 ? 'At most 10,000 characters.' : undefined),
  });
  if (description === undefined) return undefined;
  const folder = trustedFolder();
  let gitTag: string | undefined;
  if (folder) {
    const tag = await vscode.window.showInputBox({
      title: `Snapshot of "${project.name}"`,
      prompt: 'Also tag git HEAD (optional): tag name, or leave empty',
    });
    if (tag === undefined) return undefined;
    gitTag = tag.trim() || undefined;
  }
  const snapshot = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Cockpit: snapshotting "${project.name}"…` },
    async () =>
      createSnapshot(await cockpit.database.get(), {
        projectId: project.id,
        description,
        createdBy: await resolveActor(folder),
        cwd: folder,
        gitTag,
      }),
  );
  void vscode.window.showInformationMessage(
    `Cockpit: snapshot v${snapshot.versionNumber} of "${project.name}" stored (${snapshot.counts.dashboards} dashboards, ${snapshot.counts.modules} modules).`,
  );
  return snapshot;
}

async function restoreProjectSnapshot(cockpit: Cockpit, chosen?: SnapshotInfo): Promise<boolean> {
  const snapshot = chosen ?? (await pickSnapshot(cockpit, 'Cockpit: Restore Project Snapshot'));
  if (!snapshot) return false;
  const preview = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Cockpit: comparing with the current state…' },
    async () => previewRestore((await cockpit.database.get()).db, snapshot.id),
  );
  if (preview.diff.identical) {
    void vscode.window.showInformationMessage(
      `Cockpit: the project already matches snapshot v${snapshot.versionNumber}.`,
    );
    return false;
  }
  const choice = await vscode.window.showWarningMessage(
    `Restore snapshot v${snapshot.versionNumber} (${shortZulu(snapshot.createdAt)})?`,
    {
      modal: true,
      detail: `${preview.summary.join('\n')}\n\nThe current state is snapshotted first; the restore runs in one transaction.`,
    },
    'Restore',
  );
  if (choice !== 'Restore') return false;
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Cockpit: restoring snapshot v${snapshot.versionNumber}…`,
    },
    async () =>
      restoreSnapshot(await cockpit.database.get(), snapshot.id, { createdBy: await resolveActor(trustedFolder()) }),
  );
  cockpit.log.info(`Restored snapshot ${snapshot.id} (v${snapshot.versionNumber}):\n${result.summary.join('\n')}`);
  const safety = result.safetySnapshot
    ? ` The previous state is saved as v${result.safetySnapshot.versionNumber}.`
    : '';
  void vscode.window.showInformationMessage(`Cockpit: snapshot v${snapshot.versionNumber} restored.${safety}`);
  return true;
}

async function exportProjectSnapshot(cockpit: Cockpit, chosen?: SnapshotInfo): Promise<vscode.Uri | undefined> {
  const snapshot = chosen ?? (await pickSnapshot(cockpit, 'Cockpit: Export Project Snapshot'));
  if (!snapshot) return undefined;
  const file = await exportSnapshot((await cockpit.database.get()).db, snapshot.id);
  const name = `${file.document.state.project.name.replace(/[^\w.-]+/g, '-').slice(0, 60)}-v${snapshot.versionNumber}.cockpit-snapshot.json`;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: 'Export Project Snapshot',
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: { 'Cockpit snapshot': ['json'] },
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, Buffer.from(`${JSON.stringify(file, null, 2)}\n`));
  void vscode.window.showInformationMessage(
    `Cockpit: snapshot v${snapshot.versionNumber} exported to ${path.basename(target.fsPath)}. API keys stay encrypted: only the same master key can use them.`,
  );
  return target;
}

async function importProjectSnapshot(cockpit: Cockpit): Promise<SnapshotInfo | undefined> {
  const [source] =
    (await vscode.window.showOpenDialog({
      title: 'Import Project Snapshot',
      canSelectMany: false,
      filters: { 'Cockpit snapshot': ['json'] },
    })) ?? [];
  if (!source) return undefined;
  const stat = await vscode.workspace.fs.stat(source);
  if (stat.size > MAX_IMPORT_BYTES) throw invalid(`${path.basename(source.fsPath)} is larger than 64 MB.`);
  const text = Buffer.from(await vscode.workspace.fs.readFile(source)).toString('utf8');
  const snapshot = await importSnapshot(await cockpit.database.get(), text, {
    createdBy: await resolveActor(trustedFolder()),
    source: path.basename(source.fsPath),
  });
  void vscode.window.showInformationMessage(
    `Cockpit: imported as snapshot v${snapshot.versionNumber} of project ${snapshot.projectId}. Use "Restore Project Snapshot…" to apply it.`,
  );
  return snapshot;
}

export function registerTime(cockpit: Cockpit): void {
  const statusBar = new ClockStatusBar();
  cockpit.extension.subscriptions.push(statusBar);
  cockpit.afterActivation(() => cockpit.extension.subscriptions.push(scheduleClockChecks(cockpit, statusBar)));

  registerCommand(cockpit, 'cockpit.checkClockSync', async () => {
    const readings = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Cockpit: checking clock sync…' },
      () => runClockCheck(cockpit, statusBar),
    );
    const troubled = readings.filter((r) => r.status !== 'synchronized');
    if (troubled.length === 0) {
      void vscode.window.showInformationMessage(
        `Cockpit: all ${readings.length} clocks are within 10 ms of this machine.`,
      );
    } else {
      const list = troubled
        .map((r) => `${r.componentName}: ${r.status === 'error' ? r.errorMessage : milliseconds(r.offsetMicroseconds)}`)
        .join('; ');
      void vscode.window.showWarningMessage(`Cockpit: clock sync — ${list}`);
    }
    return readings;
  });
  registerCommand(cockpit, 'cockpit.createProjectSnapshot', () => createProjectSnapshot(cockpit));
  registerCommand(cockpit, 'cockpit.restoreProjectSnapshot', () => restoreProjectSnapshot(cockpit));
  registerCommand(cockpit, 'cockpit.exportProjectSnapshot', () => exportProjectSnapshot(cockpit));
  registerCommand(cockpit, 'cockpit.importProjectSnapshot', () => importProjectSnapshot(cockpit));
  // The Time panel's "Active file" is the last file editor: focusing the panel clears activeTextEditor.
  const isFile = (editor: vscode.TextEditor | undefined) => editor?.document.uri.scheme === 'file';
  let lastFile: vscode.Uri | undefined;
  cockpit.afterActivation(() => {
    if (isFile(vscode.window.activeTextEditor)) lastFile = vscode.window.activeTextEditor?.document.uri;
    cockpit.extension.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (isFile(editor)) lastFile = editor?.document.uri;
      }),
    );
  });
  const actions: TimeActions = {
    checkClocks: () =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Cockpit: checking clock sync…' },
        () => runClockCheck(cockpit, statusBar),
      ),
    addClockPeer,
    trustedFolder,
    lastFile: () => lastFile,
    createSnapshot: (project) => createProjectSnapshot(cockpit, project),
    restoreSnapshot: (snapshot) => restoreProjectSnapshot(cockpit, snapshot),
    exportSnapshot: (snapshot) => exportProjectSnapshot(cockpit, snapshot),
    importSnapshot: () => importProjectSnapshot(cockpit),
  };
  const showTime = registerTimePanel(cockpit, actions);
  registerCommand(cockpit, 'cockpit.showTime', () => showTime());
  // Kept for its users: now the same panel, scrolled to the layers of the active file (or the project).
  registerCommand(cockpit, 'cockpit.showVersionLayers', () =>
    showTime({ scope: isFile(vscode.window.activeTextEditor) ? 'file' : 'project' }),
  );
}
