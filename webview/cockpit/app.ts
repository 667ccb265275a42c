import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { CockpitState, RequestMethod, RequestParams, RequestResults } from '../../src/protocol.js';
import type { DashboardSummary, ProfileTree } from '../../src/core/hierarchy.js';
import { HostClient, RequestError } from '../shared/client.js';
import { readBootstrap } from '../shared/bootstrap.js';
import { answerClockProbes } from '../shared/clock.js';
import { icon, iconButton } from '../shared/icons.js';
import { selectOptions } from '../shared/select.js';
import { baseStyles } from '../shared/styles.js';
import { vscodeApi } from '../shared/vscode-api.js';
import { clearDrafts, draft, draftField, renameField, setDraft, viewState } from './drafts.js';
import './modules.js';

const client = new HostClient(vscodeApi());
answerClockProbes(client);

/** The module types a user can add, as [value, label]. */
const MODULE_TYPES = [
  ['checklist', 'Checklist'],
  ['decision_log', 'Decision log'],
  ['file_manager', 'File manager'],
] as const;

/** The actions module cards may run: a request, then a refresh; failures show in the banner. */
export type Run = <M extends RequestMethod>(
  method: M,
  params: RequestParams<M>,
  options?: { clear?: string[] },
) => Promise<RequestResults[M] | undefined>;

