import * as vscode from 'vscode';
import { registerCommand, type Cockpit } from '../context.js';
import { registerCockpitCommands } from './commands.js';
import { COCKPIT_VIEW_TYPE, CockpitPanel } from './panel.js';
import { CockpitTree } from './tree.js';
import { CockpitWorkspace } from './workspace.js';

/** The Cockpit panel, its commands and the activity-bar tree. Nothing here touches the database yet. */
export function registerCockpit(cockpit: Cockpit): void {
  const workspace = new CockpitWorkspace(cockpit);
  const context = { cockpit, workspace };
  const tree = new CockpitTree(context);
  cockpit.extension.subscriptions.push(
    workspace,
    tree,
    vscode.window.registerTreeDataProvider('cockpit.hierarchy', tree),
    vscode.window.registerWebviewPanelSerializer(COCKPIT_VIEW_TYPE, {
      async deserializeWebviewPanel(panel) {
        CockpitPanel.revive(context, panel);
      },
    }),
  );
  registerCockpitCommands(context);
  registerCommand(cockpit, 'cockpit.refresh', () => workspace.fire('refresh'));
}
