/**
 * Template inheritance: a project's effective dashboard = the template's config deep-merged with
 * the mapping's `custom_config`.
 *
 * Rules (also in docs/extension-dashboards.md):
 * - plain objects merge key by key, recursively;
 * - arrays are replaced as a whole (to change one widget, override `widgets` with the full list);
 * - scalars replace;
 * - `null` in the override deletes the key (e.g. `{"description": null}`);
 * - a key absent from the override keeps the template's value.
 * The merged result must still be a valid dashboard configuration.
 */
import { CockpitError } from '../errors.js';
import { parseOrThrow, dashboardConfigSchema, type DashboardConfig } from './config.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete merged[key];
    else merged[key] = deepMerge(base[key], value);
  }
  return merged;
}

/** Largest `custom_config` accepted (serialized). */
export const MAX_CUSTOM_CONFIG_BYTES = 64 * 1024;

/** Validates a project's overrides: an object (or null for none), small, and valid once merged. */
export function validateCustomConfig(templateConfig: unknown, customConfig: unknown): DashboardConfig {
  if (customConfig !== null && customConfig !== undefined) {
    if (!isPlainObject(customConfig)) {
      throw new CockpitError(
        'invalid',
        'custom_config must be a JSON object (or null for no overrides).',
        'custom_config',
      );
    }
    if (JSON.stringify(customConfig).length > MAX_CUSTOM_CONFIG_BYTES) {
      throw new CockpitError(
        'invalid',
        `custom_config is larger than ${MAX_CUSTOM_CONFIG_BYTES / 1024} KB.`,
        'custom_config',
      );
    }
  }
  return effectiveConfig(templateConfig, customConfig);
}

/** The merged configuration, validated; errors name the field with the `custom_config` prefix. */
export function effectiveConfig(templateConfig: unknown, customConfig: unknown): DashboardConfig {
  return parseOrThrow(
    dashboardConfigSchema,
    deepMerge(templateConfig, customConfig ?? undefined),
    'dashboard configuration after applying the project overrides',
    'custom_config',
  );
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && jsonEqual(a[k], b[k]));
}
