/**
 * The VS Code side of extension dashboards: feeds `vscode.extensions.all` to the core, resolves the
 * workspace's project, and carries out what the panel and the commands ask — commands and settings
 * only after the allowlist checks of src/core/extensions/allowlist.ts.
 */
import * as vscode from 'vscode';
import { resolveActor } from '../../core/actor.js';
import { findFolderProject } from '../../core/projects.js';
import { CockpitError } from '../../core/errors.js';
import { authorizeSettingUpdate, authorizeWidgetCommand } from '../../core/extensions/allowlist.js';
import { BUILTIN_TEMPLATES } from '../../core/extensions/builtin-templates.js';
import {
  ensureBuiltinTemplates,
  listTemplates,
  proposeVersion,
  rollbackTemplate,
  templateConfigWithEdits,
  templateEditor,
  updateTemplateConfig,
  type TemplateEditor,
} from '../../core/extensions/catalog.js';
import { canonicalExtensionId } from '../../core/extensions/config.js';
import { parseJsonText } from '../../core/errors.js';
import type { FormEdit, FormField } from '../../core/extensions/form.js';
import {
  effectiveDashboard,
  mapExtension,
  overridesForm,
  projectDashboards,
  reorderMappings,
  setCustomConfig,
  setMappingEnabled,
  setOverridesFromForm,
  syncProjectMappings,
} from '../../core/extensions/mappings.js';
import { extensionStates, type InstalledExtension } from '../../core/extensions/plan.js';
import { dashboardView, type ExtensionFacts } from '../../core/extensions/view.js';
import type { Database } from '../../db/connection.js';
import type { ExtensionRowView, ExtensionsViewState, TemplateChangePreview } from '../../protocol.js';
import type { Cockpit } from '../context.js';
import { describeError } from '../database.js';

/** A template change: form edits or the whole config as JSON. */
type TemplateEdit = { edits?: FormEdit[]; json?: string };

export const AUTO_ENABLE_SETTING = 'cockpit.extensions.autoEnable';

/** `packageJSON` is VS Code's extension description, which carries `isBuiltin`. */
const isBuiltin = (e: vscode.Extension<unknown>) => e.packageJSON?.isBuiltin === true || e.id.startsWith('vscode.');
const userExtensions = () => vscode.extensions.all.filter((e) => !isBuiltin(e));

function findExtension(extensionId: string): vscode.Extension<unknown> | undefined {
  const wanted = canonicalExtensionId(extensionId);
  return vscode.extensions.all.find((e) => e.id.toLowerCase() === wanted);
}

function facts(
  extension: vscode.Extension<unknown> | undefined,
  folder: vscode.WorkspaceFolder | undefined,
): ExtensionFacts | undefined {
  if (!extension) return undefined;
  const configuration = vscode.workspace.getConfiguration(undefined, folder?.uri);
  return {
    packageJSON: extension.packageJSON,
    version: typeof extension.packageJSON?.version === 'string' ? extension.packageJSON.version : null,
    isActive: extension.isActive,
    setting(key) {
      const inspected = configuration.inspect(key);
      const workspace = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
      return { value: workspace ?? configuration.get(key), setInWorkspace: workspace !== undefined };
    },
  };
}

const displayName = (extension: vscode.Extension<unknown> | undefined, id: string) =>
  typeof extension?.packageJSON?.displayName === 'string' && !extension.packageJSON.displayName.startsWith('%')
    ? (extension.packageJSON.displayName as string)
    : id;

