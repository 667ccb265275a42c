import * as vscode from 'vscode';
import {
  createDashboard,
  createModule,
  createProfile,
  dashboardModules,
  projectHierarchy,
  switchActiveDashboard,
} from '../../core/hierarchy.js';
import { KNOWN_MODULE_TYPES } from '../../core/module-config.js';
import { projectAuditTrail } from '../../core/project-audit.js';
import { listWorkflowTemplates } from '../../core/projects.js';
import type { Db } from '../../db/connection.js';
import { registerCommand } from '../context.js';
import { pickAndRestoreVersion } from './history.js';
import type { CockpitContext } from './panel.js';
import type { FolderProject } from './workspace.js';

const MODULE_TYPE_LABELS: Record<string, string> = {
  checklist: 'Checklist — items to check off',
  decision_log: 'Decision log — what was decided and why',
  file_manager: 'File manager — pinned workspace files',
};

interface Scope {
  db: Db;
  folder: vscode.WorkspaceFolder;
  found: FolderProject;
  actor: string;
}

/** The current folder's project; offers to create one from a template when the folder has none. */
async function currentScope(context: CockpitContext): Promise<Scope | undefined> {
  const { cockpit, workspace } = context;
  const folder = workspace.folder();
  if (!folder) {
    void vscode.window.showInformationMessage('Cockpit: open a folder first; each workspace folder maps to a project.');
    return undefined;
  }
  const { db } = await cockpit.database.get();
  let found = await workspace.project(db, folder);
  if (!found) {
    const choice = await vscode.window.showInformationMessage(
      `Cockpit: the folder "${folder.name}" has no project yet.`,
      'Create from Template…',
    );
    if (!choice || !(await createProject(context, db, folder))) return undefined;
    found = await workspace.project(db, folder);
    if (!found) return undefined;
  }
  return { db, folder, found, actor: await workspace.actor(folder) };
}

/** QuickPick of the workflow templates, then a name; true when a project was created. */
async function createProject(context: CockpitContext, db: Db, folder: vscode.WorkspaceFolder): Promise<boolean> {
  const templates = await listWorkflowTemplates(db);
  const template = await vscode.window.showQuickPick(
    templates.map((t) => ({ label: t.name, detail: t.description ?? '' })),
    { title: `Cockpit: new project for ${folder.name} (1/2)`, placeHolder: 'Pick a workflow template' },
  );
  if (!template) return false;
  const name = await vscode.window.showInputBox({
    title: `Cockpit: new project for ${folder.name} (2/2)`,
    prompt: 'Project name',
    value: folder.name,
    validateInput: (v) => (v.trim() ? undefined : 'The name must not be empty.'),
  });
  if (name === undefined) return false;
  await context.workspace.createProject(db, folder, template.label, name.trim());
  return true;
}

const askName = (title: string, prompt: string) =>
  vscode.window.showInputBox({
    title,
    prompt,
    validateInput: (v) =>
      !v.trim() ? 'The name must not be empty.' : v.length > 255 ? 'At most 255 characters.' : undefined,
  });

