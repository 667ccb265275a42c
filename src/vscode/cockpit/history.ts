import * as vscode from 'vscode';
import { getDashboard, getModule, restoreVersion } from '../../core/hierarchy.js';
import { listVersions, type VersionedResource } from '../../core/history.js';
import type { CockpitContext } from './panel.js';

/**
 * Lists a dashboard's or module's versions (newest first) and restores the one picked after a
 * confirmation. Returns the new version number, or null when the user backed out.
 */
export async function pickAndRestoreVersion(
  context: CockpitContext,
  resourceType: VersionedResource,
  resourceId: string,
): Promise<number | null> {
  const { cockpit, workspace } = context;
  const { db } = await cockpit.database.get();
  const name = (resourceType === 'dashboard' ? await getDashboard(db, resourceId) : await getModule(db, resourceId))
    .name;
  const versions = await listVersions(db, resourceType, resourceId);
  const [latest] = versions;
  const picked = await vscode.window.showQuickPick(
    versions.map((v) => ({
      label: `Version ${v.versionNumber}${v === latest ? ' (current)' : ''}`,
      description: v.changeDescription ?? '',
      detail: `${v.createdAt.slice(0, 19).replace(' ', 'T')}Z · ${v.createdBy}`,
      version: v.versionNumber,
    })),
    { title: `Cockpit: version history of ${resourceType} "${name}"`, placeHolder: 'Pick a version to restore' },
  );
  if (!picked || picked.version === latest?.versionNumber) return null;
  const choice = await vscode.window.showWarningMessage(
    `Restore "${name}" to version ${picked.version}?`,
    { modal: true, detail: 'The restore is recorded as a new version; nothing is lost.' },
    'Restore',
  );
  if (choice !== 'Restore') return null;
  const { version } = await restoreVersion(
    db,
    await workspace.actor(workspace.folder()),
    resourceType,
    resourceId,
    picked.version,
  );
  workspace.fire('restore');
  void vscode.window.showInformationMessage(
    `Cockpit: restored "${name}" to version ${picked.version} (now version ${version}).`,
  );
  return version;
}
