import * as vscode from 'vscode';
import { parseDatabaseUrl } from '../db/connection.js';
import { formatReport, verifySchema } from '../db/verify.js';
import { CockpitDatabase, describeError } from './database.js';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('DevGuide Cockpit', { log: true });
  const database = new CockpitDatabase(context.secrets, log);
  context.subscriptions.push(log, database);

  const command = (id: string, run: () => Promise<unknown>) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async () => {
        try {
          await run();
        } catch (error) {
          const message = describeError(error);
          log.error(`${id}: ${message}`);
          void vscode.window.showErrorMessage(`DevGuide Cockpit: ${message}`, 'Show Log').then((choice) => {
            if (choice) log.show();
          });
        }
      }),
    );

  command('cockpit.showLog', async () => log.show());
  command('cockpit.connectDatabase', () => connectDatabase(database));
  command('cockpit.verifySchema', async () => {
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
  });

  log.info(`Activated in ${(performance.now() - started).toFixed(1)} ms.`);
}

async function connectDatabase(database: CockpitDatabase): Promise<void> {
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
  if (url === undefined) return;
  const password = await vscode.window.showInputBox({
    title: 'Cockpit: Connect Database (2/2)',
    prompt: 'Password (leave empty for none)',
    password: true,
    ignoreFocusOut: true,
  });
  if (password === undefined) return;
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Cockpit: connecting and migrating' },
    (progress) => database.connectAndMigrate(url, password, (message) => progress.report({ message })),
  );
  void vscode.window.showInformationMessage(
    `Cockpit: connected; data model ${report.version} (${report.applied.length} migration(s) applied).`,
  );
}

export function deactivate(): void {
  // Disposables registered on the context close the pool.
}
