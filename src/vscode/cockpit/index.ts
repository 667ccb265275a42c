import * as vscode from 'vscode';
import { registerCommand, type Cockpit } from '../context.js';
import { registerCockpitCommands } from './commands.js';
import { registerCockpitPanel, type CockpitContext } from './panel.js';
import { CockpitTree } from './tree.js';
import { CockpitWorkspace } from './workspace.js';

/** The Cockpit panel, its commands and the activity-bar tree. Nothing here touches the database yet. */
export function registerCockpit(cockpit: Cockpit): void {
  const workspace = new CockpitWorkspace(cockpit);
  // The panel's views need the context, and the context opens the panel.
  const context: CockpitContext = { cockpit, workspace, showPanel: (startedAt) => showPanel(startedAt) };
  const showPanel = registerCockpitPanel(context);
  const tree = new CockpitTree(context);
  cockpit.extension.subscriptions.push(
    workspace,
    tree,
    vscode.window.registerTreeDataProvider('cockpit.hierarchy', tree),
  );
  registerCockpitCommands(context);
  registerCommand(cockpit, 'cockpit.refresh', () => workspace.fire('refresh'));
}
