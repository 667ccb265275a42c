import { createHash } from 'node:crypto';
import path from 'node:path';
import * as vscode from 'vscode';
import { invalid } from '../core/errors.js';
import {
  ATIME_NOTE,
  captureFolder,
  CaptureWriter,
  createIgnoreMatcher,
  enabledGlobs,
  fileTimeline,
  FolderWatcher,
  GitShaResolver,
  renderTimelineMarkdown,
} from '../core/watcher/index.js';
import { ensureFolderProject, findFolderProject } from '../core/projects.js';
import { registerCommand, type Cockpit } from './context.js';
import { describeError } from './database.js';

const ENABLED = 'cockpit.watcher.enabled';
const EXCLUDE = 'cockpit.watcher.exclude';
const TIMELINE_SCHEME = 'cockpit-timeline';

interface FolderState {
  folder: vscode.WorkspaceFolder;
  git: GitShaResolver;
  projectId?: string;
  watcher?: FolderWatcher;
}

/**
 * Watches every workspace folder into `filesystem_timestamps` (core/watcher does the work), and
 * contributes "Capture File Timestamps" and "Show File Timeline". Starts after activation, never in
 * an untrusted workspace, and stops with its folder or the extension.
 */
export function registerWatcher(cockpit: Cockpit): void {
  const service = new WatcherService(cockpit);
  const timelines = new TimelineDocuments();
  cockpit.extension.subscriptions.push(
    service,
    vscode.workspace.registerTextDocumentContentProvider(TIMELINE_SCHEME, timelines),
  );
  // The first start reads settings, asks git and the database.
  cockpit.afterActivation(() => {
    cockpit.extension.subscriptions.push(
      vscode.workspace.onDidChangeWorkspaceFolders((e) => void service.foldersChanged(e)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void service.restart()),
      // A folder without a project is not watched until one is created for it.
      cockpit.folderProjects.event(() => void service.restart()),
      cockpit.database.onDidChange(() => service.databaseChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('cockpit.watcher') || e.affectsConfiguration('files.watcherExclude')) {
          void service.restart();
        }
      }),
    );
    void service.restart();
  });
  registerCommand(cockpit, 'cockpit.captureFileTimestamps', (uri) => service.captureNow(uri));
  registerCommand(cockpit, 'cockpit.showFileTimeline', async (uri) => {
    const markdown = await service.timeline(uri);
    await vscode.commands.executeCommand('markdown.showPreview', timelines.show(markdown.title, markdown.text));
  });
}

