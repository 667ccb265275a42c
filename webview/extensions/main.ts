/**
 * The Extensions view: installed extensions with their mapping state (enable/disable, reorder,
 * map, overrides through a form generated from the template schema or as raw JSON), the template
 * editor (config as a form or JSON, new versions, rollback) and the enabled extension dashboards.
 * No business logic: every action is a request the host validates and authorizes.
 */
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { FormField } from '../../src/core/extensions/form.js';
import type {
  DashboardView,
  ExtensionRowView,
  ExtensionsViewState,
  TemplateChangePreview,
  WidgetView,
} from '../../src/protocol.js';
import type { TemplateEditor } from '../../src/core/extensions/catalog.js';
import { HostClient } from '../shared/client.js';
import { draftEdits, renderForm, type FormDraft, type FormValue } from './form.js';
import { PersistentState } from '../shared/state.js';
import { baseStyles } from '../shared/styles.js';
import { vscodeApi } from '../shared/vscode-api.js';

type EditMode = 'form' | 'json';

/** Unsaved overrides of one extension: the form's edited values and the raw JSON text. */
interface OverridesDraft {
  mode: EditMode;
  form: FormDraft;
  json: string;
}

/** Unsaved changes to a template's config, with the version and changelog typed so far. */
interface TemplateDraft {
  templateId: string;
  mode: EditMode;
  form: FormDraft;
  json: string | null;
  version: string;
  changelog: string;
}

/** What survives a reload: the last state shown and every edit not saved yet. */
interface Saved {
  view?: ExtensionsViewState;
  overrides: Record<string, OverridesDraft>;
  template?: TemplateDraft;
}

