import * as vscode from 'vscode';
import type { Database } from '../db/connection.js';
import { findFolderProject, getProject } from '../core/projects.js';
import { createProjectResolver } from '../core/tokens/project-resolver.js';
import { describeError } from './database.js';

export interface WorkspaceProject {
  id: string;
  name: string;
  /** The workspace folder the project was found for: logs written there belong to it. */
  folder: string;
}

/** Which Cockpit project this window works on. */
export interface WorkspaceProjectResolver extends vscode.Disposable {
  current(database: Database): Promise<WorkspaceProject | undefined>;
  readonly onDidChange: vscode.Event<void>;
}

/**
 * The first workspace folder's project as the Cockpit finds it (its link file, else its git
 * remote), else a project whose `git_repository` is the folder's local path (as log imports map
 * them). Cached until the folders, the link file, the folder's project or the database change.
 */
export class SimpleWorkspaceProjectResolver implements WorkspaceProjectResolver {
  private cached: Promise<WorkspaceProject | undefined> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private watching = false;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly folderProjectsChanged: vscode.Event<void>,
  ) {}

  /** Watches for what invalidates the answer from the first resolve on (nothing is cached before it). */
  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    const watcher = vscode.workspace.createFileSystemWatcher('**/.vscode/cockpit.json');
    const invalidate = () => {
      this.cached = undefined;
      this.changed.fire();
    };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(invalidate),
      watcher.onDidChange(invalidate),
      watcher.onDidDelete(invalidate),
      vscode.workspace.onDidChangeWorkspaceFolders(invalidate),
      this.folderProjectsChanged(invalidate),
    );
  }

  /** Forget the cached answer (the database changed). */
  reset(): void {
    this.cached = undefined;
  }

  current(database: Database): Promise<WorkspaceProject | undefined> {
    this.watch();
    this.cached ??= this.resolve(database).catch((error: unknown) => {
      this.cached = undefined;
      throw error;
    });
    return this.cached;
  }

  private async resolve(database: Database): Promise<WorkspaceProject | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') return undefined;
    const root = folder.uri.fsPath;
    const found = await findFolderProject(database.db, root).catch((error: unknown) => {
      this.log.warn(`${describeError(error)} Matching the git remote instead.`);
      return undefined;
    });
    if (found) return { id: found.project.id, name: found.project.name, folder: root };
    const id = await (await createProjectResolver(database.db))(root);
    const project = id ? await getProject(database.db, id) : undefined;
    return project && { id: project.id, name: project.name, folder: root };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
