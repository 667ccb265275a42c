import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { captureRows, type CaptureTarget } from './capture.js';
import type { IgnoreMatcher } from './ignore.js';
import type { FileEventType } from './rows.js';

export interface FolderWatcherOptions extends CaptureTarget {
  isIgnored: IgnoreMatcher;
  /** Quiet time after a path's last event before it is captured (bursts collapse into one row). */
  coalesceMs?: number;
  /** A path that keeps changing is still captured at least this often. */
  maxWaitMs?: number;
  /** Paths captured per batch (one stat round, one SHA lookup, one spool append). */
  maxBatchPaths?: number;
  log?: { info(message: string): void; warn(message: string): void };
}

interface Pending {
  type: FileEventType;
  first: number;
  last: number;
}

export interface WatcherStats {
  events: number;
  batches: number;
  rows: number;
}

/**
 * Merges a path's events within the coalescing window. `add` then `change` is still an add;
 * `unlink` then `add` is the file replaced in place (a change); anything ending in `unlink` is one.
 */
export function coalesce(previous: FileEventType | undefined, next: FileEventType): FileEventType {
  if (previous === 'add' && next === 'change') return 'add';
  if (previous === 'unlink' && next === 'add') return 'change';
  return next;
}

/**
 * Watches one folder with chokidar and captures every file event into the writer: excluded trees
 * are never read (chokidar's `ignored` is consulted before it descends), a rename arrives as
 * unlink + add, and bursts per path are coalesced.
 */
export class FolderWatcher {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private processing: Promise<void> | undefined;
  private closed = false;
  private inotifyWarned = false;
  readonly stats: WatcherStats = { events: 0, batches: 0, rows: 0 };
  private readonly coalesceMs: number;
  private readonly maxWaitMs: number;
  private readonly maxBatchPaths: number;

  private constructor(
    private readonly options: FolderWatcherOptions,
    private readonly watcher: FSWatcher,
  ) {
    this.coalesceMs = options.coalesceMs ?? 100;
    this.maxWaitMs = options.maxWaitMs ?? 1000;
    this.maxBatchPaths = options.maxBatchPaths ?? 2000;
  }

  /** Resolves once chokidar has read the folder (events from then on are captured). */
  static async start(options: FolderWatcherOptions): Promise<FolderWatcher> {
    const watcher = watch(options.root, {
      ignored: (candidate: string) => options.isIgnored(path.resolve(candidate)),
      ignoreInitial: true,
      followSymlinks: false,
      persistent: true,
    });
    const folderWatcher = new FolderWatcher(options, watcher);
    watcher.on('add', (p) => folderWatcher.record(p, 'add'));
    watcher.on('change', (p) => folderWatcher.record(p, 'change'));
    watcher.on('unlink', (p) => folderWatcher.record(p, 'unlink'));
    watcher.on('error', (error) => folderWatcher.reportError(error as NodeJS.ErrnoException));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    return folderWatcher;
  }

  /** Stops watching and captures what is still pending. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.watcher.close();
    clearTimeout(this.timer);
    await this.processing;
    await this.process(true);
  }

  private record(absolute: string, type: FileEventType): void {
    if (this.closed) return;
    this.stats.events++;
    const relative = path.relative(this.options.root, absolute).split(path.sep).join('/');
    const now = Date.now();
    const previous = this.pending.get(relative);
    if (previous) {
      previous.type = coalesce(previous.type, type);
      previous.last = now;
    } else {
      this.pending.set(relative, { type, first: now, last: now });
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.processing || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.processing = this.process(false)
        .catch((error: Error) => this.options.log?.warn(`File capture failed: ${error.message}`))
        .finally(() => {
          this.processing = undefined;
          if (this.pending.size > 0) this.schedule();
        });
    }, this.coalesceMs);
  }

  /** Captures every path that has been quiet for coalesceMs (or waited maxWaitMs); all of them when `everything`. */
  private async process(everything: boolean): Promise<void> {
    for (;;) {
      const now = Date.now();
      const due: Array<{ path: string; type: FileEventType }> = [];
      for (const [relative, entry] of this.pending) {
        if (everything || now - entry.last >= this.coalesceMs || now - entry.first >= this.maxWaitMs) {
          due.push({ path: relative, type: entry.type });
          this.pending.delete(relative);
          if (due.length >= this.maxBatchPaths) break;
        }
      }
      if (due.length === 0) return;
      const rows = await captureRows(this.options, due);
      await this.options.writer.write(rows);
      this.stats.batches++;
      this.stats.rows += rows.length;
    }
  }

  private reportError(error: NodeJS.ErrnoException): void {
    if (error.code === 'ENOSPC' || error.code === 'EMFILE') {
      if (this.inotifyWarned) return;
      this.inotifyWarned = true;
      this.options.log?.warn(
        `The file watcher ran out of ${error.code === 'ENOSPC' ? 'inotify watches (fs.inotify.max_user_watches)' : 'file handles'} in ${this.options.root}: some changes are not seen. Exclude large folders with cockpit.watcher.exclude, or raise the limit.`,
      );
      return;
    }
    this.options.log?.warn(`File watcher error in ${this.options.root}: ${error.message}`);
  }
}
