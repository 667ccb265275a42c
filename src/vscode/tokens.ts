import * as vscode from 'vscode';
import type { Database } from '../db/connection.js';
import { invalid } from '../core/errors.js';
import { StatusSummaryCache } from '../core/tokens/analytics.js';
import {
  findLogFiles,
  importFiles,
  LogWatcher,
  TOKEN_LOGS,
  type ImportReport,
  type TokenLogSource,
} from '../core/tokens/importers/index.js';
import { parsePricingOverrides, Pricing, PRICING_OVERRIDES_SETTING } from '../core/tokens/pricing.js';
import { createProjectResolver } from '../core/tokens/project-resolver.js';
import { recordTokenUsage, type RecordResult, type TokenUsageEvent } from '../core/tokens/record.js';
import { statusBarView, type Budgets } from '../core/tokens/status-bar.js';
import { registerCommand, type Cockpit } from './context.js';
import { describeError } from './database.js';
import { registerTokenAnalyticsPanel } from './tokens-analytics.js';
import { SimpleWorkspaceProjectResolver, type WorkspaceProjectResolver } from './tokens-project.js';

/** An event as other extensions send it: `projectId` defaults to this window's project. */
export type TokenUsageInput = Omit<TokenUsageEvent, 'projectId'> & { projectId?: string };

export interface TokensApi {
  /** Records one usage event, priced now; idempotent by `eventKey`. */
  recordTokenUsage(event: TokenUsageInput): Promise<RecordResult>;
}

const SETTINGS = {
  dailyBudget: 'cockpit.tokens.dailyBudget',
  monthlyBudget: 'cockpit.tokens.monthlyBudget',
  refreshSeconds: 'cockpit.tokens.refreshSeconds',
  importers: { 'claude-code': 'cockpit.tokens.import.claudeCode', codex: 'cockpit.tokens.import.codex' },
} as const;

/** The first query waits until the window has settled: activation itself does no database I/O. */
const FIRST_REFRESH_DELAY_MS = 1500;
/** A row recorded in this window shows within a second. */
const LOCAL_REFRESH_DELAY_MS = 200;
/** Full scans find new log directories and anything the watcher missed. */
const FULL_SCAN_INTERVAL_MS = 10 * 60_000;

export function registerTokens(cockpit: Cockpit): TokensApi {
  const projects = new SimpleWorkspaceProjectResolver(cockpit.log, cockpit.folderProjects.event);
  const tokens = new TokenCost(cockpit, projects);
  cockpit.extension.subscriptions.push(tokens);
  cockpit.afterActivation(() => tokens.start());
  const showAnalytics = registerTokenAnalyticsPanel(cockpit, projects);
  registerCommand(cockpit, 'cockpit.recordTokenUsage', (args) => tokens.record(args));
  registerCommand(cockpit, 'cockpit.openTokenAnalytics', showAnalytics);
  registerCommand(cockpit, 'cockpit.importTokenLogs', () => tokens.importNow());
  return { recordTokenUsage: (event) => tokens.record(event) };
}

class TokenCost implements vscode.Disposable {
  /** Created when there is something to show. */
  private item: vscode.StatusBarItem | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private scanTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private pricing: Pricing | undefined;
  /** Polls read today's rows only; this window's writes drop the cached closed days. */
  private readonly summaries = new StatusSummaryCache();
  private readonly watchers = new Map<TokenLogSource, LogWatcher>();
  private importsStarted = false;
  private disposed = false;

  constructor(
    private readonly cockpit: Cockpit,
    private readonly projects: WorkspaceProjectResolver & { reset?(): void },
  ) {
    this.disposables.push(projects);
  }

  /** Listens and schedules the first refresh (after activation: the status bar waits for the database). */
  start(): void {
    const { cockpit, projects } = this;
    this.disposables.push(
      projects.onDidChange(() => this.scheduleRefresh(0)),
      cockpit.database.onDidChange(() => {
        this.projects.reset?.();
        this.summaries.invalidate();
        this.scheduleRefresh(LOCAL_REFRESH_DELAY_MS);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(PRICING_OVERRIDES_SETTING)) this.pricing = undefined;
        if (e.affectsConfiguration('cockpit.tokens')) {
          this.restartPolling();
          this.scheduleRefresh(0);
          if (this.importsStarted) void this.startImporters();
        }
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.importsStarted && void this.startImporters()),
    );
    this.refreshTimer = setTimeout(() => void this.refresh(), FIRST_REFRESH_DELAY_MS);
    this.restartPolling();
  }

