import * as vscode from 'vscode';
import { CockpitDatabase } from './database.js';
import type { Cockpit } from './context.js';
import { registerBin } from './bin.js';
import { registerDatabaseCommands } from './database-commands.js';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('DevGuide Cockpit', { log: true });
  const database = new CockpitDatabase(context.secrets, log);
  context.subscriptions.push(log, database);
  const cockpit: Cockpit = { extension: context, database, log };

  // Each feature registers its own commands, views and listeners; none touches the database here.
  registerDatabaseCommands(cockpit);
  registerBin(cockpit);

  log.info(`Activated in ${(performance.now() - started).toFixed(1)} ms.`);
}

export function deactivate(): void {
  // Disposables registered on the context close the pool.
}
