import * as vscode from 'vscode';
import type { Database } from '../db/connection.js';
import { createProjectResolver, findProject } from '../core/tokens/project-resolver.js';
import { readProjectLink } from '../core/projects.js';
import { describeError } from './database.js';

export interface WorkspaceProject {
  id: string;
  name: string;
  /** The workspace folder the project was found for: logs written there belong to it. */
  folder: string;
}

/**
 * Which Cockpit project this window works on. A small interface so the full workspace → project
 * mapping (src/core/projects*, built separately) can replace this implementation later.
 */
export interface WorkspaceProjectResolver extends vscode.Disposable {
  current(database: Database): Promise<WorkspaceProject | undefined>;
  readonly onDidChange: vscode.Event<void>;
}

/**
 * `.vscode/cockpit.json` (`{ "projectId": "…" }`) in the first workspace folder wins; otherwise the
 * project whose `git_repository` is the folder's path or its `origin` remote (read from .git/config:
 * no git process, so this is safe in untrusted workspaces too). Cached until the folders, that file
 * or the database change.
 */
export class SimpleWorkspaceProjectResolver implements WorkspaceProjectResolver {
  private cached: Promise<WorkspaceProject | undefined> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private watching = false;

  constructor(private readonly log: vscode.LogOutputChannel) {}

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
    const configured = await this.configuredProjectId(folder.uri.fsPath);
    const id = configured ?? (await (await createProjectResolver(database.db))(folder.uri.fsPath));
    if (!id) return undefined;
    const project = await findProject(database.db, id);
    if (!project) {
      this.log.warn(`.vscode/cockpit.json names project ${id}, which is not in the database.`);
      return undefined;
    }
    return { ...project, folder: folder.uri.fsPath };
  }

  /** The folder's link file (the Cockpit's own reader); a malformed one is reported and the git remote decides. */
  private async configuredProjectId(folder: string): Promise<string | undefined> {
    try {
      return await readProjectLink(folder);
    } catch (error) {
      this.log.warn(`${describeError(error)} Matching the git remote instead.`);
      return undefined;
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