  // ---- status bar ------------------------------------------------------------------------------

  private restartPolling(): void {
    clearInterval(this.pollTimer);
    const seconds = Math.max(10, setting<number>(SETTINGS.refreshSeconds, 60));
    this.pollTimer = setInterval(() => void this.refresh(), seconds * 1000);
  }

  private scheduleRefresh(delayMs: number): void {
    if (this.disposed) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), delayMs);
  }

  /** One aggregate over today's rows per refresh (StatusSummaryCache); refreshes never overlap. */
  private refresh(): Promise<void> {
    this.refreshing ??= this.render().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async render(): Promise<void> {
    if (!vscode.workspace.workspaceFolders?.length) return this.show({ kind: 'no-project' });
    try {
      const database = await this.cockpit.database.get();
      if (!this.importsStarted) {
        // Importers run for every project once the database is reachable, not only this window's.
        this.importsStarted = true;
        void this.startImporters();
      }
      const project = await this.projects.current(database);
      if (!project) return this.show({ kind: 'no-project' });
      const summary = await this.summaries.summary(database, { projectId: project.id });
      this.show({ kind: 'summary', projectName: project.name, summary, budgets: budgets() });
    } catch (error) {
      this.show({ kind: 'disconnected', reason: describeError(error) });
    }
  }

  private show(input: Parameters<typeof statusBarView>[0]): void {
    if (this.disposed) return;
    const view = statusBarView(input);
    if (!view.visible) {
      this.item?.hide();
      return;
    }
    if (!this.item) {
      this.item = vscode.window.createStatusBarItem('cockpit.tokenCost', vscode.StatusBarAlignment.Right, 100);
      this.item.name = 'Cockpit Token Cost';
      this.item.command = 'cockpit.openTokenAnalytics';
      this.disposables.push(this.item);
    }
    this.item.text = view.text;
    this.item.tooltip = new vscode.MarkdownString(view.tooltip.join('  \n'), true);
    this.item.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
    this.item.show();
  }

  // ---- recording -------------------------------------------------------------------------------

  private currentPricing(): Pricing {
    if (!this.pricing) {
      try {
        this.pricing = new Pricing(undefined, parsePricingOverrides(setting<unknown>(PRICING_OVERRIDES_SETTING, {})));
      } catch (error) {
        const message = `${describeError(error)} Prices come from the built-in catalog until the setting is fixed.`;
        this.cockpit.log.error(message);
        void vscode.window.showErrorMessage(`DevGuide Cockpit: ${message}`);
        this.pricing = new Pricing();
      }
    }
    return this.pricing;
  }

  async record(args: unknown): Promise<RecordResult> {
    if (typeof args !== 'object' || args === null || Array.isArray(args)) {
      throw invalid('Record Token Usage needs one object argument: { provider, model, inputTokens, outputTokens, … }.');
    }
    const database = await this.cockpit.database.get();
    const event = { ...(args as Record<string, unknown>) };
    if (event.projectId === undefined) {
      const project = await this.projects.current(database);
      if (!project) throw invalid('No projectId given and this workspace maps to no Cockpit project.', 'projectId');
      event.projectId = project.id;
    }
    const result = await recordTokenUsage(database.db, event as TokenUsageEvent, { pricing: this.currentPricing() });
    if (result.recorded) {
      // The event may be for a past day (an explicit timestamp): not in the polled today's rows.
      this.summaries.invalidate();
      this.scheduleRefresh(LOCAL_REFRESH_DELAY_MS);
    }
    return result;
  }

  // ---- importers -------------------------------------------------------------------------------

  private enabledSources(): TokenLogSource[] {
    if (!vscode.workspace.isTrusted) return [];
    return (Object.keys(SETTINGS.importers) as TokenLogSource[]).filter((s) => setting(SETTINGS.importers[s], true));
  }

  private async importOptions(database: Database) {
    const project = await this.projects.current(database).catch(() => undefined);
    return {
      db: database.db,
      pricing: this.currentPricing(),
      // Logs written inside this window's folder belong to its project even without a git remote match.
      resolveProject: await createProjectResolver(database.db, {
        paths: project ? { [project.folder]: project.id } : {},
      }),
      onBatch: () => this.scheduleRefresh(LOCAL_REFRESH_DELAY_MS),
    };
  }

  private async importSource(source: TokenLogSource, files?: string[]): Promise<ImportReport> {
    const database = await this.cockpit.database.get();
    const kind = TOKEN_LOGS[source];
    const report = await importFiles(
      kind.format,
      files ?? (await findLogFiles(kind.dirs({}))),
      await this.importOptions(database),
    );
    if (report.imported > 0 || report.malformed > 0 || report.errors.length > 0) {
      this.cockpit.log.info(
        `${source}: ${report.imported} events imported, ${report.duplicates} duplicates skipped, ${report.malformed} malformed lines, ${report.unassigned} in no project's directory.`,
      );
    }
    for (const sample of report.malformedSamples) {
      this.cockpit.log.warn(`${source}: malformed line in ${sample.file} at byte ${sample.offset}: ${sample.reason}`);
    }
    for (const error of report.errors) this.cockpit.log.warn(`${source}: cannot read ${error.file}: ${error.message}`);
    return report;
  }

  /** Full scan of each enabled source, then a watcher on its directories; repeated every 10 minutes. */
  private async startImporters(): Promise<void> {
    const enabled = new Set(this.enabledSources());
    for (const [source, watcher] of this.watchers) {
      if (!enabled.has(source)) {
        watcher.dispose();
        this.watchers.delete(source);
      }
    }
    clearInterval(this.scanTimer);
    if (enabled.size === 0 || this.disposed) return;
    const scan = async () => {
      for (const source of enabled) {
        try {
          await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Window, title: `Cockpit: importing ${source} token logs` },
            () => this.importSource(source),
          );
          let watcher = this.watchers.get(source);
          if (!watcher) {
            watcher = new LogWatcher({
              dirs: TOKEN_LOGS[source].dirs({}),
              importFiles: async (files) => void (await this.importSource(source, files)),
              onError: (error) => this.cockpit.log.warn(`${source} watcher: ${describeError(error)}`),
            });
            this.watchers.set(source, watcher);
          }
          watcher.start();
        } catch (error) {
          this.cockpit.log.warn(`${source} import: ${describeError(error)}`);
        }
      }
    };
    this.scanTimer = setInterval(() => void scan(), FULL_SCAN_INTERVAL_MS);
    await scan();
  }

  async importNow(): Promise<void> {
    const picked = await vscode.window.showQuickPick(
      (Object.keys(TOKEN_LOGS) as TokenLogSource[]).map((source) => ({ label: source, picked: true })),
      { canPickMany: true, title: 'Cockpit: import token usage from these logs' },
    );
    if (!picked?.length) return;
    const lines = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Cockpit: importing token logs', cancellable: false },
      async (progress) => {
        const out: string[] = [];
        for (const { label } of picked) {
          progress.report({ message: label });
          const r = await this.importSource(label as TokenLogSource);
          out.push(`${label}: ${r.imported} imported, ${r.duplicates} duplicates skipped, ${r.malformed} malformed`);
        }
        return out;
      },
    );
    void vscode.window.showInformationMessage(`Cockpit: ${lines.join('; ')}.`);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.refreshTimer);
    clearInterval(this.pollTimer);
    clearInterval(this.scanTimer);
    for (const watcher of this.watchers.values()) watcher.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function setting<T>(key: string, fallback: T): T {
  return vscode.workspace.getConfiguration().get<T>(key, fallback);
}

function budgets(): Budgets {
  const number = (key: string) => {
    const value = setting<unknown>(key, 0);
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
  };
  return { daily: number(SETTINGS.dailyBudget), monthly: number(SETTINGS.monthlyBudget) };
}
