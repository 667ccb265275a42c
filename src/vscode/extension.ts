import * as vscode from 'vscode';
import { CockpitDatabase } from './database.js';
import type { Cockpit } from './context.js';
import { registerCortex } from './cortex.js';
import { registerAssistant } from './assistant.js';
import { registerBin, type BinApi } from './bin.js';
import { BinPanel } from './bin-view.js';
import { registerDatabaseCommands } from './database-commands.js';
import { registerTime } from './time.js';
import { registerWatcher } from './watcher.js';
import { registerExtensions } from './extensions.js';
import { registerCockpit } from './cockpit/index.js';
import { registerTokens, type TokensApi } from './tokens.js';

/** What `vscode.extensions.getExtension('devguide.devguide-cockpit').exports` gives other extensions. */
export type CockpitApi = TokensApi & BinApi;

export function activate(context: vscode.ExtensionContext): CockpitApi {
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const log = vscode.window.createOutputChannel('DevGuide Cockpit', { log: true });
  const database = new CockpitDatabase(context.secrets, log);
  context.subscriptions.push(log, database);
  const cockpit: Cockpit = { extension: context, database, log };

  // Each feature registers its own commands, views and listeners; none touches the database here.
  registerDatabaseCommands(cockpit);
  registerTime(cockpit);
  registerWatcher(cockpit);
  registerCortex(cockpit);
  registerAssistant(cockpit);
  registerExtensions(cockpit);
  registerCockpit(cockpit);
  const tokens = registerTokens(cockpit);
  const bin = registerBin(cockpit);
  BinPanel.register(cockpit);

  // Wall time includes any moment the OS gives the CPU to another process; the host process's CPU time
  // over the same span (activate() is synchronous) is the cost that does not depend on the machine's load.
  const cpu = process.cpuUsage(startedCpu);
  log.info(
    `Activated in ${(performance.now() - started).toFixed(1)} ms (CPU ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms).`,
  );
  return { recordTokenUsage: tokens.recordTokenUsage, submitChange: bin.submitChange };
}

export function deactivate(): void {
  // Disposables registered on the context close the pool.
}
