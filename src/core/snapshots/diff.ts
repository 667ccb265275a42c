/**
 * What a restore will change: per collection, the rows it adds back, removes and changes (by
 * field name). Values are never listed, so the ciphertext of API keys stays out of the preview.
 */
import type { ProjectState } from './document.js';

export const COLLECTIONS = [
  'profiles',
  'dashboards',
  'modules',
  'capabilities',
  'guardrails',
  'extensionMappings',
  'apiConfigurations',
] as const;
export type Collection = (typeof COLLECTIONS)[number];

export interface RowRef {
  id: string;
  /** A human name: the row's name, provider, rule id or extension id. */
  label: string;
}

export interface CollectionDiff {
  /** In the snapshot, not in the current state: the restore re-creates them. */
  added: RowRef[];
  /** In the current state, not in the snapshot: the restore deletes them. */
  removed: RowRef[];
  changed: Array<RowRef & { fields: string[] }>;
}

export interface StateDiff {
  /** Fields of the project row that the restore changes; `null` when the project does not exist yet. */
  project: string[] | null;
  collections: Record<Collection, CollectionDiff>;
  /** Nothing would change. */
  identical: boolean;
}

function label(row: Record<string, unknown>): string {
  for (const key of ['name', 'provider', 'ruleId', 'extensionId', 'capabilityType']) {
    if (typeof row[key] === 'string' && row[key]) return row[key] as string;
  }
  return String(row.id);
}

const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** JSON with sorted keys: MariaDB and TiDB may return JSON objects with keys in another order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

function changedFields(current: Record<string, unknown>, target: Record<string, unknown>): string[] {
  return Object.keys(target).filter((key) => !same(current[key], target[key]));
}

/** The changes that turn `current` (null: the project is gone) into `target`. */
export function diffStates(current: ProjectState | null, target: ProjectState): StateDiff {
  const collections = {} as Record<Collection, CollectionDiff>;
  let identical = current !== null;
  const project = current ? changedFields(current.project, target.project) : null;
  if (project && project.length > 0) identical = false;
  for (const collection of COLLECTIONS) {
    const now = new Map<string, Record<string, unknown>>((current?.[collection] ?? []).map((r) => [r.id, r]));
    const then = new Map<string, Record<string, unknown>>(target[collection].map((r) => [r.id, r]));
    const diff: CollectionDiff = { added: [], removed: [], changed: [] };
    for (const [id, row] of then) {
      const existing = now.get(id);
      if (!existing) diff.added.push({ id, label: label(row) });
      else {
        const fields = changedFields(existing, row);
        if (fields.length > 0) diff.changed.push({ id, label: label(row), fields });
      }
    }
    for (const [id, row] of now) if (!then.has(id)) diff.removed.push({ id, label: label(row) });
    if (diff.added.length + diff.removed.length + diff.changed.length > 0) identical = false;
    collections[collection] = diff;
  }
  return { project, collections, identical };
}

const NAMES: Record<Collection, string> = {
  profiles: 'profiles',
  dashboards: 'dashboards',
  modules: 'modules',
  capabilities: 'capabilities',
  guardrails: 'guardrails',
  extensionMappings: 'extension mappings',
  apiConfigurations: 'API configurations',
};

/** At most five labels, so a preview of a large restore stays readable. */
function names(refs: RowRef[]): string {
  const shown = refs.slice(0, 5).map((r) => r.label);
  return refs.length > 5 ? `${shown.join(', ')}, … ${refs.length - 5} more` : shown.join(', ');
}

/** One line per collection that changes, e.g. `dashboards: +1 −2 ~1 (Overview: name, layout)`. */
export function summarizeDiff(diff: StateDiff): string[] {
  if (diff.identical) return ['No changes: the project already matches the snapshot.'];
  const lines: string[] = [];
  if (diff.project === null) lines.push('project: re-created (it no longer exists)');
  else if (diff.project.length > 0) lines.push(`project: ${diff.project.join(', ')}`);
  for (const collection of COLLECTIONS) {
    const d = diff.collections[collection];
    if (d.added.length + d.removed.length + d.changed.length === 0) continue;
    const parts = [
      d.added.length ? `${d.added.length} restored (${names(d.added)})` : '',
      d.removed.length ? `${d.removed.length} removed (${names(d.removed)})` : '',
      d.changed.length
        ? `${d.changed.length} changed (${d.changed
            .slice(0, 5)
            .map((r) => `${r.label}: ${r.fields.join(', ')}`)
            .join('; ')}${d.changed.length > 5 ? '; …' : ''})`
        : '',
    ].filter(Boolean);
    lines.push(`${NAMES[collection]}: ${parts.join(', ')}`);
  }
  return lines;
}
