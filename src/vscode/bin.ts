import * as vscode from 'vscode';
import { resolveActor } from '../core/actor.js';
import {
  BinWorker,
  CAPABILITIES,
  checkWorkspaceCompliance,
  grantCapability,
  listCapabilities,
  listChanges,
  listModules,
  rejectChange,
  resubmitWithFixes,
  retryChange,
  revokeCapability,
  showChange,
  submitChange,
  type ChangeSummary,
} from '../core/bin/index.js';
import { approveWithEstimate, estimatePropagation } from '../core/cortex/estimation.js';
import { registerCommand, type Cockpit } from './context.js';
import { pricingFromSettings } from './cortex.js';
import { describeError } from './database.js';

/** What other extensions get from `vscode.extensions.getExtension('devguide.devguide-cockpit').exports`. */
export interface BinApi {
  /** Submits a change to The Bin; resolves to its id. Errors name the field (payload too large, invalid JSON, …). */
  submitChange(input: {
    projectId: string;
    changeType: string;
    sourceModuleId?: string;
    payload: unknown;
  }): Promise<string>;
}

const setting = <T>(key: string, fallback: T): T =>
  vscode.workspace.getConfiguration('cockpit.bin').get<T>(key, fallback);
const workspaceFolder = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
const actor = () => resolveActor(workspaceFolder());

/**
 * Runs the Bin's worker in this window: after a submit, on demand, and then every
 * `cockpit.bin.pollIntervalSeconds` once the Bin has been used (activation does no I/O).
 * Other windows and the CLI may run workers too: leases keep each change processed once.
 */
class BinRunner implements vscode.Disposable {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;

  constructor(private readonly cockpit: Cockpit) {}

