/**
 * Extension dashboards in VS Code: synchronises the workspace project's mappings with the installed
 * extensions (after activation and on every install/uninstall), the commands of the feature and
 * the "Extensions" panel.
 */
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { CockpitError } from '../core/errors.js';
import {
  approveTemplate,
  deleteTemplate,
  diffVersions,
  exportTemplate,
  importTemplate,
  listTemplates,
  listVersions,
  rollbackTemplate,
  type TemplateSummary,
} from '../core/extensions/catalog.js';
import { MAX_TEMPLATE_BYTES } from '../core/extensions/config.js';
import { suggestBump } from '../core/extensions/diff.js';
import { bumpSemVer } from '../core/extensions/semver.js';
import { registerCommand, type Cockpit } from './context.js';
import { ExtensionDashboards } from './extensions/controller.js';
import { registerExtensionsPanel } from './extensions/panel.js';

export function registerExtensions(cockpit: Cockpit): void {
  const controller = new ExtensionDashboards(cockpit);
  const { subscriptions } = cockpit.extension;
  subscriptions.push(controller);
  const showPanel = registerExtensionsPanel(cockpit, controller);

  // Activation does no database I/O: the first sync runs once activate() has returned.
  cockpit.afterActivation(() => {
    let debounce: NodeJS.Timeout | undefined;
    subscriptions.push(
      { dispose: () => clearTimeout(debounce) },
      // Installing an extension often fires several changes in a row.
      vscode.extensions.onDidChange(() => {
        clearTimeout(debounce);
        debounce = setTimeout(() => void controller.sync('extensions changed'), 500);
      }),
      cockpit.database.onDidChange(() => void controller.sync('database changed')),
    );
    void controller.sync('start-up');
  });

  registerCommand(cockpit, 'cockpit.openExtensionDashboards', showPanel);
  registerCommand(cockpit, 'cockpit.mapExtension', () => mapExtensionCommand(controller));
  registerCommand(cockpit, 'cockpit.enableExtensionDashboard', () => setEnabledCommand(controller, true));
  registerCommand(cockpit, 'cockpit.disableExtensionDashboard', () => setEnabledCommand(controller, false));
  registerCommand(cockpit, 'cockpit.importDashboardTemplate', () => importCommand(controller));
  registerCommand(cockpit, 'cockpit.exportDashboardTemplate', () => exportCommand(controller));
  registerCommand(cockpit, 'cockpit.approveDashboardTemplate', () => approveCommand(controller));
  registerCommand(cockpit, 'cockpit.rollBackDashboardTemplate', () => rollbackCommand(controller));
  registerCommand(cockpit, 'cockpit.deleteDashboardTemplate', () => deleteCommand(controller));
}

const templateItem = (t: TemplateSummary) => ({
  label: t.name,
  description: `${t.extensionId} · v${t.version ?? '?'}${t.communityApproved ? '' : ' · needs approval'}`,
  detail: t.description ?? undefined,
  template: t,
});

async function pickTemplate(
  controller: ExtensionDashboards,
  title: string,
  filter: (t: TemplateSummary) => boolean = () => true,
) {
  const database = await controller.database();
  const templates = (await listTemplates(database.db)).filter(filter);
  if (templates.length === 0) {
    void vscode.window.showInformationMessage('Cockpit: there is no matching dashboard template.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(templates.map(templateItem), { title, matchOnDescription: true }))
    ?.template;
}

/** Asks before a community template gains the power to run its extension's commands. */
async function confirmApproval(controller: ExtensionDashboards, template: TemplateSummary): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    `Approve the community template "${template.name}" for ${template.extensionId}${template.author ? ` by ${template.author}` : ''}?`,
    {
      modal: true,
      detail:
        'Its widgets can then run commands and change workspace settings of that extension (only ones the extension itself contributes).',
    },
    'Approve',
  );
  if (choice !== 'Approve') return false;
  const database = await controller.database();
  await approveTemplate(database.db, template.id, await controller.actor());
  controller.notifyChanged();
  return true;
}

async function mapExtensionCommand(controller: ExtensionDashboards): Promise<void> {
  const state = await controller.state();
  if (!state.project) throw new CockpitError('not-found', state.problem ?? 'No Cockpit project for this workspace.');
  const database = await controller.database();
  const catalog = await listTemplates(database.db);
  const candidates = state.extensions.filter((e) => e.installed);
  const withTemplates = candidates.filter((e) => catalog.some((t) => t.extensionId === e.extensionId));
  if (withTemplates.length === 0) {
    void vscode.window.showInformationMessage(
      'Cockpit: no installed extension has a dashboard template. Import one with "Cockpit: Import Dashboard Template".',
    );
    return;
  }
  const extension = await vscode.window.showQuickPick(
    withTemplates.map((e) => ({ label: e.displayName, description: `${e.extensionId} · ${e.state}`, row: e })),
    { title: `Map Extension to Dashboard (${state.project.name})`, matchOnDescription: true },
  );
  if (!extension) return;
  const templates = catalog.filter((t) => t.extensionId === extension.row.extensionId);
  const picked =
    templates.length === 1
      ? templates[0]
      : (await vscode.window.showQuickPick(templates.map(templateItem), { title: `Dashboard for ${extension.label}` }))
          ?.template;
  if (!picked) return;
  if (!picked.communityApproved && !(await confirmApproval(controller, picked))) return;
  await controller.map(extension.row.extensionId, picked.id);
  void vscode.window.showInformationMessage(
    `Cockpit: ${extension.label} now shows "${picked.name}" in ${state.project.name}.`,
  );
}

