/**
 * Which mappings a project needs, from the extensions installed in this VS Code, the template
 * catalog and the project's existing mappings. Pure: the VS Code layer feeds it
 * `vscode.extensions.all`, tests feed it plain objects.
 *
 * "missing" is computed, not stored: the database is shared by every machine working on the
 * project, and an extension missing on one machine may be installed on another. A mapping whose
 * extension is not installed here is kept (with its overrides) and shown as missing.
 */
import { canonicalExtensionId } from './config.js';

export interface InstalledExtension {
  id: string;
  isBuiltin: boolean;
  /** The extension's package.json (only `contributes`, `displayName` and `version` are read). */
  packageJSON: unknown;
}

export interface CatalogEntry {
  id: string;
  extensionId: string;
  dashboardId: string;
  name: string;
  communityApproved: boolean;
  downloadCount: number | null;
}

export interface ExistingMapping {
  id: string;
  extensionId: string;
  /** extension_dashboards.id */
  dashboardId: string;
  enabled: boolean;
  position: number | null;
}

export interface NewMapping {
  extensionId: string;
  dashboardId: string;
  enabled: boolean;
  position: number;
}

export type MappingState = 'enabled' | 'mapped' | 'available' | 'missing' | 'unsupported';

export interface ExtensionState {
  extensionId: string;
  installed: boolean;
  state: MappingState;
  mapping?: ExistingMapping;
  /** Templates in the catalog for this extension, approved first, most imported first. */
  templates: CatalogEntry[];
}

export interface MappingPlan {
  create: NewMapping[];
  /** Mappings of this project whose extension is not installed here. */
  missing: ExistingMapping[];
}

/** Approved templates first, then by imports, then by dashboard id: the default pick comes first. */
export function rankTemplates(templates: CatalogEntry[]): CatalogEntry[] {
  return [...templates].sort(
    (a, b) =>
      Number(b.communityApproved) - Number(a.communityApproved) ||
      (b.downloadCount ?? 0) - (a.downloadCount ?? 0) ||
      a.dashboardId.localeCompare(b.dashboardId),
  );
}

function byExtension(catalog: CatalogEntry[]): Map<string, CatalogEntry[]> {
  const grouped = new Map<string, CatalogEntry[]>();
  for (const entry of catalog) {
    const key = canonicalExtensionId(entry.extensionId);
    grouped.set(key, [...(grouped.get(key) ?? []), entry]);
  }
  for (const [key, entries] of grouped) grouped.set(key, rankTemplates(entries));
  return grouped;
}

const userInstalled = (installed: InstalledExtension[]) =>
  new Set(installed.filter((e) => !e.isBuiltin).map((e) => canonicalExtensionId(e.id)));

/**
 * New mappings for installed extensions that have an approved template and no mapping yet
 * (disabled unless `autoEnable`), positioned after the existing ones in extension-id order, and
 * the mappings whose extension is missing. Unapproved community templates are never mapped
 * automatically.
 */
export function planMappings(input: {
  installed: InstalledExtension[];
  catalog: CatalogEntry[];
  mappings: ExistingMapping[];
  autoEnable: boolean;
}): MappingPlan {
  const installed = userInstalled(input.installed);
  const mapped = new Set(input.mappings.map((m) => canonicalExtensionId(m.extensionId)));
  const templates = byExtension(input.catalog);
  let position = Math.max(-1, ...input.mappings.map((m) => m.position ?? 0)) + 1;
  const create: NewMapping[] = [];
  for (const extensionId of [...installed].sort()) {
    if (mapped.has(extensionId)) continue;
    const template = templates.get(extensionId)?.find((t) => t.communityApproved);
    if (!template) continue;
    create.push({ extensionId, dashboardId: template.id, enabled: input.autoEnable, position: position++ });
  }
  const missing = input.mappings.filter((m) => !installed.has(canonicalExtensionId(m.extensionId)));
  return { create, missing };
}

/**
 * One row per installed user extension and per mapped-but-missing extension: mapped ones in
 * `position` order first, then the rest by id.
 */
export function extensionStates(input: {
  installed: InstalledExtension[];
  catalog: CatalogEntry[];
  mappings: ExistingMapping[];
}): ExtensionState[] {
  const installed = userInstalled(input.installed);
  const templates = byExtension(input.catalog);
  const mappings = new Map(input.mappings.map((m) => [canonicalExtensionId(m.extensionId), m]));
  const states: ExtensionState[] = [];
  for (const extensionId of new Set([...installed, ...mappings.keys()])) {
    const mapping = mappings.get(extensionId);
    const own = templates.get(extensionId) ?? [];
    const isInstalled = installed.has(extensionId);
    const state: MappingState = mapping
      ? isInstalled
        ? mapping.enabled
          ? 'enabled'
          : 'mapped'
        : 'missing'
      : own.length > 0
        ? 'available'
        : 'unsupported';
    states.push({ extensionId, installed: isInstalled, state, templates: own, ...(mapping ? { mapping } : {}) });
  }
  return states.sort((a, b) => {
    const pa = a.mapping ? (a.mapping.position ?? 0) : Number.POSITIVE_INFINITY;
    const pb = b.mapping ? (b.mapping.position ?? 0) : Number.POSITIVE_INFINITY;
    return pa - pb || a.extensionId.localeCompare(b.extensionId);
  });
}
