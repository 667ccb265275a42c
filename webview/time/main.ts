/**
 * The Time view: clock-sync history (uPlot, offsets per component against the ±10 ms target) with
 * the status per component and "Check now"; the 5-layer versioning view of a project or of the
 * active file; and the project-snapshot actions (the host runs the commands' dialogs). The view also
 * answers the host's clock probes, so its own clock is checked as the `Browser` component.
 * Light DOM, so the linked stylesheets (media/time.css, uPlot's CSS) apply under the CSP.
 */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import uPlot from 'uplot';
import type { ClockHistoryRow } from '../../src/core/time/check.js';
import type { FiveLayerView } from '../../src/core/time/layers.js';
import type { ClockView } from '../../src/core/time/view.js';
import type { TimeLayersView } from '../../src/protocol.js';
import { HostClient } from '../shared/client.js';
import { answerClockProbes } from '../shared/clock.js';
import { fromLocalInput, stamp, toLocalInput } from '../shared/instant.js';
import { PersistentState } from '../shared/state.js';
import { vscodeApi } from '../shared/vscode-api.js';

type Scope = 'project' | 'file';

/** What survives a reload: the history range, the project, file-or-project, and layer 3's instant. */
interface Saved {
  hours: number;
  projectId: string;
  scope: Scope;
  /** ISO Zulu; '' = now. */
  at: string;
}

const api = vscodeApi<Saved>();
const host = new HostClient(api);
const saved = new PersistentState<Saved>(api, { hours: 24, projectId: '', scope: 'project', at: '' });

const RANGES: Array<[number, string]> = [
  [1, 'Last hour'],
  [24, 'Last 24 hours'],
  [24 * 7, 'Last 7 days'],
  [24 * 30, 'Last 30 days'],
];
/** VS Code's chart colours, with a fallback each where a theme defines none. */
const SERIES_COLOURS: Array<[string, string]> = [
  ['blue', '#3794ff'],
  ['orange', '#d18616'],
  ['green', '#89d185'],
  ['purple', '#b180d7'],
  ['yellow', '#cca700'],
];

const ms = (micros: number) => `${(micros / 1000).toFixed(3)} ms`;

answerClockProbes(host);

/** A theme colour from VS Code's variables (the canvas needs a concrete value). */
function themeColour(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(`--vscode-${name}`).trim();
  return value || fallback;
}

