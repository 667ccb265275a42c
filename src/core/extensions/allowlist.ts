/**
 * What a dashboard widget may make VS Code do on behalf of another extension. A webview names a
 * widget and a command (or setting); the host runs it only when the effective dashboard has that
 * widget listing it AND the extension's own manifest contributes it. A template (community-written)
 * or a compromised webview can therefore never reach an arbitrary command such as
 * `workbench.action.terminal.sendSequence`.
 */
import type { DashboardConfig } from './config.js';
import { isPlainObject } from './merge.js';

export interface ContributedCommand {
  command: string;
  title: string;
}

export interface ContributedSetting {
  key: string;
  /** JSON schema `type`: one name or a list; undefined when the manifest declares none. */
  types: string[] | undefined;
  enum: unknown[] | undefined;
  scope: string | undefined;
  description: string | undefined;
  default: unknown;
}

/** `contributes.commands` of a manifest (an array or, as VS Code also accepts, one object). */
export function contributedCommands(packageJSON: unknown): Map<string, ContributedCommand> {
  const contributes = isPlainObject(packageJSON) ? packageJSON.contributes : undefined;
  const raw = isPlainObject(contributes) ? contributes.commands : undefined;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const commands = new Map<string, ContributedCommand>();
  for (const entry of list) {
    if (!isPlainObject(entry) || typeof entry.command !== 'string' || !entry.command) continue;
    const title =
      typeof entry.title === 'string' ? entry.title : isPlainObject(entry.title) ? String(entry.title.value ?? '') : '';
    const category = typeof entry.category === 'string' ? `${entry.category}: ` : '';
    commands.set(entry.command, { command: entry.command, title: `${category}${title || entry.command}` });
  }
  return commands;
}

/** `contributes.configuration` (one object or an array of sections) → its properties by key. */
export function contributedSettings(packageJSON: unknown): Map<string, ContributedSetting> {
  const contributes = isPlainObject(packageJSON) ? packageJSON.contributes : undefined;
  const raw = isPlainObject(contributes) ? contributes.configuration : undefined;
  const sections = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const settings = new Map<string, ContributedSetting>();
  for (const section of sections) {
    const properties = isPlainObject(section) ? section.properties : undefined;
    if (!isPlainObject(properties)) continue;
    for (const [key, schema] of Object.entries(properties)) {
      if (!isPlainObject(schema)) continue;
      const type = schema.type;
      settings.set(key, {
        key,
        types:
          typeof type === 'string'
            ? [type]
            : Array.isArray(type)
              ? type.filter((t) => typeof t === 'string')
              : undefined,
        enum: Array.isArray(schema.enum) ? schema.enum : undefined,
        scope: typeof schema.scope === 'string' ? schema.scope : undefined,
        description:
          typeof schema.markdownDescription === 'string'
            ? schema.markdownDescription
            : typeof schema.description === 'string'
              ? schema.description
              : undefined,
        default: schema.default,
      });
    }
  }
  return settings;
}

export type Authorization<T> = { ok: true; value: T } | { ok: false; reason: string };

/** May the widget `widgetId` of this dashboard run `command`? Checks the widget, then the manifest. */
export function authorizeWidgetCommand(
  request: { widgetId: string; command: string },
  config: DashboardConfig,
  packageJSON: unknown,
): Authorization<string> {
  const widget = config.widgets.find((w) => w.id === request.widgetId);
  if (!widget || widget.type !== 'commands') {
    return { ok: false, reason: `The dashboard has no commands widget "${request.widgetId}".` };
  }
  if (!widget.commands.some((c) => c.command === request.command)) {
    return { ok: false, reason: `The widget "${widget.id}" does not offer the command "${request.command}".` };
  }
  if (!contributedCommands(packageJSON).has(request.command)) {
    return {
      ok: false,
      reason: `The command "${request.command}" is not contributed by the installed extension, so it is not allowed.`,
    };
  }
  return { ok: true, value: request.command };
}

/** Settings a workspace cannot hold (VS Code ignores them there). */
const NOT_IN_WORKSPACE = new Set(['application', 'machine']);
const MAX_SETTING_BYTES = 16 * 1024;

function matchesType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isSafeInteger(value);
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isPlainObject(value);
    default:
      return false;
  }
}

/**
 * May the settings widget `widgetId` write `value` to the workspace setting `key`? `value`
 * undefined means "remove the workspace value". The type and enum come from the manifest.
 */
export function authorizeSettingUpdate(
  request: { widgetId: string; key: string; value: unknown },
  config: DashboardConfig,
  packageJSON: unknown,
): Authorization<{ key: string; value: unknown }> {
  const widget = config.widgets.find((w) => w.id === request.widgetId);
  if (!widget || widget.type !== 'settings') {
    return { ok: false, reason: `The dashboard has no settings widget "${request.widgetId}".` };
  }
  if (!widget.keys.includes(request.key)) {
    return { ok: false, reason: `The widget "${widget.id}" does not show the setting "${request.key}".` };
  }
  const setting = contributedSettings(packageJSON).get(request.key);
  if (!setting) {
    return { ok: false, reason: `The setting "${request.key}" is not declared by the installed extension.` };
  }
  if (setting.scope && NOT_IN_WORKSPACE.has(setting.scope)) {
    return {
      ok: false,
      reason: `The setting "${request.key}" has scope "${setting.scope}" and cannot be set per workspace.`,
    };
  }
  const { value } = request;
  if (value === undefined) return { ok: true, value: { key: request.key, value } };
  if (JSON.stringify(value).length > MAX_SETTING_BYTES) {
    return { ok: false, reason: `The value for "${request.key}" is larger than ${MAX_SETTING_BYTES / 1024} KB.` };
  }
  if (setting.types && !setting.types.some((type) => matchesType(value, type))) {
    return { ok: false, reason: `"${request.key}" must be of type ${setting.types.join(' or ')}.` };
  }
  if (setting.enum && !setting.enum.some((allowed) => allowed === value)) {
    return {
      ok: false,
      reason: `"${request.key}" must be one of ${setting.enum.map((v) => JSON.stringify(v)).join(', ')}.`,
    };
  }
  return { ok: true, value: { key: request.key, value } };
}