  kick(): void {
    this.schedulePolling();
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  async drainNow(): Promise<void> {
    this.kick();
    await this.running;
  }

  private async drain(): Promise<void> {
    try {
      const database = await this.cockpit.database.get();
      const worker = new BinWorker(database.db, {
        autoPropagate: setting('autoPropagate', true),
        actor: `bin-worker:${await actor()}`,
        log: (m) => this.cockpit.log.info(`Bin: ${m}`),
      });
      const report = await worker.drain();
      if (report.claimed > 0) {
        this.cockpit.log.info(
          `Bin: ${report.validated} validated, ${report.rejected} rejected, ${report.propagated} propagated, ${report.dashboardsFailed} dashboard propagation(s) failed.`,
        );
      }
      this.lastError = undefined;
    } catch (error) {
      // Logged once per distinct failure: an unreachable database must not flood the log.
      const message = describeError(error);
      if (message !== this.lastError) this.cockpit.log.error(`Bin worker: ${message}`);
      this.lastError = message;
    }
  }

  private schedulePolling(): void {
    const seconds = setting('pollIntervalSeconds', 15);
    if (this.timer || !(seconds > 0)) return;
    this.timer = setInterval(() => this.kick(), Math.max(2, seconds) * 1000);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

async function pickModule(cockpit: Cockpit, placeHolder: string) {
  const database = await cockpit.database.get();
  const modules = await listModules(database.db);
  if (modules.length === 0) throw new Error('There are no modules yet: create a dashboard with modules first.');
  const choice = await vscode.window.showQuickPick(
    modules.map((m) => ({
      label: m.name,
      description: `${m.moduleType} · ${m.dashboardName}`,
      detail: m.projectName,
      module: m,
    })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return choice?.module;
}

async function grantCommand(cockpit: Cockpit) {
  const module = await pickModule(cockpit, 'Grant a capability to which module?');
  if (!module) return;
  const capability = await vscode.window.showQuickPick([...CAPABILITIES], {
    placeHolder: `Capability for "${module.name}"`,
  });
  if (!capability) return;
  const justification = await vscode.window.showInputBox({
    prompt: `Why does "${module.name}" need ${capability}? (kept with the grant and in the audit log)`,
    validateInput: (v) => (v.trim().length < 3 ? 'A justification is required.' : undefined),
  });
  if (justification === undefined) return;
  const database = await cockpit.database.get();
  await grantCapability(database.db, { moduleId: module.id, capability, justification, actor: await actor() });
  void vscode.window.showInformationMessage(`Granted ${capability} to "${module.name}".`);
}

async function revokeCommand(cockpit: Cockpit) {
  const database = await cockpit.database.get();
  const modules = await listModules(database.db);
  const byId = new Map(modules.map((m) => [m.id, m]));
  const granted = (
    await listCapabilities(
      database.db,
      modules.map((m) => m.id),
    )
  ).filter((c) => c.granted);
  if (granted.length === 0) {
    void vscode.window.showInformationMessage('No module holds a capability.');
    return;
  }
  const choice = await vscode.window.showQuickPick(
    granted.map((g) => ({
      label: `${g.capability} — ${byId.get(g.moduleId)?.name ?? g.moduleId}`,
      description: byId.get(g.moduleId)?.dashboardName,
      detail: g.justification ?? undefined,
      grant: g,
    })),
    { placeHolder: 'Revoke which capability?' },
  );
  if (!choice) return;
  await revokeCapability(database.db, {
    moduleId: choice.grant.moduleId,
    capability: choice.grant.capability,
    actor: await actor(),
  });
  void vscode.window.showInformationMessage(`Revoked ${choice.grant.capability}.`);
}

const statusIcon: Record<ChangeSummary['status'], string> = {
  PENDING: '$(clock)',
  VALIDATED: '$(pass)',
  REJECTED: '$(error)',
  PROPAGATED: '$(check-all)',
};

async function reviewCommand(cockpit: Cockpit, runner: BinRunner) {
  const database = await cockpit.database.get();
  const changes = await listChanges(database.db, { limit: 200 });
  if (changes.length === 0) {
    void vscode.window.showInformationMessage('The Bin is empty.');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    changes.map((c) => ({
      label: `${statusIcon[c.status]} ${c.changeType}`,
      description: `${c.status}${c.awaitingApproval ? ' · awaiting approval' : ''} · ${c.dashboards} dashboard(s)${c.highImpact ? ' · high impact' : ''}`,
      detail: c.summary ?? undefined,
      change: c,
    })),
    { placeHolder: 'Review which change?', matchOnDescription: true, matchOnDetail: true },
  );
  if (!picked) return;
  const details = await showChange(database.db, picked.change.id);
  const failed = details.propagation.filter((p) => p.status === 'FAILED').length;
  const fixable = details.violations.filter((v) => v.status === 'open' && v.suggestedFix !== null).length;
  const actions = [
    { label: '$(json) Show details', run: 'show' },
    ...(details.awaitingApproval ? [{ label: '$(check) Approve', run: 'approve' }] : []),
    ...(details.status === 'PENDING' || details.status === 'VALIDATED'
      ? [{ label: '$(close) Reject…', run: 'reject' }]
      : []),
    ...(failed > 0 && !details.propagationDue
      ? [{ label: `$(refresh) Retry ${failed} failed dashboard(s)`, run: 'retry' }]
      : []),
    ...(fixable > 0 ? [{ label: `$(wand) Apply ${fixable} suggested fix(es) and resubmit`, run: 'fix' }] : []),
  ];
  const action = await vscode.window.showQuickPick(actions, {
    placeHolder: `${details.changeType}: ${details.summary ?? details.status}`,
  });
  if (!action) return;
  const who = await actor();
  switch (action.run) {
    case 'show': {
      const document = await vscode.workspace.openTextDocument({
        language: 'json',
        content: JSON.stringify(details, null, 2),
      });
      await vscode.window.showTextDocument(document, { preview: true });
      return;
    }
    case 'approve': {
      // The cost of propagating with AI is shown before the approval, and kept with it.
      const pricing = pricingFromSettings();
      const estimate = await estimatePropagation(database.db, details.id, { pricing });
      if (estimate.provider) {
        const tokens = (estimate.inputTokens + estimate.outputTokens).toLocaleString('en-US');
        const cost = estimate.priced ? `$${estimate.cost}` : 'unpriced model';
        const choice = await vscode.window.showInformationMessage(
          `Approve ${details.changeType}? Propagating it with AI (${estimate.provider.provider} ${estimate.provider.model}) to ${estimate.dashboards.length} dashboard(s) is estimated at ${tokens} tokens, ${cost}.`,
          { modal: true },
          'Approve',
        );
        if (choice !== 'Approve') return;
      }
      await approveWithEstimate(database.db, estimate, who, { pricing });
      runner.kick();
      return;
    }
    case 'reject': {
      const reason = await vscode.window.showInputBox({
        prompt: 'Why is this change rejected?',
        validateInput: (v) => (v.trim() ? undefined : 'A reason is required.'),
      });
      if (reason !== undefined) await rejectChange(database.db, details.id, who, reason);
      return;
    }
    case 'retry':
      await retryChange(database.db, details.id, who);
      runner.kick();
      return;
    case 'fix': {
      const { id, fixed } = await resubmitWithFixes(database.db, details.id, who);
      runner.kick();
      void vscode.window.showInformationMessage(`Resubmitted with ${fixed} fix(es) as change ${id}.`);
      return;
    }
  }
}

async function gitTags(cwd: string): Promise<string[]> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) =>
    execFile('git', ['tag', '--list'], { cwd, timeout: 10_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) =>
      resolve(error ? [] : stdout.split('\n').filter(Boolean)),
    ),
  );
}

async function complianceCommand(cockpit: Cockpit) {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('Open a folder to check its file names and git tags.');
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Checking workspace compliance', cancellable: false },
    async (progress) => {
      progress.report({ message: 'listing files…' });
      const uris = await vscode.workspace.findFiles(
        new vscode.RelativePattern(folder, '**/*'),
        '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**}',
        50_000,
      );
      const files = uris.map((u) => vscode.workspace.asRelativePath(u, false));
      // git runs only in a trusted workspace.
      const tags = vscode.workspace.isTrusted ? await gitTags(folder.uri.fsPath) : [];
      progress.report({ message: `checking ${files.length} files and ${tags.length} tags…` });
      const database = await cockpit.database.get();
      return checkWorkspaceCompliance(database.db, { files, tags, actor: await actor() });
    },
  );
  const summary = `${result.violations.length} violation(s) in ${result.files} file(s) and ${result.tags} tag(s): ${result.recorded} new, ${result.resolved} resolved.`;
  cockpit.log.info(`Workspace compliance: ${summary}`);
  for (const v of result.violations.slice(0, 200)) {
    cockpit.log.info(
      `  ${v.resourceType} ${v.resourceId}: ${v.standardName}${v.suggestedFix ? ` → ${v.suggestedFix}` : ''}`,
    );
  }
  const choice = await vscode.window.showInformationMessage(summary, ...(result.violations.length > 0 ? ['Show'] : []));
  if (choice) cockpit.log.show();
}

/** Submits `file.changed` for saved files matching `cockpit.bin.watchGlobs` (trusted workspaces only). */
function watchFiles(cockpit: Cockpit, runner: BinRunner): vscode.Disposable {
  let watchers: vscode.Disposable[] = [];
  const setUp = () => {
    watchers.forEach((w) => w.dispose());
    watchers = [];
    const globs = setting<string[]>('watchGlobs', []);
    const projectId = setting('projectId', '');
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!vscode.workspace.isTrusted || !folder || !projectId || !Array.isArray(globs) || globs.length === 0) return;
    for (const glob of globs.filter((g) => typeof g === 'string' && g.trim())) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, glob));
      const submit = (event: string) => async (uri: vscode.Uri) => {
        try {
          const database = await cockpit.database.get();
          await submitChange(database.db, {
            projectId,
            changeType: 'file.changed',
            payload: { path: vscode.workspace.asRelativePath(uri, false), event },
            actor: await actor(),
          });
          runner.kick();
        } catch (error) {
          cockpit.log.error(`Bin: could not submit file.changed: ${describeError(error)}`);
        }
      };
      watchers.push(
        watcher,
        watcher.onDidChange(submit('changed')),
        watcher.onDidCreate(submit('created')),
        watcher.onDidDelete(submit('deleted')),
      );
    }
  };
  setUp();
  const subscriptions = [
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('cockpit.bin.watchGlobs') || e.affectsConfiguration('cockpit.bin.projectId')) setUp();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(setUp),
  ];
  return { dispose: () => [...watchers, ...subscriptions].forEach((d) => d.dispose()) };
}

