/**
 * Structural JSON diff between two template configs, and the SemVer bump a change suggests.
 */
import type { Bump } from './semver.js';
import { isPlainObject, jsonEqual } from './merge.js';

export interface DiffEntry {
  /** `widgets[python-commands].title`, `layout.columns`, `links[2]`. */
  path: string;
  kind: 'added' | 'removed' | 'changed' | 'reordered';
  before?: unknown;
  after?: unknown;
}

/** Arrays whose items all are objects with distinct string ids are matched by id, not by index. */
function idsOf(array: unknown[]): string[] | undefined {
  const ids = array.map((item) => (isPlainObject(item) && typeof item.id === 'string' ? item.id : undefined));
  if (ids.some((id) => id === undefined)) return undefined;
  return new Set(ids).size === ids.length ? (ids as string[]) : undefined;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

export function diffJson(before: unknown, after: unknown, path = ''): DiffEntry[] {
  if (jsonEqual(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const entries: DiffEntry[] = [];
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const at = join(path, key);
      if (!(key in after)) entries.push({ path: at, kind: 'removed', before: before[key] });
      else if (!(key in before)) entries.push({ path: at, kind: 'added', after: after[key] });
      else entries.push(...diffJson(before[key], after[key], at));
    }
    return entries;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const beforeIds = idsOf(before);
    const afterIds = idsOf(after);
    if (beforeIds && afterIds && (before.length > 0 || after.length > 0))
      return diffById(before, after, beforeIds, afterIds, path);
    const entries: DiffEntry[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const at = `${path}[${i}]`;
      if (i >= after.length) entries.push({ path: at, kind: 'removed', before: before[i] });
      else if (i >= before.length) entries.push({ path: at, kind: 'added', after: after[i] });
      else entries.push(...diffJson(before[i], after[i], at));
    }
    return entries;
  }
  return [{ path: path || '(root)', kind: 'changed', before, after }];
}

function diffById(before: unknown[], after: unknown[], beforeIds: string[], afterIds: string[], path: string) {
  const entries: DiffEntry[] = [];
  for (const [i, id] of beforeIds.entries()) {
    const j = afterIds.indexOf(id);
    const at = `${path}[${id}]`;
    if (j < 0) entries.push({ path: at, kind: 'removed', before: before[i] });
    else entries.push(...diffJson(before[i], after[j], at));
  }
  for (const [j, id] of afterIds.entries()) {
    if (!beforeIds.includes(id)) entries.push({ path: `${path}[${id}]`, kind: 'added', after: after[j] });
  }
  const kept = afterIds.filter((id) => beforeIds.includes(id));
  const keptBefore = beforeIds.filter((id) => afterIds.includes(id));
  if (!jsonEqual(kept, keptBefore))
    entries.push({ path: path || '(root)', kind: 'reordered', before: keptBefore, after: kept });
  return entries;
}

/**
 * The bump a config change calls for: a widget removed (or its type changed) breaks what users
 * relied on → major; a widget added → minor; anything else (titles, text, links, layout) → patch.
 * `none` when nothing changed.
 */
export function suggestBump(before: unknown, after: unknown): Bump | 'none' {
  if (jsonEqual(before, after)) return 'none';
  const widgets = (config: unknown) =>
    new Map(
      (isPlainObject(config) && Array.isArray(config.widgets) ? config.widgets : [])
        .filter(isPlainObject)
        .map((w) => [String(w.id), String(w.type)] as const),
    );
  const old = widgets(before);
  const next = widgets(after);
  for (const [id, type] of old) if (next.get(id) !== type) return 'major';
  for (const id of next.keys()) if (!old.has(id)) return 'minor';
  return 'patch';
}
