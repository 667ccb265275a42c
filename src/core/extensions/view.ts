/**
 * What the webview shows for one dashboard: its widgets with everything resolved on the host
 * (command titles and whether the manifest allows them, setting values and whether they are
 * editable, status values). Pure, so the rendering rules are tested without VS Code.
 */
import type { DashboardView, WidgetView } from '../../protocol.js';
import { contributedCommands, contributedSettings } from './allowlist.js';
import type { DashboardConfig } from './config.js';

export interface SettingValue {
  value: unknown;
  setInWorkspace: boolean;
}

export interface ExtensionFacts {
  packageJSON: unknown;
  version: string | null;
  isActive: boolean;
  /** Reads the setting for this workspace. */
  setting(key: string): SettingValue;
}

const NOT_IN_WORKSPACE = new Set(['application', 'machine']);
const isScalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

export function dashboardView(
  extensionId: string,
  config: DashboardConfig,
  facts: ExtensionFacts | undefined,
): DashboardView {
  const commands = contributedCommands(facts?.packageJSON);
  const settings = contributedSettings(facts?.packageJSON);
  const widgets = config.widgets.map((widget): WidgetView => {
    const base = { id: widget.id, title: widget.title ?? null, span: widget.span ?? 1 };
    switch (widget.type) {
      case 'commands':
        return {
          ...base,
          type: 'commands',
          commands: widget.commands.map((c) => ({
            command: c.command,
            title: c.title ?? commands.get(c.command)?.title ?? c.command,
            allowed: commands.has(c.command),
          })),
        };
      case 'settings':
        return {
          ...base,
          type: 'settings',
          settings: widget.keys.map((key) => {
            const declared = settings.get(key);
            const current = facts?.setting(key) ?? { value: undefined, setInWorkspace: false };
            return {
              key,
              description: declared?.description ?? null,
              types: declared?.types ?? [],
              enum: declared?.enum?.filter(isScalar) ?? null,
              value: current.value ?? declared?.default ?? null,
              setInWorkspace: current.setInWorkspace,
              editable: Boolean(declared) && !NOT_IN_WORKSPACE.has(declared?.scope ?? ''),
            };
          }),
        };
      case 'links':
        return { ...base, type: 'links', links: widget.links };
      case 'markdown':
        return { ...base, type: 'markdown', markdown: widget.markdown };
      case 'status': {
        const items = widget.fields.map((field) => {
          switch (field) {
            case 'version':
              return { label: 'Version', value: facts?.version ?? 'not installed' };
            case 'active':
              return {
                label: 'State',
                value: !facts ? 'not installed' : facts.isActive ? 'active' : 'not activated yet',
              };
            case 'commands':
              return { label: 'Commands', value: String(commands.size) };
            case 'settings':
              return { label: 'Settings', value: String(settings.size) };
          }
        });
        return { ...base, type: 'status', items };
      }
    }
  });
  return {
    extensionId,
    title: config.title,
    description: config.description ?? null,
    columns: config.layout.columns,
    widgets,
  };
}
