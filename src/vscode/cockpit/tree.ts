import * as vscode from 'vscode';
import { projectHierarchy } from '../../core/hierarchy.js';
import { describeError } from '../database.js';
import type { CockpitContext } from './panel.js';

type Node =
  | { kind: 'profile'; id: string; name: string; description: string | null; dashboards: DashboardNode[] }
  | DashboardNode
  | { kind: 'message'; label: string; command?: vscode.Command; icon: string };

interface DashboardNode {
  kind: 'dashboard';
  id: string;
  profileId: string;
  name: string;
  description: string | null;
  active: boolean;
}

/** Activity-bar tree: the current folder's profiles → dashboards; a dashboard click shows it in the panel. */
export class CockpitTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly context: CockpitContext) {
    this.subscription = context.workspace.onDidChange(() => this.changed.fire());
  }

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'profile': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('account');
        item.tooltip = node.description ?? undefined;
        item.contextValue = 'profile';
        return item;
      }
      case 'dashboard': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(node.active ? 'pass-filled' : 'dashboard');
        item.description = node.active ? 'active' : undefined;
        item.tooltip = node.description ?? undefined;
        item.contextValue = 'dashboard';
        item.command = {
          command: 'cockpit.openDashboard',
          title: 'Show Dashboard',
          arguments: [node.profileId, node.id],
        };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.command = node.command;
        return item;
      }
    }
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node) return node.kind === 'profile' ? node.dashboards : [];
    const { cockpit, workspace } = this.context;
    const folder = workspace.folder();
    if (!folder) return [];
    let db;
    try {
      db = (await cockpit.database.get()).db;
    } catch (error) {
      cockpit.log.warn(`Cockpit tree: ${describeError(error)}`);
      return [
        {
          kind: 'message',
          label: 'Not connected — Connect Database…',
          icon: 'debug-disconnect',
          command: { command: 'cockpit.connectDatabase', title: 'Connect Database' },
        },
      ];
    }
    const found = await workspace.project(db, folder);
    if (!found) {
      return [
        {
          kind: 'message',
          label: `No project for ${folder.name} — Create from Template…`,
          icon: 'add',
          command: { command: 'cockpit.createProject', title: 'Create Project' },
        },
      ];
    }
    const profiles = await projectHierarchy(db, found.project.id);
    return profiles.map((p) => ({
      kind: 'profile',
      id: p.id,
      name: p.name,
      description: p.description,
      dashboards: p.dashboards.map((d) => ({
        kind: 'dashboard',
        id: d.id,
        profileId: p.id,
        name: d.name,
        description: d.description,
        active: d.id === p.activeDashboardId,
      })),
    }));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