const api = vscodeApi<Saved>();
const host = new HostClient(api);
const saved = new PersistentState<Saved>(api, { overrides: {} });

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
      button.link {
        background: none;
        border: none;
        color: var(--vscode-textLink-foreground);
        padding: 0;
        text-decoration: underline;
      }
      button:focus-visible,
      input:focus-visible,
      select:focus-visible,
      textarea:focus-visible {
        outline: 1px solid var(--vscode-focusBorder);
        outline-offset: 1px;
      }
      textarea {
        width: 100%;
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
      .editor > * {
        margin-bottom: 8px;
      }
      .modes button.active {
        color: var(--vscode-button-foreground);
        background: var(--vscode-button-background);
      }
      fieldset.form-group {
        border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
        margin: 8px 0;
        padding: 6px 10px;
      }
      legend {
        font-weight: 600;
        padding: 0 4px;
      }
      .form-field {
        margin: 6px 0;
      }
      .form-field label {
        display: block;
      }
      .form-field input[type='text'],
      .form-field input[type='number'] {
        min-width: 18em;
      }
      textarea.list {
        min-height: 4em;
      }
      .choices .choice {
        display: inline-flex;
        gap: 4px;
        margin-right: 12px;
      }
      .badge.edited {
        background: var(--vscode-inputValidation-infoBackground, var(--vscode-badge-background));
      }
      .template-editor {
        border-top: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
        margin-top: 16px;
      }
    `,
  ];

  @state() private view: ExtensionsViewState | undefined = saved.value.view;
  @state() private overrides: Record<string, OverridesDraft> = saved.value.overrides ?? {};
  /** Generated override forms, per extension being edited. */
  @state() private forms: Record<string, FormField[]> = {};
  @state() private templateDraft: TemplateDraft | undefined = saved.value.template;
  @state() private template: TemplateEditor | undefined;
  @state() private preview: TemplateChangePreview | undefined;
  @state() private errors: Record<string, string> = {};
  @state() private busy = false;
  private chosenTemplate: Record<string, string> = {};

  override connectedCallback(): void {
    super.connectedCallback();
    host.on('data/changed', () => void this.refresh());
    void host.request('view/ready', {}).then(async () => {
      await this.refresh();
      // Editors open before a reload come back with their drafts; their forms are fetched again.
      for (const extensionId of Object.keys(this.overrides)) void this.loadForm(extensionId);
      if (this.templateDraft) void this.loadTemplate(this.templateDraft.templateId);
    });
  }

  private save(): void {
    saved.update({
      ...(this.view ? { view: this.view } : {}),
      overrides: this.overrides,
      ...(this.templateDraft ? { template: this.templateDraft } : {}),
    });
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
      ${view?.project && this.templateDraft ? this.renderTemplateEditor(this.templateDraft) : nothing}
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
    const editing = Object.hasOwn(this.overrides, key);
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
                  <button class="secondary" @click=${() => this.openTemplate(row.template!.id)}>Edit template</button>
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
    const draft = this.overrides[key]!;
    const errorKey = `${key}:overrides`;
    const fields = this.forms[key];
    return html`
      <tr>
        <td colspan="4" class="editor" aria-label="Overrides of ${row.displayName}">
          ${this.renderModeSwitch(draft.mode, (mode) => this.updateOverrides(key, { mode }))}
          ${
            draft.mode === 'form'
              ? html`<p class="muted">
                    Values that differ from the template are this project's overrides; “Use template value” inherits it
                    again. Adding or removing widgets is done in raw JSON.
                  </p>
                  ${
                    fields
                      ? renderForm({
                          idPrefix: `overrides-${key}`,
                          fields,
                          draft: draft.form,
                          disabled: this.busy,
                          resetLabel: 'Use template value',
                          onChange: (path, value) =>
                            this.updateOverrides(key, { form: { ...draft.form, [path]: value } }),
                        })
                      : html`<p class="muted">Loading the form…</p>`
                  }
                  <button ?disabled=${this.busy || !fields} @click=${() => this.saveOverridesForm(key)}>
                    Save overrides
                  </button>`
              : html`<label for="overrides-${key}" class="muted">
                    Project overrides (JSON). Objects merge into the template, arrays replace it, <code>null</code>
                    removes a key. Empty: no overrides.
                  </label>
                  <textarea
                    id="overrides-${key}"
                    spellcheck="false"
                    .value=${draft.json}
                    @input=${(e: Event) => this.updateOverrides(key, { json: (e.target as HTMLTextAreaElement).value })}
                  ></textarea>
                  <button
                    ?disabled=${this.busy}
                    @click=${async () => {
                      const done = await this.act(errorKey, () =>
                        host.request('extensions/setOverrides', { extensionId: key, json: draft.json }),
                      );
                      if (done) this.closeEditor(key);
                    }}
                  >
                    Save overrides
                  </button>`
          }
          <button class="secondary" @click=${() => this.closeEditor(key)}>Cancel</button>
          ${this.errors[errorKey] ? html`<div class="error" role="alert">${this.errors[errorKey]}</div>` : nothing}
        </td>
      </tr>
    `;
  }

  private renderModeSwitch(mode: EditMode, choose: (mode: EditMode) => void) {
    return html`<div class="modes" role="group" aria-label="Editor">
      ${(['form', 'json'] as const).map(
        (m) =>
          html`<button
            class="secondary ${m === mode ? 'active' : ''}"
            aria-pressed=${m === mode}
            @click=${() => choose(m)}
          >
            ${m === 'form' ? 'Form' : 'Raw JSON'}
          </button>`,
      )}
    </div>`;
  }

  private updateOverrides(extensionId: string, change: Partial<OverridesDraft>): void {
    this.overrides = { ...this.overrides, [extensionId]: { ...this.overrides[extensionId]!, ...change } };
    this.save();
  }

  private async loadForm(extensionId: string): Promise<void> {
    try {
      const { fields } = await host.request('extensions/overridesForm', { extensionId });
      this.forms = { ...this.forms, [extensionId]: fields };
    } catch (error) {
      // Overrides that no longer validate have no form: the raw JSON editor is the way to fix them.
      this.errors = { ...this.errors, [`${extensionId}:overrides`]: (error as Error).message };
      if (this.overrides[extensionId]) this.updateOverrides(extensionId, { mode: 'json' });
    }
  }

  private async saveOverridesForm(extensionId: string): Promise<void> {
    const draft = this.overrides[extensionId];
    if (!draft) return;
    const done = await this.act(`${extensionId}:overrides`, () =>
      host.request('extensions/saveOverridesForm', { extensionId, edits: draftEdits(draft.form) }),
    );
    if (done) this.closeEditor(extensionId);
  }

  private toggleEditing(row: ExtensionRowView): void {
    if (Object.hasOwn(this.overrides, row.extensionId)) return this.closeEditor(row.extensionId);
    this.updateOverrides(row.extensionId, { mode: 'form', form: {}, json: row.overrides });
    void this.loadForm(row.extensionId);
  }

  private closeEditor(extensionId: string): void {
    const { [extensionId]: _dropped, ...rest } = this.overrides;
    this.overrides = rest;
    const { [extensionId]: _form, ...forms } = this.forms;
    this.forms = forms;
    this.errors = { ...this.errors, [`${extensionId}:overrides`]: '' };
    this.save();
  }

  // ── Template editor ──

  private openTemplate(templateId: string): void {
    if (this.templateDraft?.templateId !== templateId) {
      this.templateDraft = { templateId, mode: 'form', form: {}, json: null, version: '', changelog: '' };
      this.template = undefined;
      this.preview = undefined;
      this.save();
    }
    void this.loadTemplate(templateId);
  }

  private async loadTemplate(templateId: string): Promise<void> {
    try {
      this.template = await host.request('extensions/template', { templateId });
      this.errors = { ...this.errors, template: '' };
    } catch (error) {
      this.errors = { ...this.errors, template: (error as Error).message };
    }
  }

  private updateTemplateDraft(change: Partial<TemplateDraft>): void {
    if (!this.templateDraft) return;
    this.templateDraft = { ...this.templateDraft, ...change };
    this.preview = undefined;
    this.save();
  }

  private closeTemplate(): void {
    this.templateDraft = undefined;
    this.template = undefined;
    this.preview = undefined;
    this.errors = { ...this.errors, template: '' };
    saved.update({ ...(this.view ? { view: this.view } : {}), overrides: this.overrides });
  }

  /** The change as the host takes it: the form's edits, or the JSON text in JSON mode. */
  private templateChange(draft: TemplateDraft) {
    return draft.mode === 'json'
      ? { templateId: draft.templateId, json: draft.json ?? this.template?.json ?? '' }
      : { templateId: draft.templateId, edits: draftEdits(draft.form) };
  }

  private renderTemplateEditor(draft: TemplateDraft) {
    const template = this.template;
    const preview = this.preview;
    return html`<section class="template-editor" aria-label="Template editor">
      <h2>
        Template
        ${template ? html`“${template.name}” <span class="muted">${template.extensionId} · v${template.version ?? '?'}</span>` : nothing}
      </h2>
      <p class="notice">A template is shared: a new version applies to every project that maps it.</p>
      ${this.errors.template ? html`<p class="error" role="alert">${this.errors.template}</p>` : nothing}
      ${
        template
          ? html`
              ${this.renderModeSwitch(draft.mode, (mode) => this.updateTemplateDraft({ mode }))}
              ${
                draft.mode === 'form'
                  ? renderForm({
                      idPrefix: 'template',
                      fields: template.fields,
                      draft: draft.form,
                      disabled: this.busy,
                      onChange: (path, value: FormValue) =>
                        this.updateTemplateDraft({ form: { ...draft.form, [path]: value } }),
                    })
                  : html`<label for="template-json" class="muted">The whole configuration (JSON).</label>
                      <textarea
                        id="template-json"
                        spellcheck="false"
                        .value=${draft.json ?? template.json}
                        @input=${(e: Event) => this.updateTemplateDraft({ json: (e.target as HTMLTextAreaElement).value })}
                      ></textarea>`
              }
              <div class="form-field">
                <label for="template-version">New version</label>
                <input
                  id="template-version"
                  type="text"
                  placeholder=${preview?.suggested ?? 'suggested from the change'}
                  .value=${draft.version}
                  @input=${(e: Event) => this.updateTemplateDraft({ version: (e.target as HTMLInputElement).value.trim() })}
                />
              </div>
              <div class="form-field">
                <label for="template-changelog">Changelog</label>
                <input
                  id="template-changelog"
                  type="text"
                  .value=${draft.changelog}
                  @input=${(e: Event) => this.updateTemplateDraft({ changelog: (e.target as HTMLInputElement).value })}
                />
              </div>
              <button class="secondary" ?disabled=${this.busy} @click=${() => this.previewTemplate(draft)}>
                Preview change
              </button>
              <button ?disabled=${this.busy} @click=${() => this.saveTemplate(draft)}>Save as new version</button>
              <button class="secondary" @click=${() => this.closeTemplate()}>Close</button>
              ${preview ? this.renderPreview(preview) : nothing} ${this.renderVersions(template)}
            `
          : html`<p class="muted">Loading the template…</p>`
      }
    </section>`;
  }

  private renderPreview(preview: TemplateChangePreview) {
    if (preview.bump === 'none') return html`<p class="preview muted">No change to save.</p>`;
    return html`<div class="preview">
      <p>
        A <strong>${preview.bump}</strong> change: v${preview.current ?? '0.0.0'} → v${preview.suggested} unless you
        give a version.
      </p>
      <ul>
        ${preview.diff.map(
          (d) =>
            html`<li>
              <code>${d.path}</code> ${d.kind}${
                d.kind === 'changed' ? html`: ${JSON.stringify(d.before)} → ${JSON.stringify(d.after)}` : nothing
              }
            </li>`,
        )}
      </ul>
    </div>`;
  }

  private renderVersions(template: TemplateEditor) {
    return html`<h3>Versions</h3>
      <table class="versions">
        <tbody>
          ${template.versions.map(
            (v, i) =>
              html`<tr>
                <td>v${v.version}</td>
                <td title=${v.createdAt}>
                  ${v.createdAt.slice(0, 19).replace(' ', 'T')}Z · ${v.createdBy ?? 'unknown'}
                </td>
                <td>${v.changelog ?? ''}</td>
                <td>
                  ${
                    i === 0
                      ? html`<span class="muted">current</span>`
                      : html`<button
                          class="secondary"
                          ?disabled=${this.busy}
                          @click=${() => this.rollback(template, v.version)}
                        >
                          Roll back to v${v.version}
                        </button>`
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>`;
  }

  private async previewTemplate(draft: TemplateDraft): Promise<void> {
    try {
      this.preview = await host.request('extensions/previewTemplate', this.templateChange(draft));
      this.errors = { ...this.errors, template: '' };
    } catch (error) {
      this.errors = { ...this.errors, template: (error as Error).message };
    }
  }

  private async saveTemplate(draft: TemplateDraft): Promise<void> {
    const done = await this.act('template', () =>
      host.request('extensions/saveTemplate', {
        ...this.templateChange(draft),
        ...(draft.version ? { version: draft.version } : {}),
        ...(draft.changelog.trim() ? { changelog: draft.changelog.trim() } : {}),
      }),
    );
    if (done) this.resetTemplateDraft(draft.templateId);
  }

  private async rollback(template: TemplateEditor, version: string): Promise<void> {
    const done = await this.act('template', () =>
      host.request('extensions/rollbackTemplate', { templateId: template.id, toVersion: version }),
    );
    if (done) this.resetTemplateDraft(template.id);
  }

  /** After a save or rollback: an empty draft over the template's new config. */
  private resetTemplateDraft(templateId: string): void {
    this.templateDraft = {
      templateId,
      mode: this.templateDraft?.mode ?? 'form',
      form: {},
      json: null,
      version: '',
      changelog: '',
    };
    this.preview = undefined;
    this.save();
    void this.loadTemplate(templateId);
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
