/**
 * Forms generated from the dashboard configuration schema: the fields of a template's config, for
 * editing a project's overrides or the template itself without writing JSON.
 *
 * The fields come from the JSON Schema zod derives from `dashboardConfigSchema`, so a new widget
 * property gets its form field without UI work. Scalars become fields; objects are walked; arrays of
 * objects (widgets, their commands and links) give one group of fields per existing item; arrays
 * of scalars (setting keys, status fields) become lists. Adding or removing widgets stays a raw-JSON
 * edit (docs/extension-dashboards.md).
 *
 * Saving applies the edited values to the current config, then keeps only what differs from the
 * template as the override (`minimalOverride`): merging that override into the template gives back
 * exactly the edited config, and fields left at the template's value stay inherited.
 */
import * as z from 'zod';
import { CockpitError } from '../errors.js';
import { dashboardConfigSchema } from './config.js';
import { isPlainObject, jsonEqual } from './merge.js';

export type FieldKind = 'text' | 'textarea' | 'integer' | 'boolean' | 'choice' | 'list';
type Scalar = string | number | boolean;

export interface FormField {
  /** Dotted path into the config: `title`, `layout.columns`, `widgets.1.commands.0.title`. */
  path: string;
  label: string;
  /** The heading the field is shown under: "Dashboard", "Widget 2 · commands · actions". */
  group: string;
  kind: FieldKind;
  required: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  /** Allowed values of a `choice`, or of each item of a `list`. */
  options?: Scalar[];
  /** Current value (undefined: not set). */
  value: unknown;
  /** The template's value at this path (undefined: the template does not set it). */
  templateValue: unknown;
  /** The current value differs from the template's. */
  overridden: boolean;
}

export interface FormEdit {
  path: string;
  /** Null (or "" for an optional text) removes the key. */
  value: Scalar | Scalar[] | null;
}

interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: Scalar[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

/** Above this length a text is edited in a multi-line box. */
const TEXTAREA_FROM = 500;

let schemaCache: JsonSchema | undefined;
const configJsonSchema = (): JsonSchema =>
  (schemaCache ??= z.toJSONSchema(dashboardConfigSchema, { unrepresentable: 'any' }) as JsonSchema);

const humanize = (key: string) => key.charAt(0).toUpperCase() + key.slice(1).replace(/([a-z])([A-Z])/g, '$1 $2');

function valueAt(root: unknown, path: string[]): unknown {
  let node = root;
  for (const key of path) {
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isPlainObject(node)) node = node[key];
    else return undefined;
  }
  return node;
}

/** The branch of a `oneOf` whose `const` properties all match the item (the widget's `type`). */
function branchFor(schema: JsonSchema, item: unknown): JsonSchema | undefined {
  if (!schema.oneOf) return schema;
  return schema.oneOf.find((branch) =>
    Object.entries(branch.properties ?? {}).every(
      ([key, property]) => property.const === undefined || (isPlainObject(item) && item[key] === property.const),
    ),
  );
}

