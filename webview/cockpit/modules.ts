import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ModuleView } from '../../src/core/hierarchy.js';
import { icon, iconButton } from '../shared/icons.js';
import { selectOptions } from '../shared/select.js';
import { baseStyles } from '../shared/styles.js';
import type { Run } from './app.js';
import { draft, draftField, renameField, setDraft, viewState } from './drafts.js';

type DecisionStatus = 'proposed' | 'accepted' | 'superseded';
const STATUSES: DecisionStatus[] = ['proposed', 'accepted', 'superseded'];

const STATUS_CHOICES = STATUSES.map((status) => [status, status] as const);

/** One module as a card: typed content for known types, raw JSON (read-only) for the rest. */
@customElement('cockpit-module')
export class CockpitModule extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .card {
        height: 100%;
        box-sizing: border-box;
      }
      h3 {
        font-size: 1em;
        font-weight: 600;
        margin: 0;
      }
      ul {
        list-style: none;
        margin: 8px 0;
        padding: 0;
      }
      li {
        display: flex;
        align-items: center;
        gap: 6px;
        padding: 2px 0;
      }
      li.decision {
        display: block;
        border-top: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
        padding: 6px 0;
      }
      .file {
        background: none;
        border: none;
        color: var(--vscode-textLink-foreground);
        font: inherit;
        cursor: pointer;
        padding: 0;
        text-align: left;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .file:hover {
        text-decoration: underline;
      }
      pre {
        font-family: var(--vscode-editor-font-family);
        font-size: var(--vscode-editor-font-size);
        background: var(--vscode-textCodeBlock-background);
        padding: 8px;
        overflow: auto;
        max-height: 240px;
        white-space: pre-wrap;
      }
      form,
      .form {
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      input[type='text'],
      textarea {
        width: 100%;
      }
      textarea {
        resize: vertical;
      }
      label.check {
        display: flex;
        align-items: center;
        gap: 6px;
        cursor: pointer;
      }
      .meta {
        font-size: 0.9em;
      }
      details summary {
        cursor: pointer;
      }
      li.decision select {
        width: 130px;
        flex: none;
      }
    `,
  ];

  @property({ attribute: false }) module!: ModuleView;
  @property({ attribute: false }) folder!: string;
  @property({ attribute: false }) run!: Run;
  @property({ attribute: false }) moveUp: (() => Promise<unknown>) | undefined;
  @property({ attribute: false }) moveDown: (() => Promise<unknown>) | undefined;

  override render(): TemplateResult {
    const m = this.module;
    const renameKey = `module:${m.id}`;
    const renaming = viewState.value.renaming === renameKey;
    return html`<section class="card" aria-label=${m.name}>
      <div class="row">
        ${
          renaming
            ? renameField(
                renameKey,
                m.name,
                'New module name',
                (name) => this.run('module/rename', { id: m.id, name }),
                () => this.requestUpdate(),
              )
            : html`<h3 class="grow">${m.name}</h3>`
        }
        <span class="badge">${m.moduleType.replace('_', ' ')}</span>
        ${this.moveUp ? iconButton('arrow-up', 'Move module up', this.moveUp) : nothing}
        ${this.moveDown ? iconButton('arrow-down', 'Move module down', this.moveDown) : nothing}
        ${iconButton('edit', 'Rename module', () => {
          viewState.update({ renaming: renameKey });
          this.requestUpdate();
        })}
        ${iconButton(
          'history',
          'Module version history',
          () => void this.run('history/show', { resourceType: 'module', resourceId: m.id }),
        )}
        ${iconButton('trash', 'Delete module', () => void this.run('module/delete', { id: m.id }))}
      </div>
      ${this.content()}
    </section>`;
  }

  private content(): TemplateResult {
    const m = this.module;
    switch (m.content.kind) {
      case 'checklist':
        return this.checklist(m.content.configuration.items);
      case 'decision_log':
        return this.decisions(m.content.configuration.entries);
      case 'file_manager':
        return this.files(m.content.configuration.files);
      case 'read-only':
        return html`<p class="muted">Read-only: ${m.content.reason}</p>
          <pre>${m.content.raw}</pre>`;
    }
  }

  private checklist(items: Array<{ text: string; done: boolean }>): TemplateResult {
    const moduleId = this.module.id;
    const key = `checklist:${moduleId}`;
    const add = () => {
      const text = draft(key).trim();
      if (text) void this.run('checklist/add', { moduleId, text }, { clear: [key] });
    };
    return html`<ul>
        ${items.map(
          (item, index) =>
            html`<li>
              <label class="check grow">
                <input
                  type="checkbox"
                  .checked=${item.done}
                  @change=${(e: Event) =>
                    void this.run('checklist/check', {
                      moduleId,
                      index,
                      text: item.text,
                      done: (e.target as HTMLInputElement).checked,
                    })}
                />
                ${item.text}
              </label>
              ${iconButton(
                'close',
                `Remove "${item.text}"`,
                () => void this.run('checklist/remove', { moduleId, index, text: item.text }),
              )}
            </li>`,
        )}
      </ul>
      ${items.length === 0 ? html`<p class="muted">No items yet.</p>` : nothing}
      <div class="row">
        ${draftField(key, 'New item', { placeholder: 'New item — press Enter', onEnter: add })}
        ${iconButton('add', 'Add item', add)}
      </div>`;
  }

  private decisions(
    entries: Array<{
      title: string;
      context: string;
      decision: string;
      status: DecisionStatus;
      timestamp: string;
      author: string;
    }>,
  ): TemplateResult {
    const moduleId = this.module.id;
    const k = (field: string) => `decision:${moduleId}:${field}`;
    const field = (name: string, label: string, multiline = false) =>
      multiline
        ? html`<textarea
            aria-label=${label}
            placeholder=${label}
            rows="2"
            .value=${draft(k(name))}
            @input=${(e: Event) => setDraft(k(name), (e.target as HTMLTextAreaElement).value)}
          ></textarea>`
        : draftField(k(name), label);
    return html`<ul>
        ${entries.map(
          (entry, index) =>
            html`<li class="decision">
              <div class="row">
                <strong class="grow">${entry.title}</strong>
                <select
                  aria-label=${`Status of "${entry.title}"`}
                  @change=${(e: Event) =>
                    void this.run('decision/status', {
                      moduleId,
                      index,
                      title: entry.title,
                      status: (e.target as HTMLSelectElement).value as DecisionStatus,
                    })}
                >
                  ${selectOptions(STATUS_CHOICES, entry.status)}
                </select>
              </div>
              <div class="muted meta">${entry.timestamp} · ${entry.author}</div>
              ${
                entry.context || entry.decision
                  ? html`<details>
                      <summary>Context and decision</summary>
                      ${entry.context ? html`<p><em>Context:</em> ${entry.context}</p>` : nothing}
                      ${entry.decision ? html`<p><em>Decision:</em> ${entry.decision}</p>` : nothing}
                    </details>`
                  : nothing
              }
            </li>`,
        )}
      </ul>
      ${entries.length === 0 ? html`<p class="muted">No decisions logged yet.</p>` : nothing}
      <details ?open=${Boolean(draft(k('title')))}>
        <summary>Log a decision</summary>
        <div class="form">
          ${field('title', 'Title')} ${field('context', 'Context — why is a decision needed?', true)}
          ${field('decision', 'Decision', true)}
          <div class="row">
            <select
              aria-label="Status"
              @change=${(e: Event) => setDraft(k('status'), (e.target as HTMLSelectElement).value)}
            >
              ${selectOptions(STATUS_CHOICES, draft(k('status')) || 'proposed')}
            </select>
            <button
              class="primary"
              @click=${() =>
                void this.run(
                  'decision/add',
                  {
                    moduleId,
                    title: draft(k('title')),
                    context: draft(k('context')),
                    decision: draft(k('decision')),
                    status: (draft(k('status')) || 'proposed') as DecisionStatus,
                  },
                  { clear: [k('title'), k('context'), k('decision'), k('status')] },
                )}
            >
              Add decision
            </button>
          </div>
        </div>
      </details>`;
  }

  private files(files: Array<{ path: string; label?: string }>): TemplateResult {
    const moduleId = this.module.id;
    const key = `file:${moduleId}`;
    const pinTyped = () => {
      const path = draft(key).trim();
      if (path) void this.run('file/pin', { moduleId, folder: this.folder, path }, { clear: [key] });
    };
    return html`<ul>
        ${files.map(
          (file) =>
            html`<li>
              ${icon('file')}
              <button
                class="file grow"
                title=${`Open ${file.path}`}
                @click=${() => void this.run('file/open', { moduleId, folder: this.folder, path: file.path })}
              >
                ${file.label ?? file.path}
              </button>
              ${iconButton(
                'pinned',
                `Unpin ${file.path}`,
                () => void this.run('file/unpin', { moduleId, path: file.path }),
              )}
            </li>`,
        )}
      </ul>
      ${files.length === 0 ? html`<p class="muted">No pinned files yet.</p>` : nothing}
      <div class="row">
        ${draftField(key, 'Path to pin', { placeholder: 'src/index.ts — press Enter', onEnter: pinTyped })}
        <button class="secondary" @click=${() => void this.run('file/pin', { moduleId, folder: this.folder })}>
          Pin file…
        </button>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cockpit-module': CockpitModule;
  }
}
