import * as vscode from 'vscode';
import type { CockpitDatabase } from './database.js';
import { describeError } from './database.js';

/** What every feature of the VS Code layer gets at activation. */
export interface Cockpit {
  extension: vscode.ExtensionContext;
  database: CockpitDatabase;
  log: vscode.LogOutputChannel;
  /**
   * Work VS Code does not need before activate() returns (status bars, listeners, watchers,
   * schedules): it runs in the next task, so activation only registers commands, views and serializers.
   */
  afterActivation(start: () => void): void;
  /** Fired when a workspace folder may map to another project (one was created for it in this window). */
  folderProjects: vscode.EventEmitter<void>;
}

/**
 * Registers a command whose failures become one clear error notification (with "Show Log") and
 * a log line, never an unhandled rejection.
 */
export function registerCommand(
  cockpit: Cockpit,
  id: string,
  run: (...args: unknown[]) => Promise<unknown> | unknown,
): void {
  cockpit.extension.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (error) {
        const message = describeError(error);
        cockpit.log.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(`DevGuide Cockpit: ${message}`, 'Show Log').then((choice) => {
          if (choice) cockpit.log.show();
        });
        return undefined;
      }
    }),
  );
}