/** The Bin's commands, worker and file watcher; returns the API exported to other extensions. */
export function registerBin(cockpit: Cockpit): BinApi {
  const runner = new BinRunner(cockpit);
  cockpit.extension.subscriptions.push(runner);
  cockpit.afterActivation(() => cockpit.extension.subscriptions.push(watchFiles(cockpit, runner)));
  registerCommand(cockpit, 'cockpit.bin.grantCapability', () => grantCommand(cockpit));
  registerCommand(cockpit, 'cockpit.bin.revokeCapability', () => revokeCommand(cockpit));
  registerCommand(cockpit, 'cockpit.bin.checkWorkspaceCompliance', () => complianceCommand(cockpit));
  registerCommand(cockpit, 'cockpit.bin.review', () => reviewCommand(cockpit, runner));
  registerCommand(cockpit, 'cockpit.bin.process', () =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Processing The Bin' }, () =>
      runner.drainNow(),
    ),
  );
  return {
    async submitChange(input) {
      const database = await cockpit.database.get();
      const id = await submitChange(database.db, {
        projectId: input.projectId,
        changeType: input.changeType,
        sourceModuleId: input.sourceModuleId,
        payload: input.payload,
        actor: await actor(),
      });
      runner.kick();
      return id;
    },
  };
}
