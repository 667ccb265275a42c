import { promises as fs, lstatSync, type BigIntStats } from 'node:fs';
import path from 'node:path';
import type { GitShaResolver } from './git.js';
import type { IgnoreMatcher } from './ignore.js';
import { captureRowId, type CaptureRow, type FileEventType } from './rows.js';
import { formatNanos, nowNanos } from './time.js';
import type { CaptureWriter } from './writer.js';

/** What a capture needs: the folder, its project, and where SHAs and rows go. */
export interface CaptureTarget {
  root: string;
  projectId: string;
  git: GitShaResolver;
  writer: CaptureWriter;
}

export interface FileEvent {
  /** Relative to the root, `/`-separated. */
  path: string;
  type: FileEventType;
}

const toRelative = (root: string, absolute: string) => path.relative(root, absolute).split(path.sep).join('/');

/**
 * `root` (absolute and normalised, as VS Code and path.resolve give it) + a relative `/`-separated
 * path made of names from readdir and fs.watch, so there is nothing to normalise: path.join's
 * normalising made a tenth of the watcher's garbage.
 */
export function absolutePath(root: string, relative: string): string {
  if (relative === '') return root;
  const native = path.sep === '/' ? relative : relative.replaceAll('/', path.sep);
  return root.endsWith(path.sep) ? root + native : root + path.sep + native;
}

/** lstats between two turns of the event loop: a few milliseconds on a local disk. */
const LSTAT_SLICE = 256;

/**
 * lstat (nanosecond times) of many files; undefined for a path that is gone or unreadable. The
 * calls are synchronous, in slices with the event loop free in between: through the thread pool an
 * lstat costs ~25 µs of CPU, synchronously ~6 µs, and the watcher makes several per change.
 */
export async function lstatAll(files: readonly string[]): Promise<Array<BigIntStats | undefined>> {
  const results = new Array<BigIntStats | undefined>(files.length);
  for (let i = 0; i < files.length; i++) {
    if (i > 0 && i % LSTAT_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    try {
      results[i] = lstatSync(files[i]!, { bigint: true, throwIfNoEntry: false });
    } catch {
      results[i] = undefined;
    }
  }
  return results;
}

/** An event with the file times it is recorded with. */
export interface Observation {
  event: FileEvent;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  size: number | null;
}

/**
 * The times of one event: the file's own (from `stats`, or an lstat now), or for an `unlink`,
 * which has no file to stat, the parent directory's mtime (the moment the entry was removed) or the
 * capture clock when the directory is gone too. undefined when an add/change's file has vanished
 * (its unlink follows) or is a directory.
 */
export async function observe(
  root: string,
  event: FileEvent,
  stats: BigIntStats | undefined,
): Promise<Observation | undefined> {
  if (event.type === 'unlink') {
    const [parent] = await lstatAll([path.dirname(absolutePath(root, event.path))]);
    const removedAt = parent?.mtimeNs ?? nowNanos();
    return { event, atimeNs: removedAt, mtimeNs: removedAt, ctimeNs: removedAt, size: null };
  }
  return observeFile(event, stats);
}

/** observe() for an event of a file that exists (not an `unlink`): no await, no promise per file. */
export function observeFile(event: FileEvent, stats: BigIntStats | undefined): Observation | undefined {
  if (!stats || stats.isDirectory()) return undefined;
  return { event, atimeNs: stats.atimeNs, mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs, size: Number(stats.size) };
}

/** Rows for observations: SHAs for the whole batch at once (no git process unless HEAD moved). */
export async function rowsFrom(target: CaptureTarget, observations: readonly Observation[]): Promise<CaptureRow[]> {
  const shas = await target.git.shasFor(observations.map((o) => o.event.path));
  return observations.map((o) => ({
    id: captureRowId(target.projectId, o.event.path, o.event.type, o.mtimeNs, o.ctimeNs),
    projectId: target.projectId,
    filePath: o.event.path,
    eventType: o.event.type,
    atime: formatNanos(o.atimeNs),
    mtime: formatNanos(o.mtimeNs),
    ctime: formatNanos(o.ctimeNs),
    sizeBytes: o.size,
    gitCommitSha: shas.get(o.event.path) ?? null,
  }));
}

/** Turns file events into rows: MAC times from `lstat` in nanoseconds (links are recorded, never followed). */
export async function captureRows(target: CaptureTarget, events: readonly FileEvent[]): Promise<CaptureRow[]> {
  const stats = await lstatAll(events.map((event) => absolutePath(target.root, event.path)));
  const observed = await Promise.all(events.map((event, i) => observe(target.root, event, stats[i])));
  return rowsFrom(
    target,
    observed.filter((o): o is Observation => o !== undefined),
  );
}

/**
 * Files under `root`, in batches, never entering an excluded directory (so nothing in it is read or
 * statted). `onDirectory` is called with each directory just before it is read.
 */
export async function* walkFiles(
  root: string,
  isIgnored: IgnoreMatcher,
  batchSize: number,
  signal?: AbortSignal,
  onDirectory?: (absolute: string) => void,
): AsyncGenerator<string[]> {
  const directories = [root];
  let batch: string[] = [];
  while (directories.length > 0) {
    if (signal?.aborted) return;
    const directory = directories.pop()!;
    onDirectory?.(directory);
    let entries;
    try {
      entries = await fs.readdir(directory, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM') continue;
      throw error;
    }
    for (const entry of entries) {
      const absolute = path.join(directory, entry.name);
      if (isIgnored(absolute)) continue;
      if (entry.isDirectory()) directories.push(absolute);
      else if (entry.isFile() || entry.isSymbolicLink()) batch.push(toRelative(root, absolute));
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

export interface ScanProgress {
  files: number;
}

export interface ScanResult {
  files: number;
  rows: number;
  cancelled: boolean;
  durationMs: number;
}

/**
 * "Capture now": records every file of the folder once (`scan` rows), the same path for the VS Code
 * command and `cockpit capture`. Rows are durable in the spool when this returns; call
 * `writer.flush()` to wait for the commit.
 */
export async function captureFolder(
  target: CaptureTarget,
  isIgnored: IgnoreMatcher,
  options: { signal?: AbortSignal; onProgress?: (progress: ScanProgress) => void; batchSize?: number } = {},
): Promise<ScanResult> {
  const started = performance.now();
  let files = 0;
  let rows = 0;
  for await (const batch of walkFiles(target.root, isIgnored, options.batchSize ?? 1000, options.signal)) {
    const captured = await captureRows(
      target,
      batch.map((p) => ({ path: p, type: 'scan' as const })),
    );
    await target.writer.write(captured);
    files += batch.length;
    rows += captured.length;
    options.onProgress?.({ files });
    if (options.signal?.aborted) break;
  }
  return { files, rows, cancelled: Boolean(options.signal?.aborted), durationMs: performance.now() - started };
}