@customElement('cockpit-time')
export class CockpitTime extends LitElement {
  @state() private clock: ClockView | undefined;
  @state() private layers: TimeLayersView | undefined;
  @state() private settings: Saved = saved.value;
  @state() private checking = false;
  @state() private busy = '';
  /** Failures keyed by what failed, so a later successful fetch does not hide a failed action. */
  @state() private errors: Partial<Record<'clock' | 'layers' | 'action', string>> = {};
  private chart: uPlot | undefined;
  private chartView: ClockView | undefined;
  private resizeObserver: ResizeObserver | undefined;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    host.on('data/changed', () => void this.refresh());
    host.on('time/focus', ({ scope }) => {
      this.change({ scope });
      this.querySelector('#layers')?.scrollIntoView();
    });
    void host.request('view/ready', {}).then(() => this.refresh());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.chart?.destroy();
  }

  private change(patch: Partial<Saved>): void {
    const before = this.settings;
    this.settings = { ...before, ...patch };
    saved.update(this.settings);
    if (patch.hours !== undefined && patch.hours !== before.hours) void this.loadClock();
    if (['projectId', 'scope', 'at'].some((k) => k in patch)) void this.loadLayers();
  }

  private refresh(): Promise<unknown> {
    return Promise.all([this.loadClock(), this.loadLayers()]);
  }

  private async attempt<T>(key: 'clock' | 'layers' | 'action', run: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await run();
      this.errors = { ...this.errors, [key]: undefined };
      return result;
    } catch (error) {
      this.errors = { ...this.errors, [key]: (error as Error).message };
      return undefined;
    }
  }

  private async loadClock(): Promise<void> {
    const view = await this.attempt('clock', () => host.request('time/clock', { hours: this.settings.hours }));
    if (view) this.clock = view;
  }

  private async loadLayers(): Promise<void> {
    const { projectId, scope, at } = this.settings;
    const view = await this.attempt('layers', () =>
      host.request('time/layers', { scope, ...(projectId ? { projectId } : {}), ...(at ? { at } : {}) }),
    );
    if (view) this.layers = view;
  }

  private async checkNow(): Promise<void> {
    this.checking = true;
    const checked = await this.attempt('action', () => host.request('time/check', {}));
    this.checking = false;
    if (checked) await this.loadClock();
  }

  private async snapshot(action: 'create' | 'restore' | 'export' | 'import', snapshotId?: string): Promise<void> {
    const projectId = this.layers?.view?.projectId;
    if (!projectId) return;
    this.busy = action;
    const result = await this.attempt('action', () =>
      host.request('time/snapshot', { action, projectId, ...(snapshotId ? { snapshotId } : {}) }),
    );
    this.busy = '';
    // Cancelled or failed: nothing changed, nothing to fetch.
    if (result?.done) await this.loadLayers();
  }

  protected override render(): TemplateResult {
    return html`
      <h1>Time &amp; versions</h1>
      ${Object.values(this.errors)
        .filter(Boolean)
        .map((message) => html`<p class="banner error" role="alert">${message}</p>`)}
      ${this.clockSection()} ${this.layersSection()}
    `;
  }

  // ── Clock sync ───────────────────────────────────────────────────────────────────────────────

  private clockSection(): TemplateResult {
    const view = this.clock;
    return html`<section id="clock" aria-labelledby="clock-title">
      <h2 id="clock-title">Clock sync</h2>
      <div class="controls">
        <label
          >Range
          <select
            name="hours"
            @change=${(e: Event) => this.change({ hours: Number((e.target as HTMLSelectElement).value) })}
          >
            ${RANGES.map(
              ([hours, label]) =>
                html`<option value=${hours} ?selected=${hours === this.settings.hours}>${label}</option>`,
            )}
          </select></label
        >
        <button class="check-now" ?disabled=${this.checking} @click=${() => void this.checkNow()}>
          ${this.checking ? 'Checking…' : 'Check now'}
        </button>
        ${
          view
            ? html`<span class="muted"
                >Target: |offset| &lt; ${view.thresholdMicros / 1000} ms against this machine's clock</span
              >`
            : nothing
        }
      </div>
      ${view ? this.components(view.latest) : html`<p class="loading" role="status">Loading clock checks…</p>`}
      ${
        view && view.history.some((r) => r.status !== 'error')
          ? html`<div class="chart" id="clock-chart" aria-label="Clock offsets over time"></div>`
          : view
            ? html`<p class="empty">No successful clock check in this range yet: press Check now.</p>`
            : nothing
      }
    </section>`;
  }

  private components(latest: ClockHistoryRow[]): TemplateResult {
    if (latest.length === 0) return html`<p class="empty no-checks">No clock checks in this range.</p>`;
    return html`<div class="components">
      ${latest.map(
        (r) =>
          html`<div class="card component ${r.status}" data-component=${r.componentName}>
            <div class="card-head">
              <strong>${r.componentName}</strong> <span class="muted">${r.protocol}</span>
              ${r.stratum !== null ? html`<span class="muted">stratum ${r.stratum}</span>` : nothing}
            </div>
            <div>
              <span class="status ${r.status}">${r.status}</span>
              ${
                r.status === 'error'
                  ? html`<span class="message">${r.errorMessage}</span>`
                  : html`<span class="offset">${ms(r.offsetMicroseconds)}</span>`
              }
            </div>
            <div class="muted">checked ${stamp(r.lastSyncAt)}</div>
          </div>`,
      )}
    </div>`;
  }

  protected override updated(): void {
    const target = this.querySelector<HTMLElement>('#clock-chart');
    const view = this.clock;
    if (!target || !view) {
      this.chart?.destroy();
      this.chart = undefined;
      return;
    }
    if (this.chart && this.chart.root.parentElement === target && this.chartView === view) return;
    this.chart?.destroy();
    this.chartView = view;
    this.chart = this.drawChart(target, view);
    this.resizeObserver?.disconnect();
    this.resizeObserver = new ResizeObserver(() =>
      this.chart?.setSize({ width: Math.max(300, target.clientWidth), height: 260 }),
    );
    this.resizeObserver.observe(target);
  }

  /** One line per component (offset in ms; error rows are gaps) and the ±threshold as dashed lines. */
  private drawChart(target: HTMLElement, view: ClockView): uPlot {
    const rows = view.history.filter((r) => r.status !== 'error');
    const components = [...new Set(rows.map((r) => r.componentName))];
    const instants = [...new Set(rows.map((r) => r.lastSyncAt))].sort();
    const column = new Map(instants.map((iso, i) => [iso, i]));
    const offsets = components.map(() => instants.map((): number | null => null));
    for (const r of rows)
      offsets[components.indexOf(r.componentName)]![column.get(r.lastSyncAt)!] = r.offsetMicroseconds / 1000;
    const limit = view.thresholdMicros / 1000;
    const axisColour = themeColour('foreground', '#888');
    const gridColour = themeColour('widget-border', 'rgba(128,128,128,0.2)');
    const thresholdColour = themeColour('errorForeground', '#f14c4c');
    const threshold = (label: string) => ({
      label,
      stroke: thresholdColour,
      dash: [6, 4],
      width: 1,
      points: { show: false },
    });
    return new uPlot(
      {
        width: Math.max(300, target.clientWidth),
        height: 260,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: {
          x: { time: true },
          y: { range: (_u, min, max) => [Math.min(min ?? 0, -limit * 1.5), Math.max(max ?? 0, limit * 1.5)] },
        },
        axes: [
          { stroke: axisColour, grid: { stroke: gridColour } },
          {
            stroke: axisColour,
            grid: { stroke: gridColour },
            size: 64,
            values: (_u, ticks) => ticks.map((v) => `${v} ms`),
          },
        ],
        series: [
          // The legend names the check's instant with its microseconds.
          { label: 'UTC', value: (_u, _ts, _s, idx) => (idx === null ? '' : (instants[idx] ?? '')) },
          ...components.map((name, i) => ({
            label: name,
            stroke: themeColour(
              `charts-${SERIES_COLOURS[i % SERIES_COLOURS.length]![0]}`,
              SERIES_COLOURS[i % SERIES_COLOURS.length]![1],
            ),
            width: 2,
            spanGaps: true,
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${v.toFixed(3)} ms`),
          })),
          threshold(`+${limit} ms`),
          threshold(`−${limit} ms`),
        ],
      },
      [
        instants.map((iso) => Date.parse(iso) / 1000),
        ...offsets,
        instants.map(() => limit),
        instants.map(() => -limit),
      ],
      target,
    );
  }

  // ── The 5 layers ─────────────────────────────────────────────────────────────────────────────

  private layersSection(): TemplateResult {
    const layers = this.layers;
    const view = layers?.view;
    return html`<section id="layers" aria-labelledby="layers-title">
      <h2 id="layers-title">
        5-layer
        versioning${view ? html` — ${view.file ? html`<code>${view.file}</code> in ` : nothing}${view.projectName}` : nothing}
      </h2>
      ${layers ? this.layerControls(layers) : html`<p class="loading" role="status">Loading the version layers…</p>`}
      ${layers?.fileProblem ? html`<p class="banner file-problem">${layers.fileProblem}</p>` : nothing}
      ${layers?.problem ? html`<p class="empty">${layers.problem}</p>` : nothing}
      ${view && layers ? this.layerContent(view, layers.dialect) : nothing}
    </section>`;
  }

  private layerControls(layers: TimeLayersView): TemplateResult {
    const { scope, at } = this.settings;
    return html`<div class="controls">
      ${
        layers.projects.length > 1
          ? html`<label
              >Project
              <select
                name="project"
                @change=${(e: Event) => this.change({ projectId: (e.target as HTMLSelectElement).value })}
              >
                ${layers.projects.map(
                  (p) => html`<option value=${p.id} ?selected=${p.id === layers.view?.projectId}>${p.name}</option>`,
                )}
              </select></label
            >`
          : nothing
      }
      <div class="toggle" role="group" aria-label="Show the layers of">
        ${(['project', 'file'] as const).map(
          (s) =>
            html`<button
              class="scope ${scope === s ? 'active' : ''}"
              data-scope=${s}
              aria-pressed=${scope === s}
              @click=${() => this.change({ scope: s })}
            >
              ${s === 'project' ? 'Project' : 'Active file'}
            </button>`,
        )}
      </div>
      <label
        >Database at
        <input
          type="datetime-local"
          name="at"
          step="1"
          .value=${at ? toLocalInput(at) : ''}
          @change=${(e: Event) => this.change({ at: fromLocalInput((e.target as HTMLInputElement).value) })}
      /></label>
      <button class="secondary now" ?disabled=${!at} @click=${() => this.change({ at: '' })}>Now</button>
      <button class="secondary" @click=${() => void this.loadLayers()}>Refresh</button>
    </div>`;
  }

  private layerContent(view: FiveLayerView, dialect: TimeLayersView['dialect']): TemplateResult {
    return html`${this.filesystemLayer(view)} ${this.gitLayer(view)} ${this.databaseLayer(view, dialect)}
    ${this.semverLayer(view)} ${this.snapshotLayer(view)}`;
  }

  private filesystemLayer(view: FiveLayerView): TemplateResult {
    const { captures, note } = view.filesystem;
    return html`<section class="layer" id="layer-1">
      <h3>1 · Filesystem (MAC times)</h3>
      <p class="muted">${note}</p>
      ${
        captures.length === 0
          ? html`<p class="empty">
              No captures recorded${view.file ? ' for this file' : ''}: Cockpit: Capture File Timestamps.
            </p>`
          : html`<table>
              <thead>
                <tr>
                  <th>File</th>
                  <th>Modified</th>
                  <th>Changed</th>
                  <th>Accessed</th>
                  <th>Captured</th>
                </tr>
              </thead>
              <tbody>
                ${captures.map(
                  (c) =>
                    html`<tr>
                      <td><code>${c.filePath}</code></td>
                      <td>${stamp(c.mtime, false)}</td>
                      <td>${stamp(c.ctime, false)}</td>
                      <td>${stamp(c.atime, false)}</td>
                      <td>${stamp(c.capturedAt)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
  }

  private gitLayer(view: FiveLayerView): TemplateResult {
    const git = view.git;
    return html`<section class="layer" id="layer-2">
      <h3>2 · Git</h3>
      ${
        !git.available
          ? html`<p class="empty">${git.reason}</p>`
          : html`<p>
                HEAD
                ${
                  git.head
                    ? html`<code title=${git.head.sha}>${git.head.sha.slice(0, 10)}</code> ${git.head.subject} ·
                        ${stamp(git.head.committerDate)}`
                    : html`<span class="muted">no commits</span>`
                }
              </p>
              ${view.file ? html`<p class="muted">Commits touching ${view.file}:</p>` : nothing}
              ${
                git.commits.length === 0
                  ? html`<p class="empty">No commits${view.file ? ' touch this file' : ''}.</p>`
                  : html`<table class="commits">
                      <thead>
                        <tr>
                          <th>Commit</th>
                          <th>Authored</th>
                          <th>Author</th>
                          <th>Subject</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${git.commits.map(
                          (c) =>
                            html`<tr>
                              <td><code title=${c.sha}>${c.sha.slice(0, 10)}</code></td>
                              <td>${stamp(c.authorDate)}</td>
                              <td>${c.author}</td>
                              <td>${c.subject}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>`
              }`
      }
    </section>`;
  }

  private databaseLayer(view: FiveLayerView, dialect: TimeLayersView['dialect']): TemplateResult {
    const layer = view.database;
    const source = layer.source === 'tidb-mvcc' ? 'TiDB AS OF TIMESTAMP' : 'from version_history';
    return html`<section class="layer" id="layer-3">
      <h3>3 · Database at ${stamp(layer.at)} <span class="tag source">${source}</span></h3>
      <p class="muted label">${layer.label}</p>
      ${
        dialect !== 'tidb'
          ? html`<p class="muted">
              Pick an instant above: ${dialect === 'mariadb' ? 'MariaDB' : 'MySQL'} answers from the recorded versions.
            </p>`
          : nothing
      }
      ${
        layer.dashboards.length === 0
          ? html`<p class="empty">No dashboards.</p>`
          : html`<table class="dashboards-at">
              <thead>
                <tr>
                  <th>Dashboard</th>
                  <th>As it was</th>
                </tr>
              </thead>
              <tbody>
                ${layer.dashboards.map(
                  (d) =>
                    html`<tr>
                      <td>${d.name ?? html`<code>${d.id}</code>`}</td>
                      <td>
                        ${
                          d.source === null
                            ? html`<span class="muted">nothing recorded by then</span>`
                            : html`<details>
                                <summary>${d.source}</summary>
                                <pre>${JSON.stringify(d.state, null, 2)}</pre>
                              </details>`
                        }
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
  }

  private semverLayer(view: FiveLayerView): TemplateResult {
    const { api: apiVersion, dashboards, extensionTemplates } = view.semver;
    return html`<section class="layer" id="layer-4">
      <h3>4 · SemVer</h3>
      <table class="semver">
        <tbody>
          <tr>
            <td>Cockpit extension API</td>
            <td class="version">${apiVersion}</td>
            <td></td>
          </tr>
          ${dashboards.map(
            (d) =>
              html`<tr>
                <td>Dashboard ${d.name}</td>
                <td class="version">
                  ${d.versionNumber === null ? html`<span class="muted">no versions</span>` : `v${d.versionNumber}`}
                </td>
                <td></td>
              </tr>`,
          )}
          ${extensionTemplates.map(
            (t) =>
              html`<tr>
                <td>Template ${t.name} <span class="muted">${t.extensionId}</span></td>
                <td class="version">${t.version ?? html`<span class="muted">no versions</span>`}</td>
                <td>${stamp(t.versionCreatedAt)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
  }

  private snapshotLayer(view: FiveLayerView): TemplateResult {
    const busy = this.busy !== '';
    return html`<section class="layer" id="layer-5">
      <h3>5 · Project snapshots</h3>
      <div class="controls">
        <button class="create-snapshot" ?disabled=${busy} @click=${() => void this.snapshot('create')}>
          Create snapshot…
        </button>
        <button class="secondary import-snapshot" ?disabled=${busy} @click=${() => void this.snapshot('import')}>
          Import…
        </button>
        ${busy ? html`<span class="muted" role="status">Waiting for the ${this.busy} dialog…</span>` : nothing}
      </div>
      ${
        view.snapshots.length === 0
          ? html`<p class="empty">No snapshots of this project yet.</p>`
          : html`<table class="snapshots">
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Created</th>
                  <th>By</th>
                  <th>Description</th>
                  <th>Contents</th>
                  <th>Git</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${view.snapshots.map(
                  (s) =>
                    html`<tr data-snapshot=${s.id}>
                      <td>v${s.versionNumber}</td>
                      <td>${stamp(s.createdAt)}</td>
                      <td>${s.createdBy}</td>
                      <td>${s.description ?? html`<span class="muted">(none)</span>`}</td>
                      <td>
                        ${s.counts.profiles} profiles, ${s.counts.dashboards} dashboards, ${s.counts.modules} modules
                      </td>
                      <td>
                        ${s.gitTag ? html`<code>${s.gitTag}</code>` : s.gitHead ? html`<code title=${s.gitHead}>${s.gitHead.slice(0, 10)}</code>` : nothing}
                      </td>
                      <td class="actions">
                        <button
                          class="secondary restore"
                          ?disabled=${busy}
                          @click=${() => void this.snapshot('restore', s.id)}
                        >
                          Restore…
                        </button>
                        <button
                          class="secondary export"
                          ?disabled=${busy}
                          @click=${() => void this.snapshot('export', s.id)}
                        >
                          Export…
                        </button>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
  }
}

// The shared page has an empty body: the view adds its root element.
if (!document.querySelector('cockpit-time')) document.body.append(document.createElement('cockpit-time'));
