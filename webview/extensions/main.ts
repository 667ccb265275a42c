/**
 * The Extensions view: installed extensions with their mapping state (enable/disable, reorder,
 * map, overrides as validated raw JSON) and the enabled extension dashboards with their widgets.
 * No business logic: every action is a request the host validates and authorizes.
 */
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { DashboardView, ExtensionRowView, ExtensionsViewState, WidgetView } from '../../src/protocol.js';
import { HostClient } from '../shared/client.js';
import { PersistentState } from '../shared/state.js';
import { baseStyles } from '../shared/styles.js';
import { vscodeApi } from '../shared/vscode-api.js';

/** What survives a reload: the last state shown and the overrides the user is still editing. */
interface Saved {
  view?: ExtensionsViewState;
  drafts: Record<string, string>;
}

const api = vscodeApi<Saved>();
const host = new HostClient(api);
const saved = new PersistentState<Saved>(api, { drafts: {} });

const STATE_LABEL: Record<ExtensionRowView['state'], string> = {
  enabled: 'enabled',
  mapped: 'mapped (disabled)',
  available: 'template available',
  missing: 'missing here',
  unsupported: 'no template',
};

/** Markdown subset rendered as Lit templates (never as HTML): paragraphs, `code`, **bold**. */
function markdown(text: string): TemplateResult[] {
  return text
    .split(/\n{2,}/)
    .filter((p) => p.trim())
    .map((paragraph) => {
      const parts = paragraph.split(/(`[^`]+`|\*\*[^*]+\*\*)/g).map((part) => {
        if (part.startsWith('`') && part.endsWith('`') && part.length > 1)
          return html`<code>${part.slice(1, -1)}</code>`;
        if (part.startsWith('**') && part.endsWith('**') && part.length > 3)
          return html`<strong>${part.slice(2, -2)}</strong>`;
        return html`${part}`;
      });
      return html`<p>${parts}</p>`;
    });
}

@customElement('cockpit-extensions')
export class CockpitExtensions extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        padding: 0 16px 24px;
        color: var(--vscode-foreground);
        font-family: var(--vscode-font-family);
        font-size: var(--vscode-font-size);
      }
      h1 {
        font-size: 1.4em;
        font-weight: 600;
        margin: 16px 0 4px;
      }
      h2 {
        font-size: 1.15em;
        font-weight: 600;
        margin: 24px 0 8px;
      }
      h3 {
        font-size: 1em;
        font-weight: 600;
        margin: 0 0 8px;
      }
      .muted {
        color: var(--vscode-descriptionForeground);
      }
      .error {
        color: var(--vscode-errorForeground);
        white-space: pre-wrap;
      }
      .notice {
        border-left: 3px solid var(--vscode-notificationsInfoIcon-foreground, var(--vscode-focusBorder));
        padding: 8px 12px;
        background: var(--vscode-textBlockQuote-background);
      }
      table {
        border-collapse: collapse;
        width: 100%;
      }
      th,
      td {
        text-align: left;
        padding: 6px 8px;
        border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
        vertical-align: top;
      }
      th {
        font-weight: 600;
        color: var(--vscode-descriptionForeground);
      }
      .badge {
        display: inline-block;
        padding: 1px 6px;
        border-radius: 8px;
        background: var(--vscode-badge-background);
        color: var(--vscode-badge-foreground);
        font-size: 0.85em;
      }
      .badge.missing {
        background: var(--vscode-inputValidation-warningBackground);
        color: var(--vscode-foreground);
      }
      button {
        font: inherit;
        color: var(--vscode-button-foreground);
        background: var(--vscode-button-background);
        border: 1px solid var(--vscode-button-border, transparent);
        padding: 3px 10px;
        border-radius: 2px;
        cursor: pointer;
        margin: 2px 4px 2px 0;
      }
      button:hover:not(:disabled) {
        background: var(--vscode-button-hoverBackground);
      }
      button.secondary {
        color: var(--vscode-button-secondaryForeground);
        background: var(--vscode-button-secondaryBackground);
      }
      button.secondary:hover:not(:disabled) {
        background: var(--vscode-button-secondaryHoverBackground);
      }
      button.link {
        background: none;
        border: none;
        color: var(--vscode-textLink-foreground);
        padding: 0;
        text-decoration: underline;
      }
      button:disabled {
        opacity: 0.5;
        cursor: default;
      }
      button:focus-visible,
      input:focus-visible,
      select:focus-visible,
      textarea:focus-visible {
        outline: 1px solid var(--vscode-focusBorder);
        outline-offset: 1px;
      }
      input,
      select,
      textarea {
        font: inherit;
        color: var(--vscode-input-foreground);
        background: var(--vscode-input-background);
        border: 1px solid var(--vscode-input-border, transparent);
        padding: 2px 4px;
      }
      textarea {
        width: 100%;
        box-sizing: border-box;
        font-family: var(--vscode-editor-font-family);
        min-height: 8em;
      }
      .grid {
        display: grid;
        gap: 12px;
      }
      .card {
        border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
        border-radius: 4px;
        padding: 10px 12px;
        background: var(--vscode-editorWidget-background);
        min-width: 0;
      }
      .setting {
        margin: 6px 0;
      }
      .setting label {
        display: block;
        font-weight: 600;
      }
      code {
        font-family: var(--vscode-editor-font-family);
        background: var(--vscode-textCodeBlock-background);
        padding: 0 3px;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 2px 12px;
        margin: 0;
      }
      dt {
        color: var(--vscode-descriptionForeground);
      }
      dd {
        margin: 0;
      }
    `,
  ];

  @state() private view: ExtensionsViewState | undefined = saved.value.view;
  @state() private drafts: Record<string, string> = saved.value.drafts;
  @state() private editing = new Set<string>(Object.keys(saved.value.drafts));
  @state() private errors: Record<string, string> = {};
  @state() private busy = false;
  private chosenTemplate: Record<string, string> = {};

  override connectedCallback(): void {
    super.connectedCallback();
    host.on('data/changed', () => void this.refresh());
    void host.request('view/ready', {}).then(() => this.refresh());
  }

  private save(): void {
    saved.update({ ...(this.view ? { view: this.view } : {}), drafts: this.drafts });
  }

  private async refresh(): Promise<void> {
    try {
      this.view = await host.request('extensions/state', {});
      this.errors = { ...this.errors, global: '' };
    } catch (error) {
      this.errors = { ...this.errors, global: (error as Error).message };
    }
    this.save();
  }

  /** Runs an action; its error is shown next to `key` (nothing the user typed is lost). */
  private async act(key: string, action: () => Promise<unknown>): Promise<boolean> {
    this.busy = true;
    try {
      await action();
      this.errors = { ...this.errors, [key]: '' };
      return true;
    } catch (error) {
      this.errors = { ...this.errors, [key]: (error as Error).message };
      return false;
    } finally {
      this.busy = false;
      await this.refresh();
    }
  }

  override render() {
    const view = this.view;
    return html`
      <h1>Extension dashboards</h1>
      ${
        view?.project
          ? html`<p class="muted">
              Project <strong>${view.project.name}</strong> · new extensions are
              ${view.autoEnable ? 'enabled automatically' : 'mapped disabled until you enable them'}.
            </p>`
          : nothing
      }
      ${view?.problem ? html`<p class="notice">${view.problem}</p>` : nothing}
      ${this.errors.global ? html`<p class="error">${this.errors.global}</p>` : nothing}
      ${view?.project ? this.renderList(view.extensions) : nothing}
      ${view?.project ? this.renderDashboards(view.dashboards) : nothing}
    `;
  }

  private renderList(rows: ExtensionRowView[]) {
    if (rows.length === 0) {
      return html`<p class="muted">
        No installed extension has a dashboard template. Import one with “Cockpit: Import Dashboard Template”.
      </p>`;
    }
    const mapped = rows.filter((r) => r.template);
    return html`
      <h2>Installed extensions</h2>
      <table>
        <thead>
          <tr>
            <th>Extension</th>
            <th>State</th>
            <th>Dashboard</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map((row) => this.renderRow(row, mapped))}
        </tbody>
      </table>
    `;
  }

  private renderRow(row: ExtensionRowView, mapped: ExtensionRowView[]) {
    const index = mapped.indexOf(row);
    const key = row.extensionId;
    const editing = this.editing.has(key);
    return html`
      <tr>
        <td>
          <div>${row.displayName}</div>
          <div class="muted">${row.extensionId}${row.version ? ` · v${row.version}` : ''}</div>
        </td>
        <td><span class="badge ${row.state}">${STATE_LABEL[row.state]}</span></td>
        <td>
          ${
            row.template
              ? row.template.name
              : html`<select
                  aria-label="Template for ${row.displayName}"
                  @change=${(e: Event) => (this.chosenTemplate[key] = (e.target as HTMLSelectElement).value)}
                >
                  ${row.templates.map((t) => html`<option value=${t.id}>${t.name}${t.version ? ` v${t.version}` : ''}</option>`)}
                </select>`
          }
          ${row.error ? html`<div class="error">${row.error}</div>` : nothing}
        </td>
        <td>
          ${
            row.template
              ? html`
                  ${
                    row.state === 'enabled'
                      ? html`<button
                          class="secondary"
                          ?disabled=${this.busy}
                          @click=${() => this.act(key, () => host.request('extensions/setEnabled', { extensionId: key, enabled: false }))}
                        >
                          Disable
                        </button>`
                      : html`<button
                          ?disabled=${this.busy}
                          @click=${() => this.act(key, () => host.request('extensions/setEnabled', { extensionId: key, enabled: true }))}
                        >
                          Enable
                        </button>`
                  }
                  <button
                    class="secondary"
                    title="Move up"
                    aria-label="Move ${row.displayName} up"
                    ?disabled=${this.busy || index <= 0}
                    @click=${() => this.move(mapped, index, -1)}
                  >
                    ↑
                  </button>
                  <button
                    class="secondary"
                    title="Move down"
                    aria-label="Move ${row.displayName} down"
                    ?disabled=${this.busy || index >= mapped.length - 1}
                    @click=${() => this.move(mapped, index, 1)}
                  >
                    ↓
                  </button>
                  <button class="secondary" @click=${() => this.toggleEditing(row)}>
                    ${editing ? 'Close overrides' : 'Edit overrides'}
                  </button>
                `
              : html`<button
                  ?disabled=${this.busy || row.templates.length === 0}
                  @click=${() => this.act(key, () => host.request('extensions/map', { extensionId: key, templateId: this.chosenTemplate[key] ?? row.templates[0]?.id ?? '' }))}
                >
                  Map
                </button>`
          }
          ${this.errors[key] ? html`<div class="error" role="alert">${this.errors[key]}</div>` : nothing}
        </td>
      </tr>
      ${editing ? this.renderOverrides(row) : nothing}
    `;
  }

  private renderOverrides(row: ExtensionRowView) {
    const key = row.extensionId;
    return html`
      <tr>
        <td colspan="4">
          <label for="overrides-${key}" class="muted">
            Project overrides (JSON). Objects merge into the template, arrays replace it, <code>null</code> removes a
            key. Empty: no overrides.
          </label>
          <textarea
            id="overrides-${key}"
            spellcheck="false"
            .value=${this.drafts[key] ?? row.overrides}
            @input=${(e: Event) => {
              this.drafts = { ...this.drafts, [key]: (e.target as HTMLTextAreaElement).value };
              this.save();
            }}
          ></textarea>
          <button
            ?disabled=${this.busy}
            @click=${async () => {
              const saved = await this.act(`${key}:overrides`, () =>
                host.request('extensions/setOverrides', { extensionId: key, json: this.drafts[key] ?? row.overrides }),
              );
              if (saved) this.closeEditor(key);
            }}
          >
            Save overrides
          </button>
          <button class="secondary" @click=${() => this.closeEditor(key)}>Cancel</button>
          ${this.errors[`${key}:overrides`] ? html`<div class="error" role="alert">${this.errors[`${key}:overrides`]}</div>` : nothing}
        </td>
      </tr>
    `;
  }

  private toggleEditing(row: ExtensionRowView): void {
    if (this.editing.has(row.extensionId)) return this.closeEditor(row.extensionId);
    this.editing = new Set([...this.editing, row.extensionId]);
    this.drafts = { ...this.drafts, [row.extensionId]: row.overrides };
    this.save();
  }

  private closeEditor(extensionId: string): void {
    const editing = new Set(this.editing);
    editing.delete(extensionId);
    this.editing = editing;
    const { [extensionId]: _dropped, ...rest } = this.drafts;
    this.drafts = rest;
    this.errors = { ...this.errors, [`${extensionId}:overrides`]: '' };
    this.save();
  }

  private move(mapped: ExtensionRowView[], index: number, delta: number): void {
    const order = mapped.map((r) => r.extensionId);
    const [moved] = order.splice(index, 1);
    if (moved === undefined) return;
    order.splice(index + delta, 0, moved);
    void this.act(moved, () => host.request('extensions/reorder', { extensionIds: order }));
  }

  private renderDashboards(dashboards: DashboardView[]) {
    if (dashboards.length === 0) {
      return html`<h2>Dashboards</h2>
        <p class="muted">No extension dashboard is enabled. Enable one above.</p>`;
    }
    return html`<h2>Dashboards</h2>
      ${dashboards.map((d) => this.renderDashboard(d))}`;
  }

  private renderDashboard(dashboard: DashboardView) {
    return html`
      <section aria-label=${dashboard.title}>
        <h2>${dashboard.title}</h2>
        ${dashboard.description ? html`<p class="muted">${dashboard.description}</p>` : nothing}
        <div class="grid" data-columns=${dashboard.columns}>
          ${dashboard.widgets.map((w) => this.renderWidget(dashboard, w))}
        </div>
      </section>
    `;
  }

  override updated(): void {
    // Grid columns come from data, and inline style attributes would need 'unsafe-inline': set them through the CSSOM.
    for (const grid of this.renderRoot.querySelectorAll<HTMLElement>('.grid[data-columns]')) {
      grid.style.gridTemplateColumns = `repeat(${Number(grid.dataset.columns) || 1}, minmax(0, 1fr))`;
    }
    for (const card of this.renderRoot.querySelectorAll<HTMLElement>('.card[data-span]')) {
      card.style.gridColumn = `span ${Number(card.dataset.span) || 1}`;
    }
  }

  private renderWidget(dashboard: DashboardView, widget: WidgetView) {
    const key = `${dashboard.extensionId}:${widget.id}`;
    const ids = { extensionId: dashboard.extensionId, widgetId: widget.id };
    let body: TemplateResult;
    switch (widget.type) {
      case 'commands':
        body = html`${widget.commands.map(
          (c) =>
            html`<button
              ?disabled=${!c.allowed || this.busy}
              title=${c.allowed ? c.command : `${c.command} is not contributed by the installed version`}
              @click=${() => this.act(key, () => host.request('extensions/runCommand', { ...ids, command: c.command }))}
            >
              ${c.title}
            </button>`,
        )}`;
        break;
      case 'settings':
        body = html`${widget.settings.map((s) => this.renderSetting(key, ids, s))}`;
        break;
      case 'links':
        body = html`<ul>
          ${widget.links.map(
            (l) =>
              html`<li>
                <button
                  class="link"
                  title=${l.url}
                  @click=${() => this.act(key, () => host.request('extensions/openLink', { ...ids, url: l.url }))}
                >
                  ${l.label}
                </button>
              </li>`,
          )}
        </ul>`;
        break;
      case 'markdown':
        body = html`${markdown(widget.markdown)}`;
        break;
      case 'status':
        body = html`<dl>
          ${widget.items.map(
            (i) =>
              html`<dt>${i.label}</dt>
                <dd>${i.value}</dd>`,
          )}
        </dl>`;
        break;
    }
    return html`<div class="card" data-span=${widget.span}>
      ${widget.title ? html`<h3>${widget.title}</h3>` : nothing} ${body}
      ${this.errors[key] ? html`<div class="error" role="alert">${this.errors[key]}</div>` : nothing}
    </div>`;
  }

  private renderSetting(
    key: string,
    ids: { extensionId: string; widgetId: string },
    s: Extract<WidgetView, { type: 'settings' }>['settings'][number],
  ) {
    const update = (value: unknown) =>
      this.act(key, () => host.request('extensions/updateSetting', { ...ids, key: s.key, value }));
    const inputId = `${key}:${s.key}`;
    const disabled = !s.editable || this.busy;
    let control: TemplateResult;
    if (s.enum) {
      control = html`<select
        id=${inputId}
        ?disabled=${disabled}
        @change=${(e: Event) => update(s.enum![(e.target as HTMLSelectElement).selectedIndex])}
      >
        ${s.enum.map((option) => html`<option ?selected=${option === s.value}>${String(option)}</option>`)}
      </select>`;
    } else if (s.types.includes('boolean')) {
      control = html`<input
        id=${inputId}
        type="checkbox"
        ?disabled=${disabled}
        .checked=${s.value === true}
        @change=${(e: Event) => update((e.target as HTMLInputElement).checked)}
      />`;
    } else if (s.types.includes('number') || s.types.includes('integer')) {
      control = html`<input
        id=${inputId}
        type="number"
        ?disabled=${disabled}
        .value=${s.value === null || s.value === undefined ? '' : String(s.value)}
        @change=${(e: Event) => {
          const raw = (e.target as HTMLInputElement).value;
          void update(raw === '' ? undefined : Number(raw));
        }}
      />`;
    } else if (s.types.includes('string')) {
      control = html`<input
        id=${inputId}
        type="text"
        ?disabled=${disabled}
        .value=${typeof s.value === 'string' ? s.value : ''}
        @change=${(e: Event) => update((e.target as HTMLInputElement).value)}
      />`;
    } else {
      control = html`<code>${JSON.stringify(s.value)}</code> <span class="muted">(edit in settings.json)</span>`;
    }
    return html`<div class="setting">
      <label for=${inputId}>${s.key}</label>
      ${s.description ? html`<div class="muted">${s.description}</div>` : nothing} ${control}
      ${s.setInWorkspace && s.editable ? html`<button class="secondary" ?disabled=${this.busy} @click=${() => update(undefined)}>Reset</button>` : nothing}
      ${!s.editable ? html`<span class="muted">(${s.types.length ? 'not settable per workspace' : 'not declared by the installed extension'})</span>` : nothing}
    </div>`;
  }
}

// The shared page has an empty body: the view adds its root element.
if (!document.querySelector('cockpit-extensions')) document.body.append(document.createElement('cockpit-extensions'));
