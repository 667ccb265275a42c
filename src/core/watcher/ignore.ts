import path from 'node:path';
import picomatch from 'picomatch';

/**
 * Never watched nor scanned: git's internals (HEAD is read directly) and dependency trees — any
 * path with a `.git` or `node_modules` segment. One regex rather than two globs: it runs on every
 * file event and is several times cheaper.
 */
const BUILT_IN_EXCLUDED_SEGMENT = /(?:^|\/)(?:\.git|node_modules)(?:\/|$)/;

/** Globs are compiled to JS regexes: bound their size so a hostile pattern cannot stall matching. */
const MAX_PATTERN_LENGTH = 500;
const MAX_WILDCARDS = 16;

export interface IgnoreMatcher {
  /** True when `absolutePath` (a file or a directory under the root) is excluded. */
  (absolutePath: string): boolean;
  /** The same for a path relative to the root, `/`-separated (the watcher's form, tested on every event). */
  relative(relativePath: string): boolean;
}

/**
 * Builds the exclusion test from VS Code-style globs (relative to `root`, or absolute). A pattern
 * that matches a directory excludes everything below it (`dist/**` matches `dist` too), which lets
 * the watcher and the scanner skip excluded trees without reading them. Malformed patterns are
 * reported through `warn` and skipped.
 */
export function createIgnoreMatcher(
  root: string,
  patterns: readonly unknown[],
  warn: (message: string) => void = () => undefined,
): IgnoreMatcher {
  const matchers: Array<{ absolute: boolean; test: (p: string) => boolean }> = [];
  for (const pattern of patterns) {
    if (typeof pattern !== 'string' || pattern.trim() === '') {
      warn(`Ignoring exclude pattern ${JSON.stringify(pattern)}: expected a non-empty glob string.`);
      continue;
    }
    const wildcards = pattern.match(/\*+|\?/g)?.length ?? 0;
    if (pattern.length > MAX_PATTERN_LENGTH || wildcards > MAX_WILDCARDS) {
      warn(
        `Ignoring exclude pattern "${pattern.slice(0, 60)}…": longer than ${MAX_PATTERN_LENGTH} characters or more than ${MAX_WILDCARDS} wildcards.`,
      );
      continue;
    }
    try {
      const normalised = pattern.replace(/\\/g, '/').replace(/\/+$/, '');
      matchers.push({ absolute: path.isAbsolute(pattern), test: picomatch(normalised, { dot: true }) });
    } catch (error) {
      warn(`Ignoring exclude pattern "${pattern}": ${(error as Error).message}`);
    }
  }
  const rootWithSep = root.endsWith(path.sep) ? root : root + path.sep;
  const rootSlashed = rootWithSep.split(path.sep).join('/');
  const matchesRelative = (relative: string) =>
    BUILT_IN_EXCLUDED_SEGMENT.test(relative) ||
    matchers.some((m) => m.test(m.absolute ? rootSlashed + relative : relative));
  return Object.assign(
    (absolutePath: string) =>
      absolutePath.startsWith(rootWithSep) &&
      matchesRelative(absolutePath.slice(rootWithSep.length).split(path.sep).join('/')),
    { relative: matchesRelative },
  );
}

/** `files.watcherExclude` is an object of glob → boolean; the enabled globs. */
export function enabledGlobs(setting: unknown): string[] {
  if (setting === null || typeof setting !== 'object' || Array.isArray(setting)) return [];
  return Object.entries(setting as Record<string, unknown>)
    .filter(([, enabled]) => enabled === true)
    .map(([glob]) => glob);
}
