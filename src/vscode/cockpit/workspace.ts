import * as vscode from 'vscode';
import { resolveActor } from '../../core/actor.js';
import { createFolderProjectFromTemplate, findFolderProject, type Project } from '../../core/projects.js';
import type { Db } from '../../db/connection.js';
import type { CockpitFolder } from '../../protocol.js';
import type { Cockpit } from '../context.js';

export interface FolderProject {
  project: Project;
  matchedBy: 'link' | 'git' | 'created';
}

/**
 * Workspace folders and their projects (one per folder), the folder the Cockpit is on, who acts,
 * and one event for "the hierarchy changed" that the panel, the tree and the commands share.
 */
export class CockpitWorkspace implements vscode.Disposable {
  private current: string | undefined;
  private readonly actors = new Map<string, Promise<string>>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fired with a reason after any change made through this window. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly cockpit: Cockpit) {
    this.subscriptions = [
      this.changed,
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.changed.fire('folders')),
      cockpit.database.onDidChange(() => this.changed.fire('connection')),
    ];
  }

  fire(reason: string): void {
    this.changed.fire(reason);
  }

  folders(): CockpitFolder[] {
    return (vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === 'file')
      .map((f) => ({ uri: f.uri.toString(), name: f.name }));
  }

  /** A folder by its URI, only if it is one of this window's workspace folders. */
  folder(uri?: string): vscode.WorkspaceFolder | undefined {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const wanted = uri ?? this.current;
    const found = folders.find((f) => f.uri.toString() === wanted) ?? folders[0];
    if (found) this.current = found.uri.toString();
    return found;
  }

  actor(folder?: vscode.WorkspaceFolder): Promise<string> {
    const key = folder?.uri.fsPath ?? '';
    let actor = this.actors.get(key);
    if (!actor) {
      // git runs only in trusted workspaces; elsewhere the OS user acts.
      actor = resolveActor(vscode.workspace.isTrusted ? folder?.uri.fsPath : undefined);
      this.actors.set(key, actor);
    }
    return actor;
  }

  /** The folder's project by `.vscode/cockpit.json`, else by git remote; undefined when it has none. */
  project(db: Db, folder: vscode.WorkspaceFolder): Promise<FolderProject | undefined> {
    return findFolderProject(db, folder.uri.fsPath);
  }

  /**
   * Creates the folder's project from a template. A folder without a git remote gets a
   * `.vscode/cockpit.json` link (trusted workspaces only) so it is found again. If another window
   * gave the folder a project meanwhile, that one's id is returned and nothing is created.
   */
  async createProject(db: Db, folder: vscode.WorkspaceFolder, template: string, name: string): Promise<string> {
    const actor = await this.actor(folder);
    const { projectId, created, linkError } = await createFolderProjectFromTemplate(db, actor, folder.uri.fsPath, {
      name,
      template,
      writeLink: vscode.workspace.isTrusted,
    });
    if (linkError) this.cockpit.log.warn(`Could not write .vscode/cockpit.json in ${folder.name}: ${linkError}`);
    this.cockpit.log.info(
      created
        ? `Created project "${name}" (${projectId}) for ${folder.name} from template ${template}.`
        : `${folder.name} got a project (${projectId}) in another window meanwhile: showing it instead of creating one.`,
    );
    this.fire('project');
    this.cockpit.folderProjects.fire();
    return projectId;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
