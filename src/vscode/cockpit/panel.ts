import { setTimeout as sleep } from 'node:timers/promises';
import * as vscode from 'vscode';
import {
  createDashboard,
  createModule,
  createProfile,
  dashboardModules,
  deleteDashboard,
  deleteModule,
  deleteProfile,
  getDashboard,
  getModule,
  getProfile,
  projectHierarchy,
  renameModule,
  reorderDashboards,
  reorderModules,
  reorderProfiles,
  switchActiveDashboard,
  updateDashboard,
  updateProfile,
} from '../../core/hierarchy.js';
import {
  addChecklistItem,
  addDecision,
  pinFile,
  pinnedFileLocation,
  removeChecklistItem,
  setChecklistItemDone,
  setDecisionStatus,
  unpinFile,
} from '../../core/module-actions.js';
import { CockpitError } from '../../core/errors.js';
import { listWorkflowTemplates } from '../../core/projects.js';
import type { Database } from '../../db/connection.js';
import type { CockpitState } from '../../protocol.js';
import { describeError } from '../database.js';
import { connectDatabase } from '../database-commands.js';
import type { Cockpit } from '../context.js';
import { addClockPeer } from '../time.js';
import { webviewClockPeer, type WebviewClockPeer } from '../webview/clock-peer.js';
import { createDispatcher, disconnectedMessage, type RequestHandlers } from '../webview/dispatcher.js';
import { postNotification, serveRequests } from '../webview/host.js';
import { webviewHtml, type ViewPage } from '../webview/html.js';
import { SingletonPanel } from '../webview/singleton.js';
import { pickAndRestoreVersion } from './history.js';
import type { CockpitWorkspace } from './workspace.js';

const COCKPIT_VIEW_TYPE = 'cockpit.panel';

/** How long a new panel's page waits for its first state before it goes without (the page then asks). */
const BOOTSTRAP_WAIT_MS = 250;

export interface CockpitContext {
  cockpit: Cockpit;
  workspace: CockpitWorkspace;
  /** Reveals or opens the panel; `startedAt` is when the user asked (for the first render's time). */
  showPanel(startedAt?: number): void;
}

/** The panel (one per window, restored after a reload); returns what opens it. */
export function registerCockpitPanel(context: CockpitContext): CockpitContext['showPanel'] {
  const panels = new SingletonPanel(
    context.cockpit,
    COCKPIT_VIEW_TYPE,
    'Cockpit',
    (panel, startedAt?: number) => new CockpitPanel(context, panel, startedAt),
  );
  return (startedAt = performance.now()) => void panels.show(startedAt);
}

/** The Cockpit webview panel. */
class CockpitPanel {
  private readonly disposables: vscode.Disposable[] = [];
  private firstRenderLogged = false;
  private clockPeer: WebviewClockPeer | undefined;
  /**
   * A new panel's first state, computed as it opens: embedded in its page when ready soon enough,
   * else taken by the page's first request; dropped by any change.
   */
  private prefetched: Promise<CockpitState> | undefined;
  private readonly startedAt: number;
  private disposed = false;