/** Every editable field of `config`, with the template's value beside it. */
export function configFormFields(templateConfig: unknown, config: unknown): FormField[] {
  const fields: FormField[] = [];

  function walkObject(schema: JsonSchema, path: string[], group: string, labelPrefix: string): void {
    const required = new Set(schema.required ?? []);
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      walk(property, [...path, key], group, labelPrefix + humanize(key), required.has(key));
    }
  }

  function walk(schema: JsonSchema, path: string[], group: string, label: string, required: boolean): void {
    if (schema.const !== undefined) return; // a discriminator (widget type): shown in the group name
    const value = valueAt(config, path);
    if (schema.type === 'object') return walkObject(schema, path, group, `${label} › `);
    if (schema.type === 'array' && schema.items) {
      const items = schema.items;
      if (items.type === 'object' || items.oneOf) {
        if (!Array.isArray(value)) return;
        value.forEach((item, index) => {
          const branch = branchFor(items, item);
          if (!branch) return;
          const itemPath = [...path, String(index)];
          const kind = Object.entries(branch.properties ?? {}).find(([, p]) => p.const !== undefined);
          const id = isPlainObject(item) && typeof item.id === 'string' ? item.id : undefined;
          const name = [`${singular(label)} ${index + 1}`, kind ? String(kind[1].const) : '', id ?? '']
            .filter(Boolean)
            .join(' · ');
          // Widgets get their own group; items inside a widget (commands, links) stay in it.
          if (path.length === 1) walkObject(branch, itemPath, name, '');
          else walkObject(branch, itemPath, group, `${name} › `);
        });
        return;
      }
      fields.push(field(path, group, label, 'list', required, value, { options: items.enum }));
      return;
    }
    if (schema.enum)
      return void fields.push(field(path, group, label, 'choice', required, value, { options: schema.enum }));
    if (schema.type === 'boolean') return void fields.push(field(path, group, label, 'boolean', required, value, {}));
    if (schema.type === 'integer' || schema.type === 'number') {
      fields.push(field(path, group, label, 'integer', required, value, { min: schema.minimum, max: schema.maximum }));
      return;
    }
    if (schema.type === 'string') {
      const kind = (schema.maxLength ?? Infinity) > TEXTAREA_FROM ? 'textarea' : 'text';
      fields.push(field(path, group, label, kind, required, value, { maxLength: schema.maxLength }));
    }
  }

  function field(
    path: string[],
    group: string,
    label: string,
    kind: FieldKind,
    required: boolean,
    value: unknown,
    limits: { min?: number; max?: number; maxLength?: number; options?: Scalar[] },
  ): FormField {
    const templateValue = valueAt(templateConfig, path);
    const defined = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
    return {
      path: path.join('.'),
      label,
      group,
      kind,
      required,
      ...defined,
      value,
      templateValue,
      overridden: !jsonEqual(value ?? null, templateValue ?? null),
    };
  }

  walkObject(configJsonSchema(), [], 'Dashboard', '');
  return fields;
}

const singular = (label: string) => (label.endsWith('s') ? label.slice(0, -1) : label);

/** `config` with the edited values set; each path must be one of `fields`, each value of its kind. */
export function applyFormEdits(config: unknown, fields: FormField[], edits: FormEdit[]): unknown {
  const byPath = new Map(fields.map((f) => [f.path, f]));
  const result: unknown = structuredClone(config);
  for (const edit of edits) {
    const field = byPath.get(edit.path);
    if (!field) throw new CockpitError('invalid', `The form has no field "${edit.path}".`, edit.path);
    const value = coerce(field, edit.value);
    const keys = field.path.split('.');
    const parent = valueAt(result, keys.slice(0, -1));
    const last = keys.at(-1)!;
    if (!isPlainObject(parent)) throw new CockpitError('invalid', `"${edit.path}" cannot be set here.`, edit.path);
    if (value === undefined) delete parent[last];
    else parent[last] = value;
  }
  return result;
}

function coerce(field: FormField, value: FormEdit['value']): unknown {
  const wrong = (what: string) => new CockpitError('invalid', `${field.label}: ${what}.`, field.path);
  if (value === null || (value === '' && field.kind !== 'list')) {
    if (field.required) throw wrong('is required');
    return undefined;
  }
  switch (field.kind) {
    case 'text':
    case 'textarea':
      if (typeof value !== 'string') throw wrong('must be text');
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw wrong('must be a whole number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw wrong('must be true or false');
      return value;
    case 'choice':
      if (!field.options?.includes(value as Scalar)) throw wrong(`must be one of ${field.options?.join(', ')}`);
      return value;
    case 'list': {
      if (!Array.isArray(value)) throw wrong('must be a list');
      const bad = field.options ? value.find((item) => !field.options!.includes(item)) : undefined;
      if (bad !== undefined) throw wrong(`"${String(bad)}" is not one of ${field.options!.join(', ')}`);
      return value;
    }
  }
}

/**
 * The smallest override that turns `base` into `target` under the merge rules of merge.ts:
 * objects per key, arrays and scalars whole, `null` for a key `target` drops.
 */
export function minimalOverride(base: unknown, target: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(target)) return target;
  const override: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(target)) {
    if (!(key in base)) override[key] = value;
    else if (!jsonEqual(base[key], value)) {
      override[key] = isPlainObject(base[key]) && isPlainObject(value) ? minimalOverride(base[key], value) : value;
    }
  }
  for (const key of Object.keys(base)) if (!(key in target)) override[key] = null;
  return override;
}
