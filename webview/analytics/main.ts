/**
 * The Token analytics view: daily cost stacked by provider (uPlot), token totals, per-model and
 * per-branch tables, totals per day/week/month, the 5-hour burn rate and CSV/JSON export.
 * Rendered in the light DOM so the linked stylesheets (media/analytics.css, uPlot's CSS) apply:
 * the CSP allows no inline styles. Costs arrive as exact decimal strings and are only formatted.
 */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import uPlot from 'uplot';
import type { BranchUsage, BurnRate, ModelUsage, UsageSums } from '../../src/core/tokens/analytics.js';
import type { TokenAnalyticsReport } from '../../src/core/tokens/analytics-report.js';
import type { TokenAnalyticsView } from '../../src/protocol.js';
import { HostClient } from '../shared/client.js';
import { PersistentState } from '../shared/state.js';
import { vscodeApi } from '../shared/vscode-api.js';

type Period = 'day' | 'week' | 'month';
type SortKey = 'model' | 'provider' | 'inputTokens' | 'outputTokens' | 'cacheTokens' | 'events' | 'totalCost';

/** What survives a reload: the toggle, the range and the model table's sort. */
interface Saved {
  period: Period;
  since: string;
  until: string;
  sortKey: SortKey;
  sortDescending: boolean;
}

const api = vscodeApi<Saved>();
const host = new HostClient(api);
const saved = new PersistentState<Saved>(api, {
  period: 'day',
  since: '',
  until: '',
  sortKey: 'totalCost',
  sortDescending: true,
});

const PERIOD_LABEL: Record<Period, string> = { day: 'Daily', week: 'Weekly', month: 'Monthly' };
const PERIOD_HEADER: Record<Period, string> = { day: 'Day', week: 'Week of', month: 'Month' };
const SERIES_COLOURS = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];

const tokens = (n: number) => n.toLocaleString('en-US');

/** "$1,234.57" from "1234.5678" — display only, rounded half up on the decimal string. */
function usd(cost: string, decimals = 2): string {
  const units = costUnits(cost);
  const divisor = 10n ** BigInt(4 - decimals);
  const rounded = (units + divisor / 2n) / divisor;
  const digits = rounded.toString().padStart(decimals + 1, '0');
  const whole = BigInt(digits.slice(0, digits.length - decimals)).toLocaleString('en-US');
  return `$${whole}${decimals > 0 ? `.${digits.slice(digits.length - decimals)}` : ''}`;
}

/** A 4-decimal cost string as an integer of 1e-4 units, so sorting never goes through floats. */
function costUnits(cost: string): bigint {
  const [whole = '0', fraction = ''] = cost.split('.');
  return BigInt(whole || '0') * 10_000n + BigInt((fraction + '0000').slice(0, 4));
}

const cacheTokens = (s: UsageSums) => s.cacheCreationTokens + s.cacheReadTokens;

function compareModels(a: ModelUsage, b: ModelUsage, key: SortKey): number {
  switch (key) {
    case 'model':
    case 'provider':
      return a[key].localeCompare(b[key]);
    case 'totalCost': {
      const x = costUnits(a.totalCost);
      const y = costUnits(b.totalCost);
      return x === y ? 0 : x < y ? -1 : 1;
    }
    case 'cacheTokens':
      return cacheTokens(a) - cacheTokens(b);
    default:
      return a[key] - b[key];
  }
}

/** A theme colour from VS Code's variables (the canvas needs a concrete value). */
function themeColour(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(`--vscode-${name}`).trim();
  return value || fallback;
}

@customElement('token-analytics')
export class TokenAnalytics extends LitElement {
  @state() private view: TokenAnalyticsView | undefined;
  @state() private loading = true;
  @state() private error = '';
  @state() private notice = '';
  @state() private settings: Saved = saved.value;
  private chart: uPlot | undefined;
  private resizeObserver: ResizeObserver | undefined;