  /** `openedAt`: when the user asked for a new panel; undefined for one VS Code restores after a reload. */
  constructor(
    private readonly context: CockpitContext,
    readonly panel: vscode.WebviewPanel,
    openedAt: number | undefined,
  ) {
    const { cockpit, workspace } = context;
    this.startedAt = openedAt ?? performance.now();
    const extensionUri = cockpit.extension.extensionUri;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    // Inlined: the Cockpit's first render is the one users wait for (docs/performance.md).
    const page: ViewPage = { view: 'cockpit', title: 'Cockpit', inline: true };
    if (openedAt === undefined) {
      // A restored view asks for its saved folder and profile: connect meanwhile, so the pool is ready.
      void cockpit.database.get().catch(() => undefined);
      panel.webview.html = webviewHtml(panel.webview, extensionUri, page);
    } else {
      // A new view has no saved folder or profile: its first state is the default one.
      const prefetched = this.state(undefined, undefined);
      prefetched.catch(() => undefined);
      this.prefetched = prefetched;
      void this.showFirstPage(page, prefetched);
    }
    // While shown, the panel's clock is checked as the `Browser` component "webview Cockpit".
    this.clockPeer = webviewClockPeer(panel, 'Cockpit', addClockPeer);
    this.disposables.push(this.clockPeer);
    const dispatch = createDispatcher(this.handlers(), { logError: (m) => cockpit.log.error(m) });
    const refresh = (reason: string) => {
      this.prefetched = undefined;
      void postNotification(panel.webview, 'data/changed', { reason });
    };
    let wasActive = panel.active;
    this.disposables.push(
      serveRequests(panel.webview, dispatch),
      workspace.onDidChange(refresh),
      // Changes from other windows or the CLI show up when the user comes back (not on the first show:
      // the view fetches its state itself then).
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active && !wasActive) refresh('focus');
        wasActive = e.webviewPanel.active;
      }),
      vscode.window.onDidChangeWindowState((s) => s.focused && panel.visible && refresh('focus')),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /**
   * Sets a new panel's page with its first state in it, so the view renders without a round trip
   * to the host; when the state takes longer than BOOTSTRAP_WAIT_MS (a cold or unreachable
   * database) the page goes without it and asks, and its request takes the state when it is ready.
   */
  private async showFirstPage(page: ViewPage, prefetched: Promise<CockpitState>): Promise<void> {
    const state = await Promise.race([prefetched.catch(() => undefined), sleep(BOOTSTRAP_WAIT_MS)]);
    if (this.disposed) return;
    // Not when a change came in meanwhile: the page asks for the new state then.
    const bootstrap = state && this.prefetched === prefetched ? state : undefined;
    if (bootstrap) this.prefetched = undefined;
    const { webview } = this.panel;
    webview.html = webviewHtml(webview, this.context.cockpit.extension.extensionUri, { ...page, bootstrap });
  }

  private dispose(): void {
    this.disposed = true;
    for (const d of this.disposables) d.dispose();
  }

  private handlers(): RequestHandlers {
    const { cockpit, workspace } = this.context;
    const db = async () => (await cockpit.database.get()).db;
    const actor = () => workspace.actor(workspace.folder());
    /** Runs a change, then tells every view of this window to refresh. */
    const change = async <T>(reason: string, run: (db: Database['db'], actor: string) => Promise<T>) => {
      const result = await run(await db(), await actor());
      workspace.fire(reason);
      return result;
    };
    const folderOf = (uri: string) => {
      const folder = workspace.folder(uri);
      if (!folder || folder.uri.toString() !== uri) {
        throw new CockpitError('forbidden', 'That folder is not part of this workspace.', 'folder');
      }
      return folder;
    };
    const confirm = async (message: string, detail: string) =>
      (await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Delete')) === 'Delete';
    const ok = { ok: true } as const;

    return {
      'view/ready': () => {
        if (!this.firstRenderLogged) {
          this.firstRenderLogged = true;
          cockpit.log.info(
            `Cockpit panel rendered ${(performance.now() - this.startedAt).toFixed(0)} ms after opening.`,
          );
        }
        return { view: 'cockpit' };
      },
      'cockpit/state': (p) => {
        const prefetched = !p.folder && !p.profileId ? this.prefetched : undefined;
        this.prefetched = undefined;
        return prefetched ?? this.state(p.folder, p.profileId);
      },
      'time/clockReply': ({ probe, micros }) => ({ accepted: this.clockPeer?.reply(probe, micros) ?? false }),
      'database/connect': async () => ({ connected: await connectDatabase(cockpit) }),
      'project/create': async (p) => {
        const database = await cockpit.database.get();
        return { projectId: await workspace.createProject(database.db, folderOf(p.folder), p.template, p.name) };
      },
      'profile/create': (p) => change('profile', (d, a) => createProfile(d, a, p)),
      'profile/update': (p) => change('profile', (d, a) => updateProfile(d, a, p.id, p)).then(() => ok),
      'profile/delete': async (p) => {
        const profile = await getProfile(await db(), p.id);
        if (!(await confirm(`Delete profile "${profile.name}"?`, 'Its dashboards and modules are deleted too.'))) {
          return { deleted: false };
        }
        await change('profile', (d, a) => deleteProfile(d, a, p.id));
        return { deleted: true };
      },
      'profile/reorder': (p) => change('profile', (d, a) => reorderProfiles(d, a, p.projectId, p.ids)).then(() => ok),
      'dashboard/create': (p) => change('dashboard', (d, a) => createDashboard(d, a, p)).then(({ id }) => ({ id })),
      'dashboard/update': (p) => change('dashboard', (d, a) => updateDashboard(d, a, p.id, p)).then(() => ok),
      'dashboard/delete': async (p) => {
        const dashboard = await getDashboard(await db(), p.id);
        if (!(await confirm(`Delete dashboard "${dashboard.name}"?`, 'Its modules are deleted too.'))) {
          return { deleted: false };
        }
        await change('dashboard', (d, a) => deleteDashboard(d, a, p.id));
        return { deleted: true };
      },
      'dashboard/reorder': (p) =>
        change('dashboard', (d, a) => reorderDashboards(d, a, p.profileId, p.ids)).then(() => ok),
      'dashboard/switch': (p) =>
        change('active', (d, a) => switchActiveDashboard(d, a, p.profileId, p.dashboardId)).then(() => ok),
      'module/create': (p) => change('module', (d, a) => createModule(d, a, p)),
      'module/rename': (p) => change('module', (d, a) => renameModule(d, a, p.id, p.name)).then(() => ok),
      'module/delete': async (p) => {
        const module = await getModule(await db(), p.id);
        if (!(await confirm(`Delete module "${module.name}"?`, 'Its history stays and can be inspected.'))) {
          return { deleted: false };
        }
        await change('module', (d, a) => deleteModule(d, a, p.id));
        return { deleted: true };
      },
      'module/reorder': (p) => change('module', (d, a) => reorderModules(d, a, p.dashboardId, p.ids)).then(() => ok),
      'checklist/add': (p) => change('module', (d, a) => addChecklistItem(d, a, p.moduleId, p.text)).then(() => ok),
      'checklist/check': (p) =>
        change('module', (d, a) => setChecklistItemDone(d, a, p.moduleId, p, p.done)).then(() => ok),
      'checklist/remove': (p) => change('module', (d, a) => removeChecklistItem(d, a, p.moduleId, p)).then(() => ok),
      'decision/add': (p) => change('module', (d, a) => addDecision(d, a, p.moduleId, p)).then(() => ok),
      'decision/status': (p) =>
        change('module', (d, a) => setDecisionStatus(d, a, p.moduleId, p, p.status)).then(() => ok),
      'file/pin': async (p) => {
        const folder = folderOf(p.folder);
        let path = p.path;
        if (path === undefined) {
          const picked = await vscode.window.showOpenDialog({
            defaultUri: folder.uri,
            canSelectMany: false,
            openLabel: 'Pin',
            title: `Pin a file of ${folder.name}`,
          });
          if (!picked?.[0]) return { pinned: null };
          path = picked[0].fsPath;
        }
        const file = path;
        await change('module', (d, a) => pinFile(d, a, p.moduleId, folder.uri.fsPath, file));
        return { pinned: file };
      },
      'file/unpin': (p) => change('module', (d, a) => unpinFile(d, a, p.moduleId, p.path)).then(() => ok),
      'file/open': async (p) => {
        const folder = folderOf(p.folder);
        const location = await pinnedFileLocation(await db(), p.moduleId, folder.uri.fsPath, p.path);
        await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(location));
        return ok;
      },
      'audit/show': async () => {
        await vscode.commands.executeCommand('cockpit.showAuditTrail');
        return ok;
      },
      'history/show': async (p) => ({
        restored: await pickAndRestoreVersion(this.context, p.resourceType, p.resourceId),
      }),
    };
  }

  private async state(folderUri: string | undefined, profileId: string | undefined): Promise<CockpitState> {
    const { cockpit, workspace } = this.context;
    const empty: CockpitState = {
      status: 'no-folder',
      folders: workspace.folders(),
      folder: null,
      templates: [],
      project: null,
      profiles: [],
      profileId: null,
      dashboard: null,
      modules: [],
    };
    const folder = workspace.folder(folderUri);
    if (!folder) return empty;
    const here = { ...empty, folder: { uri: folder.uri.toString(), name: folder.name } };
    let database: Database;
    try {
      database = await cockpit.database.get();
    } catch (error) {
      const setting = vscode.workspace.getConfiguration().inspect<string>('cockpit.database.url');
      const configured = [setting?.globalValue, setting?.workspaceValue, setting?.workspaceFolderValue].some(Boolean);
      return { ...here, status: configured ? 'disconnected' : 'no-database', message: describeError(error) };
    }
    try {
      return await this.projectState(database, folder, here, profileId);
    } catch (error) {
      const message = disconnectedMessage(error);
      if (!message) throw error;
      cockpit.log.warn(`Cockpit panel: ${(error as Error).message}`);
      return { ...here, status: 'disconnected', message };
    }
  }

  private async projectState(
    database: Database,
    folder: vscode.WorkspaceFolder,
    here: CockpitState,
    profileId: string | undefined,
  ): Promise<CockpitState> {
    const { workspace } = this.context;
    const found = await workspace.project(database.db, folder);
    if (!found) {
      const templates = await listWorkflowTemplates(database.db);
      return {
        ...here,
        status: 'no-project',
        templates: templates.map(({ name, description }) => ({ name, description })),
      };
    }
    const profiles = await projectHierarchy(database.db, found.project.id);
    const profile = profiles.find((p) => p.id === profileId) ?? profiles[0];
    const dashboard = profile?.dashboards.find((d) => d.id === profile.activeDashboardId) ?? null;
    return {
      ...here,
      status: 'ready',
      project: {
        id: found.project.id,
        name: found.project.name,
        workflowTemplate: found.project.workflowTemplate,
        matchedBy: found.matchedBy,
      },
      profiles,
      profileId: profile?.id ?? null,
      dashboard,
      modules: dashboard ? await dashboardModules(database.db, dashboard.id) : [],
    };
  }
}
