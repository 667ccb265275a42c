/**
 * The configuration of an extension dashboard template (`extension_dashboards.config`) and the JSON
 * file format templates are imported from and exported to. Every value that reaches the database or
 * a webview went through these schemas; a failure names each invalid field by its path.
 */
import * as z from 'zod';
import { CockpitError, parseJsonText } from '../errors.js';
import { isSemVer } from './semver.js';

/** `publisher.name`, as VS Code spells extension ids; compared case-insensitively (stored lowercase). */
export const EXTENSION_ID = /^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9_.-]*$/i;
const DASHBOARD_ID = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const WIDGET_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** VS Code command ids and setting keys: dotted identifiers, no spaces or URIs. */
const COMMAND_ID = /^[A-Za-z0-9_$][A-Za-z0-9_$.\-/]{0,199}$/;
const SETTING_KEY = /^[A-Za-z0-9_$][A-Za-z0-9_$.\-[\]]{0,199}$/;

export const canonicalExtensionId = (id: string) => id.trim().toLowerCase();

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

const widgetBase = {
  id: z.string().regex(WIDGET_ID, 'lowercase letters, digits, "-" or "_" (at most 64)'),
  title: text(200).optional(),
  /** Columns the widget spans in the layout grid. */
  span: z.int().min(1).max(4).optional(),
};

const commandsWidget = z.strictObject({
  ...widgetBase,
  type: z.literal('commands'),
  commands: z
    .array(
      z.strictObject({
        command: z.string().regex(COMMAND_ID, 'a command id such as "eslint.executeAutofix"'),
        title: text(100).optional(),
      }),
    )
    .min(1)
    .max(30),
});

const settingsWidget = z.strictObject({
  ...widgetBase,
  type: z.literal('settings'),
  keys: z.array(z.string().regex(SETTING_KEY, 'a setting key such as "eslint.run"')).min(1).max(50),
});

const httpUrl = z
  .string()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'an http(s) URL');

const linksWidget = z.strictObject({
  ...widgetBase,
  type: z.literal('links'),
  links: z
    .array(z.strictObject({ label: text(100), url: httpUrl }))
    .min(1)
    .max(20),
});

const markdownWidget = z.strictObject({
  ...widgetBase,
  type: z.literal('markdown'),
  markdown: z.string().max(10_000, 'at most 10000 characters'),
});

export const STATUS_FIELDS = ['version', 'active', 'commands', 'settings'] as const;

const statusWidget = z.strictObject({
  ...widgetBase,
  type: z.literal('status'),
  fields: z.array(z.enum(STATUS_FIELDS)).min(1).max(STATUS_FIELDS.length),
});

export const widgetSchema = z.discriminatedUnion('type', [
  commandsWidget,
  settingsWidget,
  linksWidget,
  markdownWidget,
  statusWidget,
]);

export const dashboardConfigSchema = z
  .strictObject({
    title: text(200),
    description: z.string().max(2000).optional(),
    widgets: z.array(widgetSchema).max(40),
    layout: z.strictObject({ columns: z.int().min(1).max(4) }),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.widgets.forEach((widget, index) => {
      if (seen.has(widget.id)) {
        ctx.addIssue({ code: 'custom', path: ['widgets', index, 'id'], message: `duplicate widget id "${widget.id}"` });
      }
      seen.add(widget.id);
    });
  });

export type DashboardConfig = z.infer<typeof dashboardConfigSchema>;
export type Widget = z.infer<typeof widgetSchema>;
export type WidgetType = Widget['type'];

/** Identifies the file format, so a random JSON file is refused with a clear message. */
export const TEMPLATE_FORMAT = 'devguide-cockpit/extension-dashboard@1';

export const templateFileSchema = z.strictObject({
  $schema: z.string().max(500).optional(),
  format: z.literal(TEMPLATE_FORMAT, { error: `must be "${TEMPLATE_FORMAT}"` }),
  extensionId: z
    .string()
    .max(255)
    .regex(EXTENSION_ID, 'a VS Code extension id such as "ms-python.python"')
    .transform(canonicalExtensionId),
  dashboardId: z.string().regex(DASHBOARD_ID, 'lowercase letters, digits, ".", "-" or "_" (at most 100)'),
  name: text(255),
  description: z.string().max(5000).optional(),
  author: z.string().trim().max(255).optional(),
  version: z.string().max(50).refine(isSemVer, 'a SemVer version such as "1.0.0"'),
  changelog: z.string().max(5000).optional(),
  config: dashboardConfigSchema,
});

export type TemplateFile = z.infer<typeof templateFileSchema>;

/** Largest template file accepted, so a hostile file cannot exhaust memory. */
export const MAX_TEMPLATE_BYTES = 512 * 1024;

/** `widgets.2.commands.0.command` — the dotted form CockpitError.field uses. */
export function formatPath(path: ReadonlyArray<PropertyKey>, prefix?: string): string {
  const joined = path.map(String).join('.');
  if (!prefix) return joined || '(root)';
  return joined ? `${prefix}.${joined}` : prefix;
}

/** Parses with `schema` or throws one `invalid` CockpitError listing every bad field with its path. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  prefix?: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: formatPath(issue.path, prefix), message: issue.message }));
  const lines = issues.slice(0, 20).map((i) => `${i.path}: ${i.message}`);
  if (issues.length > 20) lines.push(`… and ${issues.length - 20} more`);
  throw new CockpitError('invalid', `Invalid ${what}: ${lines.join('; ')}.`, issues[0]?.path);
}

export const parseDashboardConfig = (value: unknown, prefix = 'config') =>
  parseOrThrow(dashboardConfigSchema, value, 'dashboard configuration', prefix);

/** A template file from text (JSON), with the JSON syntax error or the invalid fields named. */
export function parseTemplateFile(source: string | unknown): TemplateFile {
  let value = source;
  if (typeof source === 'string') {
    if (Buffer.byteLength(source, 'utf8') > MAX_TEMPLATE_BYTES) {
      throw new CockpitError('invalid', `The template file is larger than ${MAX_TEMPLATE_BYTES / 1024} KB.`);
    }
    value = parseJsonText(source, 'The template file');
  }
  return parseOrThrow(templateFileSchema, value, 'dashboard template');
}