export class ExtensionDashboards implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when mappings, templates or installed extensions changed: views refetch. */
  readonly onDidChange = this.changed.event;
  private syncing: Promise<void> = Promise.resolve();
  private readonly seeded = new WeakSet<Database>();
  private actorName: Promise<string> | undefined;

  constructor(private readonly cockpit: Cockpit) {}

  dispose(): void {
    this.changed.dispose();
  }

  notifyChanged(): void {
    this.changed.fire();
  }

  folder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
  }

  actor(): Promise<string> {
    this.actorName ??= resolveActor(this.folder()?.uri.fsPath);
    return this.actorName;
  }

  installed(): InstalledExtension[] {
    return userExtensions().map((e) => ({ id: e.id, isBuiltin: false, packageJSON: e.packageJSON }));
  }

  /** The database, with the built-in templates seeded once per connection. */
  async database(): Promise<Database> {
    const database = await this.cockpit.database.get();
    if (!this.seeded.has(database)) {
      const { created } = await ensureBuiltinTemplates(database.db, BUILTIN_TEMPLATES, 'system');
      if (created.length > 0)
        this.cockpit.log.info(`Extension dashboards: added built-in templates ${created.join(', ')}.`);
      this.seeded.add(database);
    }
    return database;
  }

  /** The workspace's project, or a CockpitError saying how to get one. */
  async project(database: Database): Promise<{ id: string; name: string }> {
    const folder = this.folder();
    if (!folder)
      throw new CockpitError('not-found', 'Open a folder first: extension dashboards belong to a workspace project.');
    const found = folder.uri.scheme === 'file' ? await findFolderProject(database.db, folder.uri.fsPath) : undefined;
    if (!found) {
      throw new CockpitError(
        'not-found',
        `The folder "${folder.name}" has no Cockpit project yet; open the Cockpit to create one.`,
      );
    }
    return { id: found.project.id, name: found.project.name };
  }

  /**
   * Maps newly installed extensions of the workspace project (runs after activation and on
   * `extensions.onDidChange`). One sync at a time; failures are logged, never shown as popups —
   * the panel shows the state and the commands report their own errors.
   */
  sync(reason: string): Promise<void> {
    this.syncing = this.syncing.then(async () => {
      try {
        const database = await this.database();
        const project = await this.project(database);
        const autoEnable = vscode.workspace.getConfiguration().get<boolean>(AUTO_ENABLE_SETTING, false) === true;
        const result = await syncProjectMappings(database.db, {
          projectId: project.id,
          installed: this.installed(),
          autoEnable,
          actor: await this.actor(),
        });
        if (result.created.length > 0) {
          this.cockpit.log.info(
            `Extension dashboards (${reason}): mapped ${result.created.join(', ')} in "${project.name}"${autoEnable ? ' (enabled)' : ' (disabled until you enable them)'}.`,
          );
        }
        if (result.missing.length > 0) {
          this.cockpit.log.info(`Extension dashboards: mapped but not installed here: ${result.missing.join(', ')}.`);
        }
        this.changed.fire();
      } catch (error) {
        this.cockpit.log.info(`Extension dashboards (${reason}) not synchronised: ${describeError(error)}`);
      }
    });
    return this.syncing;
  }

  /** Everything the Extensions view shows; problems (no database, no project) become `problem`. */
  async state(): Promise<ExtensionsViewState> {
    const autoEnable = vscode.workspace.getConfiguration().get<boolean>(AUTO_ENABLE_SETTING, false) === true;
    let database: Database;
    let project: { id: string; name: string };
    try {
      database = await this.database();
      project = await this.project(database);
    } catch (error) {
      return { project: null, problem: describeError(error), autoEnable, extensions: [], dashboards: [] };
    }
    const [dashboards, templates] = await Promise.all([
      projectDashboards(database.db, project.id),
      listTemplates(database.db),
    ]);
    const folder = this.folder();
    const installed = new Map(userExtensions().map((e) => [e.id.toLowerCase(), e]));
    const mapped = new Map(dashboards.map((d) => [d.extensionId, d]));
    const states = extensionStates({
      installed: this.installed(),
      catalog: templates,
      mappings: dashboards.map((d) => ({
        id: d.mappingId,
        extensionId: d.extensionId,
        dashboardId: d.template.id,
        enabled: d.enabled,
        position: d.position,
      })),
    });
    const rows: ExtensionRowView[] = states.map(({ extensionId: id, state, templates: own }) => {
      const extension = installed.get(id);
      const mapping = mapped.get(id);
      const versions = new Map(templates.map((t) => [t.id, t.version]));
      return {
        extensionId: id,
        displayName: displayName(extension, id),
        version: typeof extension?.packageJSON?.version === 'string' ? extension.packageJSON.version : null,
        installed: Boolean(extension),
        state,
        template: mapping ? { id: mapping.template.id, name: mapping.template.name } : null,
        // Only approved templates can be picked here; community ones are approved by command first.
        templates: own
          .filter((t) => t.communityApproved)
          .map((t) => ({ id: t.id, name: t.name, version: versions.get(t.id) ?? null })),
        overrides: mapping?.customConfig == null ? '' : JSON.stringify(mapping.customConfig, null, 2),
        error: mapping?.error ?? null,
      };
    });
    return {
      project,
      problem: null,
      autoEnable,
      // Extensions without any template are left out of the list: nothing to map them to.
      extensions: rows.filter((r) => r.state !== 'unsupported'),
      dashboards: dashboards
        .filter((d) => d.enabled && d.config && d.template.communityApproved && installed.has(d.extensionId))
        .map((d) => dashboardView(d.extensionId, d.config!, facts(installed.get(d.extensionId), folder))),
    };
  }

  private async context() {
    const database = await this.database();
    const project = await this.project(database);
    return { db: database.db, projectId: project.id, actor: await this.actor() };
  }

  async map(extensionId: string, templateId: string): Promise<void> {
    const { db, projectId, actor } = await this.context();
    await mapExtension(db, { projectId, extensionId, templateId, actor });
    this.changed.fire();
  }

  async setEnabled(extensionId: string, enabled: boolean): Promise<void> {
    const { db, projectId, actor } = await this.context();
    await setMappingEnabled(db, { projectId, extensionId, enabled, actor });
    this.changed.fire();
  }

  async reorder(extensionIds: string[]): Promise<void> {
    const { db, projectId, actor } = await this.context();
    await reorderMappings(db, { projectId, extensionIds, actor });
    this.changed.fire();
  }

  /** Overrides from the raw JSON the user typed; "" or "null" removes them. */
  async setOverrides(extensionId: string, json: string): Promise<void> {
    const customConfig = json.trim() === '' ? null : parseJsonText(json, 'The overrides', 'custom_config');
    const { db, projectId, actor } = await this.context();
    await setCustomConfig(db, { projectId, extensionId, customConfig, actor });
    this.changed.fire();
  }

  async overridesForm(extensionId: string): Promise<FormField[]> {
    const { db, projectId } = await this.context();
    return overridesForm(db, projectId, extensionId);
  }

  async saveOverridesForm(extensionId: string, edits: FormEdit[]): Promise<void> {
    const { db, projectId, actor } = await this.context();
    await setOverridesFromForm(db, { projectId, extensionId, edits, actor });
    this.changed.fire();
  }

  async template(templateId: string): Promise<TemplateEditor> {
    return templateEditor((await this.database()).db, templateId);
  }

  async previewTemplate(templateId: string, change: TemplateEdit): Promise<TemplateChangePreview> {
    const { db } = await this.database();
    const config =
      change.edits !== undefined
        ? await templateConfigWithEdits(db, templateId, change.edits)
        : parseJsonText(change.json ?? '', 'The configuration', 'config');
    return proposeVersion(db, templateId, config);
  }

  async saveTemplate(
    templateId: string,
    change: TemplateEdit & { version?: string; changelog?: string },
  ): Promise<{ version: string }> {
    const { db } = await this.database();
    const { edits, json, ...rest } = change;
    const content =
      edits !== undefined ? { edits } : { config: parseJsonText(json ?? '', 'The configuration', 'config') };
    const { version } = await updateTemplateConfig(db, { templateId, ...rest, ...content, actor: await this.actor() });
    this.changed.fire();
    return { version };
  }

  async rollbackTemplate(templateId: string, toVersion: string): Promise<{ version: string }> {
    const { db } = await this.database();
    const { version } = await rollbackTemplate(db, { templateId, toVersion, actor: await this.actor() });
    this.changed.fire();
    return { version };
  }

  private async authorizedContext(extensionId: string) {
    const extension = findExtension(extensionId);
    if (!extension) throw new CockpitError('not-found', `The extension ${extensionId} is not installed.`);
    const { db, projectId } = await this.context();
    const config = await effectiveDashboard(db, projectId, extensionId);
    return { extension, config };
  }

  /** Runs a command of another extension — only one its widget lists AND its manifest contributes. */
  async runCommand(extensionId: string, widgetId: string, command: string): Promise<void> {
    const { extension, config } = await this.authorizedContext(extensionId);
    const verdict = authorizeWidgetCommand({ widgetId, command }, config, extension.packageJSON);
    if (!verdict.ok) {
      this.cockpit.log.warn(`Refused command from the Extensions view: ${verdict.reason}`);
      throw new CockpitError('forbidden', verdict.reason);
    }
    await vscode.commands.executeCommand(verdict.value);
  }

  /** Writes (or removes) a workspace setting the extension declares and the settings widget shows. */
  async updateSetting(extensionId: string, widgetId: string, key: string, value: unknown): Promise<void> {
    const { extension, config } = await this.authorizedContext(extensionId);
    const verdict = authorizeSettingUpdate({ widgetId, key, value }, config, extension.packageJSON);
    if (!verdict.ok) throw new CockpitError('forbidden', verdict.reason);
    if (!this.folder())
      throw new CockpitError('not-found', 'Open a folder first: settings are written to the workspace.');
    await vscode.workspace
      .getConfiguration(undefined, this.folder()?.uri)
      .update(verdict.value.key, verdict.value.value, vscode.ConfigurationTarget.Workspace);
    this.changed.fire();
  }

  /** Opens a link only if the links widget lists it (the URL was validated as http(s) on import). */
  async openLink(extensionId: string, widgetId: string, url: string): Promise<void> {
    const { config } = await this.authorizedContext(extensionId);
    const widget = config.widgets.find((w) => w.id === widgetId);
    if (!widget || widget.type !== 'links' || !widget.links.some((l) => l.url === url)) {
      throw new CockpitError('forbidden', `The widget "${widgetId}" has no link to ${url}.`);
    }
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
  }
}
