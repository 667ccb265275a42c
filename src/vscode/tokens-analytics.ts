/**
 * The Token analytics panel (Cockpit: Open Token Analytics, also the status-bar item): the report of
 * src/core/tokens/analytics-report.ts on the shared webview helpers, with CSV/JSON export written
 * by the host after a save dialog.
 */
import * as vscode from 'vscode';
import {
  analyticsCsv,
  analyticsJson,
  tokenAnalyticsReport,
  type TokenAnalyticsReport,
} from '../core/tokens/analytics-report.js';
import type { RequestParams, TokenAnalyticsView } from '../protocol.js';
import type { Cockpit } from './context.js';
import type { WorkspaceProjectResolver } from './tokens-project.js';
import type { RequestHandlers } from './webview/dispatcher.js';
import { SingletonPanel } from './webview/singleton.js';
import { serveView } from './webview/view.js';

const TOKEN_ANALYTICS_PANEL = 'cockpit.tokenAnalytics';
const TITLE = 'Cockpit: Token Analytics';
const NO_PROJECT = 'This workspace maps to no Cockpit project: open the Cockpit panel to create or link one.';

/** The panel (one per window; after a reload the webview restores its toggle, range and sort); returns what opens it. */
export function registerTokenAnalyticsPanel(cockpit: Cockpit, projects: WorkspaceProjectResolver): () => void {
  const panels = new SingletonPanel(
    cockpit,
    TOKEN_ANALYTICS_PANEL,
    TITLE,
    (panel) => new TokenAnalyticsPanel(panel, cockpit, projects),
  );
  return () => void panels.show();
}

class TokenAnalyticsPanel {
  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly cockpit: Cockpit,
    private readonly projects: WorkspaceProjectResolver,
  ) {
    serveView(cockpit, panel, {
      page: {
        view: 'analytics',
        title: TITLE,
        stylesheets: ['dist/webview/uplot.css', 'media/controls.css', 'media/analytics.css'],
      },
      name: 'Token analytics view',
      handlers: this.handlers(),
      refreshOn: [
        [cockpit.database.onDidChange, 'database'],
        [projects.onDidChange, 'project'],
      ],
      refreshWhenShown: true,
    });
  }

  private handlers(): RequestHandlers {
    return {
      'view/ready': () => ({ view: 'analytics' }),
      'tokens/analytics': (params) => this.view(params),
      'tokens/export': async ({ format, ...query }) => {
        const view = await this.view(query);
        if (!view.report || !view.project) return { saved: null };
        return { saved: await this.save(view.project.name, view.report, format) };
      },
    };
  }

  private async view(query: RequestParams<'tokens/analytics'>): Promise<TokenAnalyticsView> {
    const database = await this.cockpit.database.get();
    const project = await this.projects.current(database);
    if (!project) return { project: null, problem: NO_PROJECT, report: null };
    const report = await tokenAnalyticsReport(database, { projectId: project.id, ...query });
    return { project: { id: project.id, name: project.name }, problem: null, report };
  }

  private async save(
    projectName: string,
    report: TokenAnalyticsReport,
    format: 'csv' | 'json',
  ): Promise<string | null> {
    const safeName = projectName.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'project';
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const fileName = `token-usage-${safeName}-${report.since}-${report.until}.${format}`;
    const target = await vscode.window.showSaveDialog({
      title: 'Export token usage',
      defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
    });
    if (!target) return null;
    const text = format === 'csv' ? analyticsCsv(report) : analyticsJson(report);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    void vscode.window.showInformationMessage(`Cockpit: token usage exported to ${target.fsPath}.`);
    return target.fsPath;
  }
}
