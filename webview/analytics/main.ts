/**
 * The Token analytics view: cost per UTC day, ISO week or month stacked by provider (uPlot, following
 * the toggle and the date range), token totals, per-model and per-branch tables, the 5-hour burn rate
 * with its projection drawn to the end of the block, and CSV/JSON export.
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
import { burnChartData, costChartData } from './chart-data.js';
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
const PERIOD_NOUN: Record<Period, string> = { day: 'Daily', week: 'Weekly', month: 'Monthly' };
/** What a bar covers, said under the chart. */
const PERIOD_NOTE: Record<Period, string> = {
  day: 'One bar per UTC day.',
  week: 'One bar per ISO week, Monday 00:00 to Sunday 24:00 UTC, labelled by its Monday; the first and last bars count only the days inside the range.',
  month: 'One bar per UTC calendar month; the first and last bars count only the days inside the range.',
};
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
    this.resizeObserver = undefined;
    for (const { chart } of this.charts.values()) chart.destroy();
    this.charts.clear();
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
        <h2>${PERIOD_NOUN[report.period]} cost by provider ${range}</h2>
        <div class="chart" id="cost-chart"></div>
        <p class="muted chart-note">${PERIOD_NOTE[report.period]}</p>
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
    return html`<section class="burn">
      <p class="burn-rate">
        <strong>Burn rate:</strong> ${usd(rate.costPerHour)}/hour · ${tokens(rate.tokensPerMinute)} tokens/min ·
        ${usd(rate.cost, 4)} so far in the block since ${rate.blockStart.slice(11, 16)} UTC; projected
        <strong class="projection">${usd(rate.projectedCost, 4)}</strong> (${tokens(rate.projectedTokens)} tokens) by
        ${rate.blockEnd.slice(11, 16)} UTC, ${rate.remainingMinutes} min left.
      </p>
      <div class="chart burn-chart" id="burn-chart"></div>
      <p class="muted chart-note">
        Cumulative cost of the current 5-hour block (UTC); dashed: the projection at the rate since its first event.
      </p>
    </section>`;
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

  private charts = new Map<string, { chart: uPlot; source: unknown }>();

  /** (Re)draws each chart whose data changed; a chart whose container is gone is destroyed. */
  protected override updated(): void {
    this.resizeObserver ??= new ResizeObserver(() => {
      for (const { chart } of this.charts.values()) {
        const width = chart.root.parentElement?.clientWidth ?? 0;
        chart.setSize({ width: Math.max(300, width), height: chart.height });
      }
    });
    const report = this.view?.report;
    const hasData = report && report.totals.events > 0;
    this.syncChart('#cost-chart', hasData ? report : undefined, (target, r) => this.drawCostChart(target, r));
    this.syncChart('#burn-chart', hasData ? report.burnRate : undefined, (target, rate) =>
      this.drawBurnChart(target, rate),
    );
  }

  private syncChart<T>(
    selector: string,
    source: T | null | undefined,
    draw: (target: HTMLElement, source: T) => uPlot,
  ) {
    const target = this.querySelector<HTMLElement>(selector);
    const current = this.charts.get(selector);
    if (current && target && source && current.source === source && current.chart.root.parentElement === target) return;
    current?.chart.destroy();
    this.charts.delete(selector);
    if (!target || !source) return;
    this.charts.set(selector, { chart: draw(target, source), source });
    this.resizeObserver?.observe(target);
  }

  private axes(yDecimals: number): uPlot.Axis[] {
    const axisColour = themeColour('foreground', '#888');
    const gridColour = themeColour('widget-border', 'rgba(128,128,128,0.2)');
    return [
      { stroke: axisColour, grid: { stroke: gridColour } },
      {
        stroke: axisColour,
        grid: { stroke: gridColour },
        values: (_u, ticks) => ticks.map((v) => `$${v.toFixed(yDecimals)}`),
      },
    ];
  }

  /**
   * Stacked bars, one per bucket of the toggle's period: each provider's series is the running sum up
   * to it, drawn largest first so the smaller stacks paint over it. The legend shows each provider's
   * own cost. Weeks and months are labelled by their first day (Monday, the 1st).
   */
  private drawCostChart(target: HTMLElement, report: TokenAnalyticsReport): uPlot {
    const { x, own, stacked } = costChartData(report);
    const order = report.providers.map((_, p) => p).reverse();
    const bars = uPlot.paths.bars!({ size: [0.8, 40] });
    const label = (ts: number) => {
      const day = new Date(ts * 1000).toISOString().slice(0, 10);
      return report.period === 'month' ? day.slice(0, 7) : day;
    };
    const axes = this.axes(2);
    if (report.period !== 'day') {
      // One tick per bucket (at most ~12 labelled), named as the tables name it.
      const step = Math.max(1, Math.ceil(x.length / 12));
      axes[0] = {
        ...axes[0],
        splits: () => x.filter((_, i) => i % step === 0),
        values: (_u, ticks) => ticks.map(label),
      };
    }
    return new uPlot(
      {
        width: Math.max(300, target.clientWidth),
        height: 260,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes,
        series: [
          { label: PERIOD_HEADER[report.period], value: (_u, ts) => (ts === null ? '' : label(ts)) },
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

  /** The block's cumulative cost (solid) and its projection to the block's end (dashed). */
  private drawBurnChart(target: HTMLElement, rate: BurnRate): uPlot {
    const { x, spent, projected } = burnChartData(rate);
    const colour = themeColour('charts-blue', '#3794ff');
    const projectedColour = themeColour('charts-orange', '#d18616');
    const money = (_u: uPlot, v: number | null) => (v === null ? '' : `$${v.toFixed(4)}`);
    return new uPlot(
      {
        width: Math.max(300, target.clientWidth),
        height: 180,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: this.axes(2),
        series: [
          {
            label: 'Time (UTC)',
            value: (_u, ts) => (ts === null ? '' : new Date(ts * 1000).toISOString().slice(11, 16)),
          },
          { label: 'Spent', stroke: colour, width: 2, points: { show: false }, value: money },
          {
            label: `Projected to ${rate.blockEnd.slice(11, 16)} UTC`,
            stroke: projectedColour,
            width: 2,
            dash: [6, 4],
            points: { show: true },
            value: money,
          },
        ],
      },
      [x, spent, projected],
      target,
    );
  }
}

// The shared page has an empty body: the view adds its root element.
if (!document.querySelector('token-analytics')) document.body.append(document.createElement('token-analytics'));