@customElement('cockpit-app')
export class CockpitApp extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        padding: 12px 16px;
      }
      header {
        display: flex;
        align-items: center;
        gap: 8px;
        margin-bottom: 12px;
      }
      h1 {
        font-size: 1.3em;
        font-weight: 600;
        margin: 0;
      }
      h2 {
        font-size: 1.1em;
        font-weight: 600;
        margin: 0;
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(200px, 260px) 1fr;
        gap: 16px;
        align-items: start;
      }
      @media (max-width: 640px) {
        .layout {
          grid-template-columns: 1fr;
        }
      }
      nav {
        border-right: 1px solid var(--vscode-panel-border);
        padding-right: 12px;
      }
      .section-title {
        text-transform: uppercase;
        font-size: 0.8em;
        letter-spacing: 0.04em;
        color: var(--vscode-sideBarSectionHeader-foreground, var(--vscode-descriptionForeground));
        margin: 0 0 6px;
      }
      .profile {
        margin-bottom: 12px;
      }
      .profile-name {
        font-weight: 600;
        cursor: pointer;
        background: none;
        border: none;
        color: inherit;
        font: inherit;
        padding: 2px 0;
        text-align: left;
      }
      .profile.selected .profile-name {
        color: var(--vscode-textLink-foreground);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li.dashboard {
        display: flex;
        align-items: center;
        gap: 4px;
        border-radius: 3px;
        padding: 1px 4px;
      }
      li.dashboard:hover {
        background: var(--vscode-list-hoverBackground);
      }
      .profile.selected li.dashboard.active {
        background: var(--vscode-list-activeSelectionBackground);
        color: var(--vscode-list-activeSelectionForeground);
      }
      .dashboard-button {
        flex: 1;
        min-width: 0;
        text-align: left;
        background: none;
        border: none;
        color: inherit;
        font: inherit;
        padding: 3px 0;
        cursor: pointer;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .actions {
        display: flex;
        gap: 2px;
        opacity: 0.8;
      }
      .add {
        margin-top: 4px;
      }
      .modules {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(280px, 1fr));
        gap: 12px;
        margin-top: 12px;
      }
      .templates {
        display: flex;
        flex-direction: column;
        gap: 8px;
        max-width: 520px;
      }
      .banner {
        margin-bottom: 12px;
      }
      input[type='text'] {
        width: 100%;
      }
      header select {
        width: 220px;
      }
      .row.add {
        margin-top: 12px;
      }
      .row.add select {
        width: 160px;
        flex: none;
      }
    `,
  ];

  @state() private model: CockpitState | undefined;
  @state() private error: string | undefined;
  @state() private busy = false;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private announcedReady = false;

  override connectedCallback(): void {
    super.connectedCallback();
    client.on('data/changed', () => void this.refresh());
    client.on('connection/changed', () => void this.refresh());
    // A new panel's page carries its first state. A re-created page (shown again after being
    // hidden, or restored after a reload) is as old as the panel, so it asks for a fresh one.
    const bootstrap = viewState.restored ? undefined : readBootstrap<CockpitState>();
    if (bootstrap) {
      this.accept(bootstrap);
      void this.announceReady();
    } else {
      void this.refresh();
    }
  }

  private accept(model: CockpitState): void {
    this.model = model;
    viewState.update({ folder: model.folder?.uri, profileId: model.profileId ?? undefined });
  }

  /** Once the first content is on screen: the host logs the time since "Open Cockpit". */
  private async announceReady(): Promise<void> {
    if (this.announcedReady) return;
    this.announcedReady = true;
    await this.updateComplete;
    void client.request('view/ready', {}).catch(() => undefined);
  }

  /** Fetches the state; calls arriving while one runs are folded into one more fetch. */
  private refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        try {
          const { folder, profileId } = viewState.value;
          this.accept(
            await client.request('cockpit/state', {
              ...(folder && { folder }),
              ...(profileId && { profileId }),
            }),
          );
        } catch (error) {
          this.error = (error as Error).message;
        }
      } while (this.refreshAgain);
      this.refreshing = undefined;
      await this.announceReady();
    })();
    return this.refreshing;
  }

  private readonly run: Run = async (method, params, options) => {
    this.busy = true;
    try {
      const result = await client.request(method, params);
      this.error = undefined;
      if (options?.clear) clearDrafts(...options.clear);
      await this.refresh();
      return result;
    } catch (error) {
      const e = error as RequestError;
      this.error = e.message;
      if (e.code === 'disconnected' || e.code === 'conflict') await this.refresh();
      return undefined;
    } finally {
      this.busy = false;
    }
  };

  override render(): TemplateResult {
    const model = this.model;
    return html`
      <header>
        <h1>${model?.project?.name ?? 'Cockpit'}</h1>
        ${model?.project ? html`<span class="muted">${model.project.workflowTemplate ?? ''}</span>` : nothing}
        <span class="grow"></span>
        ${this.folderPicker(model)}
        ${
          model?.status === 'ready'
            ? iconButton('list-unordered', 'Audit trail', () => void this.run('audit/show', {}))
            : nothing
        }
        ${iconButton('refresh', 'Refresh', () => void this.refresh())}
      </header>
      ${
        this.error
          ? html`<div class="banner error" role="alert">
              ${this.error} ${iconButton('close', 'Dismiss', () => (this.error = undefined))}
            </div>`
          : nothing
      }
      ${model ? this.body(model) : html`<p class="muted" aria-busy="true">Loading the Cockpit…</p>`}
    `;
  }

  private folderPicker(model: CockpitState | undefined) {
    if (!model || model.folders.length === 0) return nothing;
    if (model.folders.length === 1)
      return html`<span class="muted" title="Workspace folder">${model.folder?.name}</span>`;
    return html`<select
      aria-label="Workspace folder"
      title="Workspace folder"
      @change=${(e: Event) => {
        viewState.update({ folder: (e.target as HTMLSelectElement).value, profileId: undefined });
        void this.refresh();
      }}
    >
      ${selectOptions(
        model.folders.map((f) => [f.uri, f.name] as const),
        model.folder?.uri,
      )}
    </select>`;
  }

  private body(model: CockpitState): TemplateResult {
    switch (model.status) {
      case 'no-folder':
        return html`<div class="empty">Open a folder: each workspace folder maps to one Cockpit project.</div>`;
      case 'no-database':
        return html`<div class="empty">
          <p><strong>No database configured</strong> — connect TiDB, MySQL 8 or MariaDB to start.</p>
          <button class="primary" @click=${() => void this.run('database/connect', {})}>Connect…</button>
          ${model.message ? html`<p class="muted">${model.message}</p>` : nothing}
        </div>`;
      case 'disconnected':
        return html`<div class="empty">
          <p><strong>Disconnected</strong> — ${model.message}</p>
          <p class="muted">Nothing you typed is lost; it is kept until it is saved.</p>
          <button class="primary" @click=${() => void this.refresh()}>Retry</button>
          <button class="secondary" @click=${() => void this.run('database/connect', {})}>Connect…</button>
        </div>`;
      case 'no-project':
        return this.noProject(model);
      case 'ready':
        return html`<div class="layout">${this.masterControl(model)}${this.activeDashboard(model)}</div>`;
    }
  }

  private noProject(model: CockpitState): TemplateResult {
    const key = 'project:name';
    return html`<div class="templates">
      <p><strong>${model.folder?.name}</strong> has no Cockpit project yet. Create one from a workflow template:</p>
      ${draftField(key, 'Project name', { fallback: model.folder?.name })}
      ${model.templates.map(
        (t) =>
          html`<div class="card row">
            <div class="grow">
              <strong>${t.name}</strong>
              <div class="muted">${t.description ?? ''}</div>
            </div>
            <button
              class="primary"
              ?disabled=${this.busy}
              @click=${() =>
                void this.run(
                  'project/create',
                  {
                    folder: model.folder!.uri,
                    template: t.name,
                    name: (draft(key) || model.folder?.name || t.name).trim(),
                  },
                  { clear: [key] },
                )}
            >
              Create
            </button>
          </div>`,
      )}
    </div>`;
  }

  // ── Master Control ──

  private masterControl(model: CockpitState): TemplateResult {
    const projectId = model.project!.id;
    const ids = model.profiles.map((p) => p.id);
    return html`<nav aria-label="Master Control">
      <p class="section-title">Master Control</p>
      ${model.profiles.map((profile, index) => this.profile(model, profile, index, ids))}
      ${this.addField('profile:new', 'New profile…', (name) =>
        this.run('profile/create', { projectId, name }, { clear: ['profile:new'] }),
      )}
    </nav>`;
  }

  private profile(model: CockpitState, profile: ProfileTree, index: number, ids: string[]): TemplateResult {
    const selected = profile.id === model.profileId;
    const dashboardIds = profile.dashboards.map((d) => d.id);
    const renameKey = `profile:${profile.id}`;
    return html`<section class="profile ${selected ? 'selected' : ''}">
      <div class="row">
        ${
          viewState.value.renaming === renameKey
            ? this.renameField(renameKey, profile.name, (name) => this.run('profile/update', { id: profile.id, name }))
            : html`<button
                class="profile-name grow"
                aria-pressed=${selected}
                title=${profile.description ?? 'Show this profile'}
                @click=${() => {
                  viewState.update({ profileId: profile.id });
                  void this.refresh();
                }}
              >
                ${profile.name}
              </button>`
        }
        ${this.rowActions(
          'profile',
          this.moveIcons(ids, index, (order) =>
            this.run('profile/reorder', { projectId: model.project!.id, ids: order }),
          ),
          renameKey,
          () => this.run('profile/delete', { id: profile.id }),
        )}
      </div>
      <ul role="list">
        ${profile.dashboards.map((d, i) => this.dashboardRow(profile, d, i, dashboardIds))}
      </ul>
      ${profile.dashboards.length === 0 ? html`<p class="muted">No dashboards yet — Add one:</p>` : nothing}
      <div class="add">
        ${this.addField(`dashboard:new:${profile.id}`, 'Add dashboard…', (name) =>
          this.run('dashboard/create', { profileId: profile.id, name }, { clear: [`dashboard:new:${profile.id}`] }),
        )}
      </div>
    </section>`;
  }

  private dashboardRow(profile: ProfileTree, d: DashboardSummary, index: number, ids: string[]): TemplateResult {
    const active = d.id === profile.activeDashboardId;
    const renameKey = `dashboard:${d.id}`;
    return html`<li class="dashboard ${active ? 'active' : ''}">
      ${active ? icon('pass-filled', 'active') : icon('circle-large')}
      ${
        viewState.value.renaming === renameKey
          ? this.renameField(renameKey, d.name, (name) => this.run('dashboard/update', { id: d.id, name }))
          : html`<button
              class="dashboard-button"
              aria-current=${active ? 'page' : 'false'}
              title=${d.description ?? (active ? 'The active dashboard' : 'Make this the active dashboard')}
              @click=${() => {
                viewState.update({ profileId: profile.id });
                void this.run('dashboard/switch', { profileId: profile.id, dashboardId: d.id });
              }}
            >
              ${d.name}
            </button>`
      }
      ${this.rowActions(
        'dashboard',
        this.moveIcons(ids, index, (order) => this.run('dashboard/reorder', { profileId: profile.id, ids: order })),
        renameKey,
        () => this.run('dashboard/delete', { id: d.id }),
      )}
    </li>`;
  }

  /** Move, rename and delete icons of a profile or dashboard row in Master Control. */
  private rowActions(
    kind: 'profile' | 'dashboard',
    moveIcons: TemplateResult | typeof nothing,
    renameKey: string,
    remove: () => Promise<unknown>,
  ): TemplateResult {
    return html`<span class="actions">
      ${moveIcons} ${iconButton('edit', `Rename ${kind}`, () => this.startRename(renameKey), 'Rename')}
      ${iconButton('trash', `Delete ${kind}`, () => void remove(), 'Delete')}
    </span>`;
  }

  // ── the Single Active Screen ──

  private activeDashboard(model: CockpitState): TemplateResult {
    const dashboard = model.dashboard;
    const profile = model.profiles.find((p) => p.id === model.profileId);
    if (!profile) {
      return html`<main><div class="empty">No profiles yet — add one in Master Control.</div></main>`;
    }
    if (!dashboard) {
      return html`<main><div class="empty">No dashboards yet — Add one in Master Control.</div></main>`;
    }
    const moduleIds = model.modules.map((m) => m.id);
    const typeKey = `module:new:type:${dashboard.id}`;
    const nameKey = `module:new:name:${dashboard.id}`;
    return html`<main aria-label="Active dashboard">
      <div class="row">
        <h2 class="grow">${dashboard.name}</h2>
        ${iconButton(
          'history',
          'Dashboard version history',
          () => void this.run('history/show', { resourceType: 'dashboard', resourceId: dashboard.id }),
          'Version history',
        )}
      </div>
      ${dashboard.description ? html`<p class="muted">${dashboard.description}</p>` : nothing}
      ${model.modules.length === 0 ? html`<div class="empty">No modules yet — add a checklist, a decision log or a file manager below.</div>` : nothing}
      <div class="modules">
        ${model.modules.map(
          (m, i) =>
            html`<cockpit-module
              .module=${m}
              .folder=${model.folder!.uri}
              .run=${this.run}
              .moveUp=${i > 0 ? () => this.run('module/reorder', { dashboardId: dashboard.id, ids: swap(moduleIds, i, i - 1) }) : undefined}
              .moveDown=${
                i < moduleIds.length - 1
                  ? () => this.run('module/reorder', { dashboardId: dashboard.id, ids: swap(moduleIds, i, i + 1) })
                  : undefined
              }
            ></cockpit-module>`,
        )}
      </div>
      <div class="row add" role="group" aria-label="Add a module">
        <select
          aria-label="Module type"
          @change=${(e: Event) => setDraft(typeKey, (e.target as HTMLSelectElement).value)}
        >
          ${selectOptions(MODULE_TYPES, draft(typeKey) || 'checklist')}
        </select>
        ${draftField(nameKey, 'Module name')}
        <button
          class="primary"
          ?disabled=${this.busy}
          @click=${() =>
            void this.run(
              'module/create',
              {
                dashboardId: dashboard.id,
                moduleType: (draft(typeKey) || 'checklist') as 'checklist',
                name: draft(nameKey),
              },
              { clear: [nameKey] },
            )}
        >
          Add module
        </button>
      </div>
    </main>`;
  }

  // ── small building blocks ──

  private addField(key: string, label: string, submit: (value: string) => Promise<unknown>): TemplateResult {
    const submitTyped = () => {
      const value = draft(key).trim();
      if (value) void submit(value);
    };
    return html`<div class="row">
      ${draftField(key, label, { onEnter: submitTyped })} ${iconButton('add', label, submitTyped)}
    </div>`;
  }

  private startRename(key: string): void {
    viewState.update({ renaming: key });
    this.requestUpdate();
  }

  /** An emptied name ends the renaming as Escape does. */
  private renameField(key: string, current: string, save: (name: string) => Promise<unknown>): TemplateResult {
    return renameField(
      key,
      current,
      'New name',
      (name) => (name ? save(name) : Promise.resolve(true)),
      () => this.requestUpdate(),
    );
  }

  private moveIcons(ids: string[], index: number, reorder: (ids: string[]) => Promise<unknown>) {
    return html`${
      index > 0 ? iconButton('arrow-up', 'Move up', () => void reorder(swap(ids, index, index - 1))) : nothing
    }${
      index < ids.length - 1
        ? iconButton('arrow-down', 'Move down', () => void reorder(swap(ids, index, index + 1)))
        : nothing
    }`;
  }
}

function swap(ids: string[], a: number, b: number): string[] {
  const copy = [...ids];
  [copy[a], copy[b]] = [copy[b]!, copy[a]!];
  return copy;
}

declare global {
  interface HTMLElementTagNameMap {
    'cockpit-app': CockpitApp;
  }
}