async function pickDashboard(scope: Scope, title: string) {
  const profiles = await projectHierarchy(scope.db, scope.found.project.id);
  const items = profiles.flatMap((profile) => [
    { label: profile.name, kind: vscode.QuickPickItemKind.Separator },
    ...profile.dashboards.map((d) => ({
      label: `${d.id === profile.activeDashboardId ? '$(check) ' : ''}${d.name}`,
      description: d.id === profile.activeDashboardId ? 'active' : '',
      detail: d.description ?? undefined,
      profileId: profile.id,
      dashboardId: d.id,
    })),
  ]);
  if (!items.some((i) => 'dashboardId' in i)) {
    void vscode.window.showInformationMessage('Cockpit: no dashboards yet — create one with Cockpit: New Dashboard.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title, matchOnDescription: true });
  return picked && 'dashboardId' in picked ? picked : undefined;
}

export function registerCockpitCommands(context: CockpitContext): void {
  const { cockpit, workspace } = context;
  registerCommand(cockpit, 'cockpit.open', () => context.showPanel(performance.now()));

  registerCommand(cockpit, 'cockpit.createProject', async () => {
    const folder = workspace.folder();
    if (!folder) return;
    const { db } = await cockpit.database.get();
    if (await createProject(context, db, folder)) context.showPanel();
  });

  registerCommand(cockpit, 'cockpit.switchDashboard', async () => {
    const scope = await currentScope(context);
    if (!scope) return;
    const picked = await pickDashboard(scope, 'Cockpit: switch the active dashboard');
    if (!picked) return;
    await switchActiveDashboard(scope.db, scope.actor, picked.profileId, picked.dashboardId);
    workspace.fire('active');
  });

  /** From the tree: make the dashboard the active one and show it. */
  registerCommand(cockpit, 'cockpit.openDashboard', async (profileId: unknown, dashboardId: unknown) => {
    if (typeof profileId !== 'string' || typeof dashboardId !== 'string') return;
    const { db } = await cockpit.database.get();
    await switchActiveDashboard(db, await workspace.actor(workspace.folder()), profileId, dashboardId);
    workspace.fire('active');
    context.showPanel();
  });

  registerCommand(cockpit, 'cockpit.newProfile', async () => {
    const scope = await currentScope(context);
    const name = scope && (await askName('Cockpit: new profile', 'Profile name (e.g. Builder, Reviewer)'));
    if (!scope || !name) return;
    await createProfile(scope.db, scope.actor, { projectId: scope.found.project.id, name });
    workspace.fire('profile');
  });

  registerCommand(cockpit, 'cockpit.newDashboard', async () => {
    const scope = await currentScope(context);
    if (!scope) return;
    const profiles = await projectHierarchy(scope.db, scope.found.project.id);
    if (profiles.length === 0) {
      void vscode.window.showInformationMessage('Cockpit: create a profile first (Cockpit: New Profile).');
      return;
    }
    const choices = profiles.map((p) => ({ label: p.name, id: p.id }));
    const profile =
      choices.length === 1
        ? choices[0]
        : await vscode.window.showQuickPick(choices, {
            title: 'Cockpit: new dashboard (1/2)',
            placeHolder: 'In which profile?',
          });
    if (!profile) return;
    const name = await askName('Cockpit: new dashboard (2/2)', `Dashboard name in ${profile.label}`);
    if (!name) return;
    await createDashboard(scope.db, scope.actor, { profileId: profile.id, name });
    workspace.fire('dashboard');
  });

  registerCommand(cockpit, 'cockpit.newModule', async () => {
    const scope = await currentScope(context);
    if (!scope) return;
    const dashboard = await pickDashboard(scope, 'Cockpit: new module (1/3) — on which dashboard?');
    if (!dashboard) return;
    const type = await vscode.window.showQuickPick(
      KNOWN_MODULE_TYPES.map((t) => ({ label: t, detail: MODULE_TYPE_LABELS[t] })),
      { title: 'Cockpit: new module (2/3)', placeHolder: 'Module type' },
    );
    if (!type) return;
    const name = await askName('Cockpit: new module (3/3)', 'Module name');
    if (!name) return;
    await createModule(scope.db, scope.actor, { dashboardId: dashboard.dashboardId, moduleType: type.label, name });
    workspace.fire('module');
  });

  registerCommand(cockpit, 'cockpit.showVersionHistory', async (type?: unknown, id?: unknown) => {
    if ((type === 'dashboard' || type === 'module') && typeof id === 'string') {
      return pickAndRestoreVersion(context, type, id);
    }
    const scope = await currentScope(context);
    if (!scope) return;
    const profiles = await projectHierarchy(scope.db, scope.found.project.id);
    const items: Array<vscode.QuickPickItem & { type?: 'dashboard' | 'module'; id?: string }> = [];
    for (const profile of profiles) {
      for (const d of profile.dashboards) {
        items.push({ label: `${profile.name} › ${d.name}`, kind: vscode.QuickPickItemKind.Separator });
        items.push({ label: `$(dashboard) ${d.name}`, description: 'dashboard', type: 'dashboard', id: d.id });
        for (const m of await dashboardModules(scope.db, d.id)) {
          items.push({ label: `$(symbol-misc) ${m.name}`, description: m.moduleType, type: 'module', id: m.id });
        }
      }
    }
    const picked = await vscode.window.showQuickPick(items, { title: 'Cockpit: version history — of what?' });
    if (picked?.type && picked.id) return pickAndRestoreVersion(context, picked.type, picked.id);
    return undefined;
  });

  registerCommand(cockpit, 'cockpit.showAuditTrail', async () => {
    const scope = await currentScope(context);
    if (!scope) return;
    const rows = await projectAuditTrail(scope.db, scope.found.project.id);
    const icon = { success: '$(pass)', failure: '$(error)', partial: '$(warning)' } as const;
    await vscode.window.showQuickPick(
      rows.map((r) => ({
        label: `${icon[r.status]} ${r.action}`,
        description: `${r.resourceType} ${r.resourceId?.slice(0, 8) ?? ''}`,
        detail: `${r.timestamp.slice(0, 19).replace(' ', 'T')}Z · ${r.userId} · ${JSON.stringify(r.metadata ?? {}).slice(0, 160)}`,
      })),
      {
        title: `Cockpit: audit trail of ${scope.found.project.name} (newest first)`,
        matchOnDescription: true,
        matchOnDetail: true,
      },
    );
  });
}
