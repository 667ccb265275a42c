import * as vscode from 'vscode';
import { parseDatabaseUrl } from '../db/connection.js';
import { formatReport, verifySchema } from '../db/verify.js';
import { registerCommand, type Cockpit } from './context.js';
import { describeError } from './database.js';

export function registerDatabaseCommands(cockpit: Cockpit): void {
  const { database, log } = cockpit;
  registerCommand(cockpit, 'cockpit.showLog', () => log.show());
  registerCommand(cockpit, 'cockpit.connectDatabase', () => connectDatabase(cockpit));
  registerCommand(cockpit, 'cockpit.verifySchema', async () => {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Cockpit: verifying the database schema…' },
      async () => verifySchema(await database.get()),
    );
    log.info(formatReport(report));
    if (report.ok) {
      void vscode.window.showInformationMessage(
        `Cockpit: the database schema matches the data model (${report.tables.length} tables).`,
      );
    } else {
      log.show(true);
      void vscode.window.showWarningMessage(`Cockpit: ${report.problems.length} schema problem(s); see the log.`);
    }
    return report;
  });
}

/** URL (validated as typed) → password (into SecretStorage) → connect, create, migrate with progress. */
export async function connectDatabase(cockpit: Cockpit): Promise<boolean> {
  const current = vscode.workspace.getConfiguration().get<string>('cockpit.database.url', '');
  const url = await vscode.window.showInputBox({
    title: 'Cockpit: Connect Database (1/2)',
    prompt: 'Database URL — TiDB, MySQL 8 or MariaDB ≥ 10.11. The password is asked next and kept in the OS keychain.',
    value: current,
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        parseDatabaseUrl(value);
        return undefined;
      } catch (error) {
        return describeError(error);
      }
    },
  });
  if (url === undefined) return false;
  const password = await vscode.window.showInputBox({
    title: 'Cockpit: Connect Database (2/2)',
    prompt: 'Password (leave empty for none)',
    password: true,
    ignoreFocusOut: true,
  });
  if (password === undefined) return false;
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Cockpit: connecting and migrating' },
    (progress) => cockpit.database.connectAndMigrate(url, password, (message) => progress.report({ message })),
  );
  void vscode.window.showInformationMessage(
    `Cockpit: connected; data model ${report.version} (${report.applied.length} migration(s) applied).`,
  );
  return true;
}
