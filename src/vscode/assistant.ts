/**
 * The Cockpit assistant panel (Cockpit: Open Assistant): questions about the project answered by
 * the AI Cortex, and the project's AI providers managed in place. The handlers live in
 * assistant-handlers.ts; this file only wires VS Code (panel, serializer, confirmations, progress).
 */
import * as vscode from 'vscode';
import { resolveActor } from '../core/actor.js';
import type { Notifications } from '../protocol.js';
import { assistantHandlers } from './assistant-handlers.js';
import { registerCommand, type Cockpit } from './context.js';
import { createCortex, CortexKeys, vscodeSessionTokens } from './cortex.js';
import { SimpleWorkspaceProjectResolver } from './tokens-project.js';
import { createDispatcher } from './webview/dispatcher.js';
import { postNotification, serveRequests } from './webview/host.js';
import { webviewHtml } from './webview/html.js';
import { SingletonPanel } from './webview/singleton.js';

const ASSISTANT_PANEL = 'cockpit.assistant';
const TITLE = 'Cockpit: Assistant';

class AssistantPanel {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    cockpit: Cockpit,
    keys: CortexKeys,
    projects: SimpleWorkspaceProjectResolver,
  ) {
    panel.webview.html = webviewHtml(panel.webview, cockpit.extension.extensionUri, {
      view: 'assistant',
      title: TITLE,
      codicons: true,
    });
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const handlers = assistantHandlers({
      database: () => cockpit.database.get(),
      project: async (database) => {
        const project = await projects.current(database);
        return project && { id: project.id, name: project.name };
      },
      box: () => keys.box(),
      actor: () => resolveActor(folder),
      cortex: () => createCortex(cockpit, keys),
      confirmDelete: async (view) =>
        (await vscode.window.showWarningMessage(
          `Delete the ${view.provider} (${view.model}) provider and its encrypted key?`,
          { modal: true },
          'Delete',
        )) === 'Delete',
      workspaceRoot: vscode.workspace.isTrusted ? folder : undefined,
      sessionTokens: vscodeSessionTokens,
    });
    // Asking can take a while (providers, tools): the window shows it is working.
    const ask = handlers['assistant/ask']!;
    handlers['assistant/ask'] = (params) =>
      Promise.resolve(
        vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: 'Cockpit: the assistant is answering…' },
          () => Promise.resolve(ask(params)),
        ),
      );
    const dispatch = createDispatcher(handlers, { logError: (m) => cockpit.log.error(`Assistant view: ${m}`) });
    this.disposables.push(
      serveRequests(panel.webview, dispatch),
      cockpit.database.onDidChange(() => this.notify('data/changed', { reason: 'database' })),
      projects.onDidChange(() => this.notify('data/changed', { reason: 'project' })),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private notify<M extends keyof Notifications>(method: M, params: Notifications[M]): void {
    void postNotification(this.panel.webview, method, params);
  }
}

/** Cockpit: Open Assistant and the panel's serializer. Nothing touches the database until it opens. */
export function registerAssistant(cockpit: Cockpit): void {
  const keys = new CortexKeys(cockpit.extension.secrets);
  let projects: SimpleWorkspaceProjectResolver | undefined;
  const resolver = () => {
    if (!projects) {
      projects = new SimpleWorkspaceProjectResolver(cockpit.log);
      cockpit.extension.subscriptions.push(
        projects,
        cockpit.database.onDidChange(() => projects?.reset()),
      );
    }
    return projects;
  };
  const panels = new SingletonPanel(
    cockpit,
    ASSISTANT_PANEL,
    TITLE,
    (panel) => new AssistantPanel(panel, cockpit, keys, resolver()),
    vscode.ViewColumn.Beside,
  );
  registerCommand(cockpit, 'cockpit.openAssistant', () => void panels.show());
}
