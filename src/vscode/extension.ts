import * as vscode from 'vscode';
import { CockpitDatabase, describeError } from './database.js';
import type { Cockpit } from './context.js';
import { registerCortex } from './cortex.js';
import { registerAssistant } from './assistant.js';
import { registerBin, type BinApi } from './bin.js';
import { registerBinPanel } from './bin-view.js';
import { registerDatabaseCommands } from './database-commands.js';
import { registerTime } from './time.js';
import { registerWatcher } from './watcher.js';
import { registerExtensions } from './extensions.js';
import { registerCockpit } from './cockpit/index.js';
import { registerTokens, type TokensApi } from './tokens.js';

/** What `vscode.extensions.getExtension('devguide.devguide-cockpit').exports` gives other extensions. */
export type CockpitApi = TokensApi & BinApi;

/**
 * CPU time of this thread, in ms. The extension host's other threads (GC helpers, the compiler, file
 * reads for other extensions) would count in process.cpuUsage(); threadCpuUsage needs Node ≥ 23.9.
 */
function threadCpuMs(): number {
  const usage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.() ?? process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export function activate(context: vscode.ExtensionContext): CockpitApi {
  const started = performance.now();
  const startedCpu = threadCpuMs();
  const log = vscode.window.createOutputChannel('DevGuide Cockpit', { log: true });
  const database = new CockpitDatabase(context.secrets, log);
  const folderProjects = new vscode.EventEmitter<void>();
  context.subscriptions.push(log, database, folderProjects);
  const deferred: Array<() => void> = [];
  const cockpit: Cockpit = {
    extension: context,
    database,
    log,
    afterActivation: (start) => deferred.push(start),
    folderProjects,
  };

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
  registerBinPanel(cockpit);

  // Wall time includes any moment the OS gives the CPU to another process; the thread's CPU time over
  // the same span (activate() is synchronous) is the cost that does not depend on the machine's load.
  log.info(
    `Activated in ${(performance.now() - started).toFixed(1)} ms (CPU ${(threadCpuMs() - startedCpu).toFixed(1)} ms).`,
  );
  const startLater = setTimeout(() => {
    const [wall, cpu] = [performance.now(), threadCpuMs()];
    for (const start of deferred) {
      try {
        start();
      } catch (error) {
        log.error(`Start-up after activation: ${describeError(error)}`);
      }
    }
    log.info(
      `Started status bars, listeners and watchers in ${(performance.now() - wall).toFixed(1)} ms (CPU ${(threadCpuMs() - cpu).toFixed(1)} ms) after activation.`,
    );
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(startLater) });
  return { recordTokenUsage: tokens.recordTokenUsage, submitChange: bin.submitChange };
}

export function deactivate(): void {
  // Disposables registered on the context close the pool.
}