class WatcherService implements vscode.Disposable {
  private readonly folders = new Map<string, FolderState>();
  private writer: Promise<CaptureWriter> | undefined;
  private restarting: Promise<void> = Promise.resolve();
  private waitingForDatabase: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly cockpit: Cockpit) {}

  /** (Re)starts the watchers for the current folders and settings. */
  restart(): Promise<void> {
    this.restarting = this.restarting.then(async () => {
      await this.stopAll();
      if (this.disposed || !vscode.workspace.isTrusted) return;
      if (!vscode.workspace.getConfiguration().get<boolean>(ENABLED, true)) return;
      for (const folder of vscode.workspace.workspaceFolders ?? []) await this.startFolder(folder);
    });
    return this.restarting.catch((error) => this.cockpit.log.error(`File watcher: ${describeError(error)}`));
  }

  async foldersChanged(event: vscode.WorkspaceFoldersChangeEvent): Promise<void> {
    for (const folder of event.removed) {
      const state = this.folders.get(folder.uri.toString());
      this.folders.delete(folder.uri.toString());
      await state?.watcher?.close();
    }
    if (event.added.length > 0) await this.restart();
  }

  async captureNow(uri: unknown): Promise<void> {
    this.requireTrust();
    const folder = await this.pickFolder(uri);
    if (!folder) return;
    const state = this.state(folder);
    const projectId = await this.projectOf(state, { create: true });
    const writer = await this.openWriter();
    const isIgnored = this.ignoreMatcher(folder);
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Cockpit: capturing file timestamps of ${folder.name}`,
        cancellable: true,
      },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const scan = await captureFolder({ root: folder.uri.fsPath, projectId, git: state.git, writer }, isIgnored, {
          signal: abort.signal,
          onProgress: ({ files }) => progress.report({ message: `${files} files` }),
        });
        progress.report({ message: `${scan.files} files; committing…` });
        await writer.flush(60_000);
        return scan;
      },
    );
    const stats = (await this.openWriter()).statistics;
    this.cockpit.log.info(
      `Captured ${result.files} file(s) of ${folder.name}${result.cancelled ? ' (cancelled)' : ''} in ${Math.round(result.durationMs)} ms; writer totals: ${stats.inserted} inserted, ${stats.duplicates} unchanged, ${stats.statements} statements.`,
    );
    void vscode.window.showInformationMessage(
      `Cockpit: ${result.cancelled ? 'capture cancelled after' : 'captured'} ${result.files} file(s) of ${folder.name}. ${ATIME_NOTE}`,
    );
  }

  async timeline(uri: unknown): Promise<{ title: string; text: string }> {
    this.requireTrust();
    const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    if (!target || target.scheme !== 'file') throw invalid('Select a file in the Explorer or open one in an editor.');
    const folder = vscode.workspace.getWorkspaceFolder(target);
    if (!folder) throw invalid(`${target.fsPath} is not inside a workspace folder.`);
    const state = this.state(folder);
    const projectId = await this.projectOf(state, { create: false });
    if (!projectId) {
      throw invalid(`${folder.name} has no Cockpit project yet: create one in the Cockpit (Cockpit: Open Cockpit).`);
    }
    const filePath = path.relative(folder.uri.fsPath, target.fsPath).split(path.sep).join('/');
    const database = await this.cockpit.database.get();
    const timeline = await fileTimeline(database.db, state.git, { projectId, filePath });
    return { title: filePath, text: renderTimelineMarkdown(timeline) };
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.waitingForDatabase);
    void this.stopAll().then(async () => (await this.writer)?.close(3000));
  }

  private requireTrust(): void {
    if (!vscode.workspace.isTrusted) {
      throw invalid('The workspace is not trusted: the Cockpit does not run git or capture files here.');
    }
  }

  private state(folder: vscode.WorkspaceFolder): FolderState {
    const key = folder.uri.toString();
    let state = this.folders.get(key);
    if (!state) {
      state = {
        folder,
        git: new GitShaResolver({ root: folder.uri.fsPath, warn: (m) => this.cockpit.log.warn(m) }),
      };
      this.folders.set(key, state);
    }
    return state;
  }

  private async startFolder(folder: vscode.WorkspaceFolder): Promise<void> {
    if (folder.uri.scheme !== 'file') return;
    const state = this.state(folder);
    let projectId: string | undefined;
    try {
      projectId = await this.projectOf(state, { create: false });
    } catch (error) {
      this.cockpit.log.warn(
        `File watcher for ${folder.name} not started: ${describeError(error)} It tries again when the database connects, or in a minute.`,
      );
      this.retryLater();
      return;
    }
    if (!projectId) {
      this.cockpit.log.info(`${folder.name} has no Cockpit project yet: its files are watched once it has one.`);
      return;
    }
    const writer = await this.openWriter();
    state.watcher = await FolderWatcher.start({
      root: folder.uri.fsPath,
      projectId,
      writer,
      git: state.git,
      isIgnored: this.ignoreMatcher(folder),
      log: this.cockpit.log,
    });
    this.cockpit.log.info(`Watching ${folder.uri.fsPath} for file timestamps (project ${projectId}).`);
  }

  /** A folder that could not find its project starts as soon as the database connects, not a minute later. */
  databaseChanged(): void {
    if (!this.waitingForDatabase) return;
    clearTimeout(this.waitingForDatabase);
    this.waitingForDatabase = undefined;
    void this.restart();
  }

  private retryLater(): void {
    if (this.waitingForDatabase || this.disposed) return;
    this.waitingForDatabase = setTimeout(() => {
      this.waitingForDatabase = undefined;
      void this.restart();
    }, 60_000);
  }

  /**
   * The folder's project, as the Cockpit finds it (`create`: else a new one, for an explicit capture);
   * undefined when it has none. Asked again at every (re)start; the last answer is remembered per
   * folder so the watcher can start, spooling, while the database is down.
   */
  private async projectOf(state: FolderState, options: { create: true }): Promise<string>;
  private async projectOf(state: FolderState, options: { create: false }): Promise<string | undefined>;
  private async projectOf(state: FolderState, options: { create: boolean }): Promise<string | undefined> {
    if (state.projectId) return state.projectId;
    const key = `cockpit.watcher.project/${state.folder.uri.toString()}`;
    const root = state.folder.uri.fsPath;
    let database;
    try {
      database = await this.cockpit.database.get();
    } catch (error) {
      const remembered = this.cockpit.extension.workspaceState.get<string>(key);
      if (!remembered) throw error;
      return (state.projectId = remembered);
    }
    const found = options.create
      ? await ensureFolderProject(database.db, root)
      : await findFolderProject(database.db, root);
    if (!found) return undefined;
    if (found.matchedBy === 'created') this.cockpit.folderProjects.fire();
    this.cockpit.log.info(
      `Folder ${state.folder.name} → project ${found.project.name} (${found.project.id}, ${found.matchedBy}).`,
    );
    await this.cockpit.extension.workspaceState.update(key, found.project.id);
    return (state.projectId = found.project.id);
  }

  private ignoreMatcher(folder: vscode.WorkspaceFolder) {
    const configuration = vscode.workspace.getConfiguration(undefined, folder.uri);
    const own = configuration.get<unknown>(EXCLUDE, []);
    if (!Array.isArray(own)) this.cockpit.log.warn(`${EXCLUDE} must be an array of globs; it is ignored.`);
    const patterns = [...enabledGlobs(configuration.get('files.watcherExclude')), ...(Array.isArray(own) ? own : [])];
    return createIgnoreMatcher(folder.uri.fsPath, patterns, (m) => this.cockpit.log.warn(`${folder.name}: ${m}`));
  }

  /** One writer (and spool) per window, in the extension's global storage. */
  private openWriter(): Promise<CaptureWriter> {
    this.writer ??= CaptureWriter.open({
      spoolDir: path.join(this.cockpit.extension.globalStorageUri.fsPath, 'watcher-spool'),
      spoolName: `window-${workspaceKey()}`,
      connection: async () => (await this.cockpit.database.get()).pool,
      log: this.cockpit.log,
      onSpoolFull: (message) => void vscode.window.showWarningMessage(`DevGuide Cockpit: ${message}`),
    }).catch((error: unknown) => {
      this.writer = undefined;
      throw error;
    });
    return this.writer;
  }

  private async pickFolder(uri: unknown): Promise<vscode.WorkspaceFolder | undefined> {
    if (uri instanceof vscode.Uri) {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (folder) return folder;
    }
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) throw invalid('Open a folder first: there is nothing to capture.');
    if (folders.length === 1) return folders[0];
    return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder whose file timestamps to capture' });
  }

  private async stopAll(): Promise<void> {
    const watchers = [...this.folders.values()].map((state) => state.watcher);
    for (const state of this.folders.values()) {
      state.watcher = undefined;
      state.projectId = undefined;
    }
    await Promise.all(watchers.map((watcher) => watcher?.close()));
  }
}

/** The workspace's identity: its .code-workspace file, else its folders. */
function workspaceKey(): string {
  const identity =
    vscode.workspace.workspaceFile?.toString() ??
    (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()).join('\n');
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}

/** Read-only markdown documents shown in the markdown preview (no file on disk, nothing to save). */
class TimelineDocuments implements vscode.TextDocumentContentProvider {
  private readonly documents = new Map<string, string>();
  private counter = 0;

  show(title: string, markdown: string): vscode.Uri {
    const uri = vscode.Uri.from({
      scheme: TIMELINE_SCHEME,
      path: `/${title.replace(/[\\/]/g, '∕')}.timeline.md`,
      query: String(++this.counter),
    });
    this.documents.set(uri.toString(), markdown);
    // Keep the last few: a preview re-reads its document when it is reopened.
    for (const key of this.documents.keys()) {
      if (this.documents.size <= 20) break;
      this.documents.delete(key);
    }
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.documents.get(uri.toString()) ?? '# This timeline is no longer available; run the command again.';
  }
}