  /** Light DOM: the page's linked stylesheets style the view and uPlot's chart. */
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    host.on('data/changed', () => void this.refresh());
    void host.request('view/ready', {}).then(() => this.refresh());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.chart?.destroy();
  }

  private update$(patch: Partial<Saved>, refetch = true): void {
    this.settings = { ...this.settings, ...patch };
    saved.update(this.settings);
    if (refetch) void this.refresh();
  }

  private query() {
    const { period, since, until } = this.settings;
    return { period, ...(since ? { since } : {}), ...(until ? { until } : {}) };
  }

  private async refresh(): Promise<void> {
    this.loading = true;
    try {
      this.view = await host.request('tokens/analytics', this.query());
      this.error = '';
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.loading = false;
    }
  }

  private async exportAs(format: 'csv' | 'json'): Promise<void> {
    try {
      const { saved: file } = await host.request('tokens/export', { ...this.query(), format });
      this.notice = file ? `Exported to ${file}.` : '';
      this.error = '';
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  protected override render(): TemplateResult {
    const report = this.view?.report;
    return html`
      <header>
        <h1>Token analytics${this.view?.project ? html` — ${this.view.project.name}` : nothing}</h1>
        ${this.controls()}
      </header>
      ${this.error ? html`<p class="banner error" role="alert">${this.error}</p>` : nothing}
      ${this.notice ? html`<p class="muted" role="status">${this.notice}</p>` : nothing}
      ${this.loading && !this.view ? html`<p class="loading" role="status">Loading token usage…</p>` : nothing}
      ${this.view?.problem ? html`<p class="empty">${this.view.problem}</p>` : nothing}
      ${report ? this.content(report) : nothing}
    `;
  }

  private controls(): TemplateResult {
    const s = this.settings;
    return html`<div class="controls">
      <div class="toggle" role="group" aria-label="Totals per">
        ${(['day', 'week', 'month'] as const).map(
          (p) =>
            html`<button
              class="period ${s.period === p ? 'active' : ''}"
              aria-pressed=${s.period === p}
              @click=${() => this.update$({ period: p })}
            >
              ${PERIOD_LABEL[p]}
            </button>`,
        )}
      </div>
      <label
        >Since
        <input
          type="date"
          name="since"
          .value=${s.since}
          @change=${(e: Event) => this.update$({ since: (e.target as HTMLInputElement).value })}
      /></label>
      <label
        >Until
        <input
          type="date"
          name="until"
          .value=${s.until}
          @change=${(e: Event) => this.update$({ until: (e.target as HTMLInputElement).value })}
      /></label>
      <button class="secondary" ?disabled=${this.loading} @click=${() => void this.refresh()}>Refresh</button>
      <button class="secondary export-csv" @click=${() => void this.exportAs('csv')}>Export CSV</button>
      <button class="secondary export-json" @click=${() => void this.exportAs('json')}>Export JSON</button>
      ${this.loading && this.view ? html`<span class="muted" role="status">Loading…</span>` : nothing}
    </div>`;
  }

  private content(report: TokenAnalyticsReport): TemplateResult {
    const range = html`<span class="muted">${report.since} – ${report.until} (UTC)</span>`;
    if (report.totals.events === 0) {
      return html`<p class="empty">
          No token usage recorded yet — usage shows here once Claude Code or Codex logs are imported (Cockpit: Import
          Token Logs) or an extension records it.
        </p>
        <p>${range}</p>`;
    }
    const t = report.totals;
    return html`
      <section class="totals" aria-label="Totals">
        <div class="card"><span class="muted">Cost</span><strong class="total-cost">${usd(t.totalCost)}</strong></div>
        <div class="card"><span class="muted">Input tokens</span><strong>${tokens(t.inputTokens)}</strong></div>
        <div class="card"><span class="muted">Output tokens</span><strong>${tokens(t.outputTokens)}</strong></div>
        <div class="card">
          <span class="muted">Cache tokens (write / read)</span
          ><strong>${tokens(t.cacheCreationTokens)} / ${tokens(t.cacheReadTokens)}</strong>
        </div>
        <div class="card"><span class="muted">Events</span><strong>${tokens(t.events)}</strong></div>
      </section>
      ${this.burnRate(report.burnRate)}
      <section>
        <h2>Daily cost by provider ${range}</h2>
        <div class="chart" id="cost-chart"></div>
      </section>
      <section>
        <h2>${PERIOD_LABEL[report.period]} totals</h2>
        ${this.periodTable(report)}
      </section>
      <section>
        <h2>Models</h2>
        ${this.modelTable(report.models)}
      </section>
      <section>
        <h2>Git branches</h2>
        ${this.branchTable(report.branches)}
      </section>
    `;
  }

  private burnRate(rate: BurnRate | null): TemplateResult {
    if (!rate) return html`<p class="burn-rate muted">No active 5-hour block: no usage in the last 5 hours.</p>`;
    return html`<p class="burn-rate">
      <strong>Burn rate:</strong> ${usd(rate.costPerHour)}/hour · ${tokens(rate.tokensPerMinute)} tokens/min ·
      ${usd(rate.cost, 4)} so far in the block since ${rate.blockStart.slice(11, 16)} UTC; projected
      <strong class="projection">${usd(rate.projectedCost, 4)}</strong> (${tokens(rate.projectedTokens)} tokens) by
      ${rate.blockEnd.slice(11, 16)} UTC, ${rate.remainingMinutes} min left.
    </p>`;
  }

  private periodTable(report: TokenAnalyticsReport): TemplateResult {
    return html`<table class="periods">
      <thead>
        <tr>
          <th>${PERIOD_HEADER[report.period]}</th>
          <th class="num">Input</th>
          <th class="num">Output</th>
          <th class="num">Cache</th>
          <th class="num">Events</th>
          <th class="num">Cost</th>
        </tr>
      </thead>
      <tbody>
        ${report.periods.map(
          (p) =>
            html`<tr>
              <td>${p.period}</td>
              <td class="num">${tokens(p.inputTokens)}</td>
              <td class="num">${tokens(p.outputTokens)}</td>
              <td class="num">${tokens(cacheTokens(p))}</td>
              <td class="num">${tokens(p.events)}</td>
              <td class="num">${usd(p.totalCost, 4)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private modelTable(models: ModelUsage[]): TemplateResult {
    const { sortKey, sortDescending } = this.settings;
    const sorted = [...models].sort((a, b) => {
      const order = compareModels(a, b, sortKey) || a.model.localeCompare(b.model);
      return sortDescending ? -order : order;
    });
    const header = (key: SortKey, label: string, numeric = true) => {
      const active = sortKey === key;
      const next = active ? !sortDescending : numeric;
      return html`<th
        class=${numeric ? 'num' : ''}
        aria-sort=${active ? (sortDescending ? 'descending' : 'ascending') : 'none'}
      >
        <button
          class="sort"
          data-key=${key}
          @click=${() => this.update$({ sortKey: key, sortDescending: next }, false)}
        >
          ${label}${active ? (sortDescending ? ' ▼' : ' ▲') : ''}
        </button>
      </th>`;
    };
    return html`<table class="models">
      <thead>
        <tr>
          ${header('model', 'Model', false)} ${header('provider', 'Provider', false)} ${header('inputTokens', 'Input')}
          ${header('outputTokens', 'Output')} ${header('cacheTokens', 'Cache')} ${header('events', 'Events')}
          ${header('totalCost', 'Cost')}
        </tr>
      </thead>
      <tbody>
        ${sorted.map(
          (m) =>
            html`<tr>
              <td class="model">
                ${m.model}
                ${
                  m.unpricedEvents > 0
                    ? html`<span
                        class="tag unpriced"
                        title="${m.unpricedEvents} events have no known price (counted as $0)"
                        >unpriced</span
                      >`
                    : nothing
                }
              </td>
              <td>${m.provider}</td>
              <td class="num">${tokens(m.inputTokens)}</td>
              <td class="num">${tokens(m.outputTokens)}</td>
              <td class="num">${tokens(cacheTokens(m))}</td>
              <td class="num">${tokens(m.events)}</td>
              <td class="num cost">${usd(m.totalCost, 4)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private branchTable(branches: BranchUsage[]): TemplateResult {
    if (branches.every((b) => b.gitBranch === null))
      return html`<p class="muted">The recorded usage names no git branch.</p>`;
    return html`<table class="branches">
      <thead>
        <tr>
          <th>Branch</th>
          <th class="num">Tokens</th>
          <th class="num">Events</th>
          <th class="num">Cost</th>
        </tr>
      </thead>
      <tbody>
        ${branches.map(
          (b) =>
            html`<tr>
              <td>${b.gitBranch ?? html`<span class="muted">(unknown)</span>`}</td>
              <td class="num">${tokens(b.inputTokens + b.outputTokens + cacheTokens(b))}</td>
              <td class="num">${tokens(b.events)}</td>
              <td class="num">${usd(b.totalCost, 4)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  protected override updated(): void {
    const target = this.querySelector<HTMLElement>('#cost-chart');
    const report = this.view?.report;
    if (!target || !report || report.totals.events === 0) {
      this.chart?.destroy();
      this.chart = undefined;
      return;
    }
    if (this.chart && this.chart.root.parentElement === target && this.chartReport === report) return;
    this.chart?.destroy();
    this.chartReport = report;
    this.chart = this.drawChart(target, report);
    this.resizeObserver?.disconnect();
    this.resizeObserver = new ResizeObserver(() => {
      if (this.chart) this.chart.setSize({ width: Math.max(300, target.clientWidth), height: 260 });
    });
    this.resizeObserver.observe(target);
  }

  private chartReport: TokenAnalyticsReport | undefined;

  /**
   * Stacked bars: each provider's series is the running sum up to it, drawn largest first so the
   * smaller stacks paint over it. The legend shows each provider's own cost.
   */
  private drawChart(target: HTMLElement, report: TokenAnalyticsReport): uPlot {
    const index = new Map(report.days.map((day, i) => [day, i]));
    const own = report.providers.map(() => report.days.map(() => 0));
    for (const point of report.trend) {
      const p = report.providers.indexOf(point.provider);
      const d = index.get(point.day);
      // Display only: the chart plots numbers; tables and exports keep the exact strings.
      if (p >= 0 && d !== undefined) own[p]![d] = Number(point.totalCost);
    }
    const stacked = own.map((_, p) =>
      report.days.map((__, d) => own.slice(0, p + 1).reduce((s, row) => s + row[d]!, 0)),
    );
    const order = report.providers.map((_, p) => p).reverse();
    const axisColour = themeColour('foreground', '#888');
    const gridColour = themeColour('widget-border', 'rgba(128,128,128,0.2)');
    const x = report.days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
    const bars = uPlot.paths.bars!({ size: [0.8, 40] });
    return new uPlot(
      {
        width: Math.max(300, target.clientWidth),
        height: 260,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          { stroke: axisColour, grid: { stroke: gridColour } },
          {
            stroke: axisColour,
            grid: { stroke: gridColour },
            values: (_u, ticks) => ticks.map((v) => `$${v.toFixed(2)}`),
          },
        ],
        series: [
          { label: 'Day', value: (_u, ts) => (ts === null ? '' : new Date(ts * 1000).toISOString().slice(0, 10)) },
          ...order.map((p, i) => {
            const colour = themeColour(`charts-${SERIES_COLOURS[p % SERIES_COLOURS.length]}`, '#3794ff');
            return {
              label: report.providers[p]!,
              stroke: colour,
              fill: colour,
              paths: bars,
              points: { show: false },
              value: (_u: uPlot, _v: number | null, _s: number, idx: number | null) =>
                idx === null ? '' : `$${own[order[i]!]![idx]!.toFixed(4)}`,
            };
          }),
        ],
      },
      [x, ...order.map((p) => stacked[p]!)],
      target,
    );
  }
}

// The shared page has an empty body: the view adds its root element.
if (!document.querySelector('token-analytics')) document.body.append(document.createElement('token-analytics'));