async function setEnabledCommand(controller: ExtensionDashboards, enabled: boolean): Promise<void> {
  const state = await controller.state();
  if (!state.project) throw new CockpitError('not-found', state.problem ?? 'No Cockpit project for this workspace.');
  const rows = state.extensions.filter((e) =>
    enabled ? e.state === 'mapped' || e.state === 'missing' : e.state === 'enabled',
  );
  if (rows.length === 0) {
    void vscode.window.showInformationMessage(
      enabled
        ? 'Cockpit: every mapped extension dashboard is enabled already.'
        : 'Cockpit: no extension dashboard is enabled.',
    );
    return;
  }
  const picked = await vscode.window.showQuickPick(
    rows.map((e) => ({ label: e.displayName, description: `${e.extensionId} · ${e.template?.name ?? ''}`, row: e })),
    { title: `${enabled ? 'Enable' : 'Disable'} Extension Dashboards`, canPickMany: true },
  );
  for (const item of picked ?? []) await controller.setEnabled(item.row.extensionId, enabled);
}

async function importCommand(controller: ExtensionDashboards): Promise<void> {
  const [uri] =
    (await vscode.window.showOpenDialog({
      title: 'Import Dashboard Template',
      canSelectMany: false,
      filters: { 'Dashboard template': ['json'] },
    })) ?? [];
  if (!uri) return;
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > MAX_TEMPLATE_BYTES) {
    throw new CockpitError(
      'invalid',
      `The file is larger than ${MAX_TEMPLATE_BYTES / 1024} KB; it is not a dashboard template.`,
    );
  }
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const database = await controller.database();
  const { template, outcome } = await importTemplate(database.db, text, {
    actor: await controller.actor(),
    source: 'community',
    countDownload: true,
  });
  controller.notifyChanged();
  const what = { created: 'Imported', updated: 'Updated', unchanged: 'Already up to date:' }[outcome];
  const message = `Cockpit: ${what} "${template.name}" for ${template.extensionId} (v${template.version}).`;
  if (template.communityApproved) {
    void vscode.window.showInformationMessage(message);
    return;
  }
  const choice = await vscode.window.showInformationMessage(
    `${message} It needs your approval before it can be used.`,
    'Approve…',
  );
  if (choice) await confirmApproval(controller, template);
}

async function exportCommand(controller: ExtensionDashboards): Promise<void> {
  const template = await pickTemplate(controller, 'Export Dashboard Template');
  if (!template) return;
  const database = await controller.database();
  const file = await exportTemplate(database.db, template.id);
  const folder = controller.folder()?.uri ?? vscode.Uri.file(homedir());
  const target = await vscode.window.showSaveDialog({
    title: `Export "${template.name}"`,
    defaultUri: vscode.Uri.joinPath(folder, `${file.extensionId}.${file.dashboardId}.json`),
    filters: { 'Dashboard template': ['json'] },
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(`${JSON.stringify(file, null, 2)}\n`));
  void vscode.window.showInformationMessage(
    `Cockpit: exported "${template.name}" v${file.version} to ${target.fsPath}.`,
  );
}

async function approveCommand(controller: ExtensionDashboards): Promise<void> {
  const template = await pickTemplate(controller, 'Approve Community Dashboard Template', (t) => !t.communityApproved);
  if (template) await confirmApproval(controller, template);
}

async function rollbackCommand(controller: ExtensionDashboards): Promise<void> {
  const template = await pickTemplate(controller, 'Roll Back Dashboard Template');
  if (!template) return;
  const database = await controller.database();
  const [current, ...older] = await listVersions(database.db, template.id);
  if (!current || older.length === 0) {
    void vscode.window.showInformationMessage(`Cockpit: "${template.name}" has no earlier version to roll back to.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    older.map((v) => ({
      label: v.version,
      description: `${v.createdBy ?? 'unknown'} · ${v.createdAt.slice(0, 19)} UTC`,
      detail: v.changelog ?? undefined,
      version: v,
    })),
    { title: `Roll back "${template.name}" (now v${current.version}) to version…` },
  );
  if (!picked) return;
  const diff = await diffVersions(database.db, template.id, current.version, picked.version.version);
  const bump = suggestBump(current.config, picked.version.config);
  const next = bump === 'none' ? current.version : bumpSemVer(current.version, bump);
  const summary = diff
    .slice(0, 8)
    .map((d) => `${d.kind} ${d.path}`)
    .join('\n');
  const choice = await vscode.window.showWarningMessage(
    `Restore the configuration of v${picked.version.version} as v${next} (${bump} change)?`,
    {
      modal: true,
      detail: `${diff.length} difference(s) from v${current.version}:\n${summary}${diff.length > 8 ? '\n…' : ''}`,
    },
    'Roll Back',
  );
  if (choice !== 'Roll Back') return;
  const result = await rollbackTemplate(database.db, {
    templateId: template.id,
    toVersion: picked.version.version,
    actor: await controller.actor(),
  });
  controller.notifyChanged();
  void vscode.window.showInformationMessage(
    `Cockpit: "${template.name}" is now v${result.version} with the configuration of v${picked.version.version}.`,
  );
}

async function deleteCommand(controller: ExtensionDashboards): Promise<void> {
  const template = await pickTemplate(controller, 'Delete Dashboard Template');
  if (!template) return;
  const choice = await vscode.window.showWarningMessage(
    `Delete the dashboard template "${template.name}" and its version history?`,
    { modal: true },
    'Delete',
  );
  if (choice !== 'Delete') return;
  const database = await controller.database();
  await deleteTemplate(database.db, template.id, await controller.actor());
  controller.notifyChanged();
  void vscode.window.showInformationMessage(`Cockpit: deleted "${template.name}".`);
}
