import { invalid } from '../errors.js';

/**
 * A small JSONPath subset for guardrails and subscriptions: `$`, `.key`, `['key']`, `[0]`, `[*]`
 * and `.*`. Enough to point at a payload field without a general JSONPath engine.
 */
export type PathSegment = { key: string } | { index: number } | { wildcard: true };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function parseJsonPath(path: unknown, field = 'path'): PathSegment[] {
  if (typeof path !== 'string' || path.length === 0 || path.length > 500) {
    throw invalid(`${field}: a JSON path such as $.command or $.files[*].path is required.`, field);
  }
  // `command` is shorthand for `$.command`.
  const text = path.startsWith('$') ? path.slice(1) : `.${path}`;
  const segments: PathSegment[] = [];
  const token = /\.([A-Za-z_$][A-Za-z0-9_$-]*|\*)|\[(\d+|\*|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\]/y;
  let at = 0;
  while (at < text.length) {
    token.lastIndex = at;
    const match = token.exec(text);
    if (!match)
      throw invalid(`${field}: "${path}" is not a JSON path this rule understands (at "${text.slice(at)}").`, field);
    const [, dotted, bracketed] = match;
    if (dotted === '*' || bracketed === '*') segments.push({ wildcard: true });
    else if (dotted !== undefined) segments.push({ key: dotted });
    else if (bracketed !== undefined && /^\d+$/.test(bracketed)) segments.push({ index: Number(bracketed) });
    else if (bracketed !== undefined) segments.push({ key: bracketed.slice(1, -1).replace(/\\(.)/g, '$1') });
    at = token.lastIndex;
  }
  return segments;
}

export function formatJsonPath(segments: ReadonlyArray<string | number>): string {
  return (
    '$' +
    segments
      .map((s) =>
        typeof s === 'number' ? `[${s}]` : IDENTIFIER.test(s) ? `.${s}` : `['${s.replace(/['\\]/g, '\\$&')}']`,
      )
      .join('')
  );
}

export interface Located {
  path: string;
  value: unknown;
}

/** Every value the path selects, with its concrete path. */
export function selectJsonPath(root: unknown, segments: PathSegment[]): Located[] {
  return select(root, segments).map(({ trail, value }) => ({ path: formatJsonPath(trail), value }));
}

/** Every value the path selects (no paths formatted: subscriptions test thousands of changes). */
export function selectValues(root: unknown, segments: PathSegment[]): unknown[] {
  return select(root, segments).map((s) => s.value);
}

function select(root: unknown, segments: PathSegment[]): Array<{ trail: Array<string | number>; value: unknown }> {
  let current: Array<{ trail: Array<string | number>; value: unknown }> = [{ trail: [], value: root }];
  for (const segment of segments) {
    const next: typeof current = [];
    for (const { trail, value } of current) {
      if (value === null || typeof value !== 'object') continue;
      if ('wildcard' in segment) {
        if (Array.isArray(value)) value.forEach((v, i) => next.push({ trail: [...trail, i], value: v }));
        else for (const [k, v] of Object.entries(value)) next.push({ trail: [...trail, k], value: v });
      } else if ('index' in segment) {
        if (Array.isArray(value) && segment.index < value.length)
          next.push({ trail: [...trail, segment.index], value: value[segment.index] });
      } else if (!Array.isArray(value) && Object.hasOwn(value, segment.key)) {
        next.push({ trail: [...trail, segment.key], value: (value as Record<string, unknown>)[segment.key] });
      }
    }
    current = next;
  }
  return current;
}

export interface Leaf {
  /** Concrete JSON path, e.g. `$.files[2].path`. */
  path: string;
  /** The nearest object key above the value (`path` for `$.files[2].path`, `files` for `$.files[0]`). */
  key: string | undefined;
  value: string | number | boolean | null;
  trail: Array<string | number>;
}

/** Every scalar in a payload, depth first. */
export function leaves(root: unknown): Leaf[] {
  const out: Leaf[] = [];
  const walk = (value: unknown, trail: Array<string | number>, key: string | undefined) => {
    if (value === null || typeof value !== 'object') {
      out.push({ path: formatJsonPath(trail), key, value: value as Leaf['value'], trail });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, [...trail, i], key));
    } else {
      for (const [k, v] of Object.entries(value)) walk(v, [...trail, k], k);
    }
  };
  walk(root, [], undefined);
  return out;
}

/** Sets the value at a concrete trail (from `leaves`) in a deep copy of `root`. */
export function withValueAt(root: unknown, trail: ReadonlyArray<string | number>, value: unknown): unknown {
  if (trail.length === 0) return value;
  const [head, ...rest] = trail;
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[head as number] = withValueAt(copy[head as number], rest, value);
    return copy;
  }
  const object = (root ?? {}) as Record<string, unknown>;
  return { ...object, [head as string]: withValueAt(object[head as string], rest, value) };
}

/** Parses a concrete path produced by `formatJsonPath` back into its trail. */
export function trailOf(path: string): Array<string | number> {
  return parseJsonPath(path).map((s) => {
    if ('key' in s) return s.key;
    if ('index' in s) return s.index;
    throw invalid(`"${path}" is not a concrete path.`);
  });
}
