import { promises as fs, type BigIntStats } from 'node:fs';
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

/** Parallel stats per batch: enough to hide latency, few enough to stay far from EMFILE. */
const STAT_CONCURRENCY = 32;

const toRelative = (root: string, absolute: string) => path.relative(root, absolute).split(path.sep).join('/');

async function mapLimited<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** undefined when the path is gone (or unreadable): nothing about it can be recorded. */
async function lstat(file: string): Promise<BigIntStats | undefined> {
  return fs.lstat(file, { bigint: true }).catch(() => undefined);
}

/**
 * Turns file events into rows: MAC times from `lstat` in nanoseconds (links are recorded, never
 * followed out of the folder), SHAs for the whole batch at once.
 *
 * An `unlink` row has no file to stat: its three times are the parent directory's mtime (the
 * moment the entry was removed), or the capture clock when the directory is gone too.
 * An add/change whose file vanished before it was statted is skipped: its unlink follows.
 */
export async function captureRows(target: CaptureTarget, events: readonly FileEvent[]): Promise<CaptureRow[]> {
  const observed = await mapLimited(events, STAT_CONCURRENCY, async (event) => {
    const absolute = path.join(target.root, ...event.path.split('/'));
    if (event.type === 'unlink') {
      const parent = await lstat(path.dirname(absolute));
      const removedAt = parent?.mtimeNs ?? nowNanos();
      return { event, atimeNs: removedAt, mtimeNs: removedAt, ctimeNs: removedAt, size: null };
    }
    const stats = await lstat(absolute);
    if (!stats || stats.isDirectory()) return undefined;
    return { event, atimeNs: stats.atimeNs, mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs, size: Number(stats.size) };
  });
  const present = observed.filter((o): o is NonNullable<typeof o> => o !== undefined);
  const shas = await target.git.shasFor(present.map((o) => o.event.path));
  return present.map((o) => ({
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

/** Files under `root`, in batches, never entering an excluded directory (so nothing in it is read or statted). */
export async function* walkFiles(
  root: string,
  isIgnored: IgnoreMatcher,
  batchSize: number,
  signal?: AbortSignal,
): AsyncGenerator<string[]> {
  const directories = [root];
  let batch: string[] = [];
  while (directories.length > 0) {
    if (signal?.aborted) return;
    const directory = directories.pop()!;
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
