/**
 * The Cockpit assistant panel (Cockpit: Open Assistant): questions about the project answered by
 * the AI Cortex, and the project's AI providers managed in place. The handlers live in
 * assistant-handlers.ts; this file only wires VS Code (panel, serializer, confirmations, progress).
 */
import * as vscode from 'vscode';
import { resolveActor } from '../core/actor.js';
import { assistantHandlers } from './assistant-handlers.js';
import { registerCommand, type Cockpit } from './context.js';
import { createCortex, CortexKeys, vscodeSessionTokens } from './cortex.js';
import { SimpleWorkspaceProjectResolver } from './tokens-project.js';
import { SingletonPanel } from './webview/singleton.js';
import { serveView } from './webview/view.js';

const ASSISTANT_PANEL = 'cockpit.assistant';
const TITLE = 'Cockpit: Assistant';

/** The assistant's view in `panel`, served until the panel closes. */
function serveAssistant(
  panel: vscode.WebviewPanel,
  cockpit: Cockpit,
  keys: CortexKeys,
  projects: SimpleWorkspaceProjectResolver,
): { panel: vscode.WebviewPanel } {
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
  serveView(cockpit, panel, {
    page: { view: 'assistant', title: TITLE },
    name: 'Assistant view',
    handlers,
    refreshOn: [
      [cockpit.database.onDidChange, 'database'],
      [projects.onDidChange, 'project'],
    ],
  });
  return { panel };
}

/** Cockpit: Open Assistant and the panel's serializer. Nothing touches the database until it opens. */
export function registerAssistant(cockpit: Cockpit): void {
  const keys = new CortexKeys(cockpit.extension.secrets);
  let projects: SimpleWorkspaceProjectResolver | undefined;
  const resolver = () => {
    if (!projects) {
      projects = new SimpleWorkspaceProjectResolver(cockpit.log, cockpit.folderProjects.event);
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
    (panel) => serveAssistant(panel, cockpit, keys, resolver()),
    vscode.ViewColumn.Beside,
  );
  registerCommand(cockpit, 'cockpit.openAssistant', () => void panels.show());
}
