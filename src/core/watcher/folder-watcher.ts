import { watch, type BigIntStats, type FSWatcher } from 'node:fs';
import path from 'node:path';
import {
  absolutePath,
  lstatAll,
  observe,
  observeFile,
  rowsFrom,
  walkFiles,
  type CaptureTarget,
  type Observation,
} from './capture.js';
import type { IgnoreMatcher } from './ignore.js';
import type { CaptureRow, FileEventType } from './rows.js';

export interface FolderWatcherOptions extends CaptureTarget {
  isIgnored: IgnoreMatcher;
  /** Quiet time after a path's last event before it is captured (bursts collapse into one row). */
  coalesceMs?: number;
  /** A path that keeps changing is still captured at least this often. */
  maxWaitMs?: number;
  /**
   * Paths captured per batch (one stat round, one SHA lookup, one spool append). Small enough that
   * a batch's rows and their strings die young: at 2,000 a batch outlived two young-generation
   * collections and its rows were promoted (the heap grew ~20 MB more per 100,000 files).
   */
  maxBatchPaths?: number;
  /**
   * After a burst of this many events the whole folder is rescanned once it is quiet: a burst that
   * size may have overflowed the kernel's event queue (inotify holds 16,384 by default, and libuv
   * drops the overflow notice), so the rescan finds what was never reported.
   */
  rescanAfterEvents?: number;
  /** Quiet time after such a burst before the rescan starts (once its rows are committed). */
  rescanQuietMs?: number;
  log?: { info(message: string): void; warn(message: string): void };
}

export interface WatcherStats {
  /** File events reported by the operating system. */
  events: number;
  batches: number;
  rows: number;
  /** Whole-folder rescans run (after bursts and watcher errors). */
  rescans: number;
  /** Paths whose change a rescan found (events that were never reported, or not yet processed). */
  rescued: number;
}

/** What the watcher last recorded of a file; any change of content, times, mode or inode changes it. */
export type Fingerprint = string;

/**
 * Strings the watcher keeps (one fingerprint and one path per file) are joined into one flat
 * string: a template literal or `+` makes a ConsString, a node holding its parts, which made
 * `known` three times its size (measured: 35 MB instead of 13 MB for 100,000 files).
 */
const flatJoin = (parts: ReadonlyArray<string | bigint>, separator: string) => parts.join(separator);

export function fingerprint(stats: BigIntStats | undefined): Fingerprint | undefined {
  if (!stats || stats.isDirectory()) return undefined;
  return flatJoin([stats.ino, stats.ctimeNs, stats.mtimeNs, stats.size], ':');
}

/**
 * The event to record for a path, from what was last recorded of it and what is there now: a file
 * never recorded is an `add` (however often it changed since), a recorded one that differs is a
 * `change` (also when it was deleted and recreated in between), a recorded one that is gone an
 * `unlink`; nothing when the file is as recorded (the change is recorded already) or came and went.
 */
export function classify(
  recorded: Fingerprint | undefined,
  current: Fingerprint | undefined,
): Exclude<FileEventType, 'scan'> | undefined {
  if (current === undefined) return recorded === undefined ? undefined : 'unlink';
  if (recorded === undefined) return 'add';
  return recorded === current ? undefined : 'change';
}

/**
 * The shortest pause between two capture rounds while paths are pending: a round runs when the
 * next path is due (not a whole coalescing window after the last round, which delayed a burst's
 * last rows by up to that window), but a burst's rounds stay batches.
 */
const MIN_ROUND_GAP_MS = 10;

interface Pending {
  first: number;
  last: number;
}

/**
 * Watches one folder and captures every file change into the writer.
 *
 * Each directory has one `fs.watch` (one inotify watch on Linux), which reports its children by
 * name; files are never watched themselves. chokidar, used before, watched every file (exhausting
 * inotify's queue and ~7.5 KB per file) and re-read and re-statted a whole directory on each of its
 * events, which cost four times the capture itself. Excluded trees are never read nor watched.
 * What each path's event is (add, change, unlink; a rename is unlink + add) is decided when it is
 * captured, by comparing an lstat with what was last recorded of it (`known`), so bursts per path
 * coalesce and a path is recorded once per real change however many events or rescans reported it.
 * Directories that appear or vanish, watch errors, and large bursts (which may have overflowed the
 * kernel's event queue) are reconciled by rescanning: every file whose lstat differs from `known`
 * is captured, and new directories are watched.
 */
export class FolderWatcher {
  private readonly pending = new Map<string, Pending>();
  /** Relative path → fingerprint of the file as last recorded (or as found when the watch started). */
  private readonly known = new Map<string, Fingerprint>();
  /** Directories to reconcile ('' is the whole folder). */
  private readonly dirty = new Set<string>();
  /** Relative directory ('' is the root) → its watch. */
  private readonly directories = new Map<string, FSWatcher>();
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  private processing: Promise<void> | undefined;
  private started = false;
  private closed = false;
  private inotifyWarned = false;
  private eventsSinceRescan = 0;
  private lastEventAt = 0;
  readonly stats: WatcherStats = { events: 0, batches: 0, rows: 0, rescans: 0, rescued: 0 };
  private readonly coalesceMs: number;
  private readonly maxWaitMs: number;
  private readonly maxBatchPaths: number;
  private readonly rescanAfterEvents: number;
  private readonly rescanQuietMs: number;

  private constructor(private readonly options: FolderWatcherOptions) {
    this.coalesceMs = options.coalesceMs ?? 100;
    this.maxWaitMs = options.maxWaitMs ?? 1000;
    this.maxBatchPaths = options.maxBatchPaths ?? 500;
    this.rescanAfterEvents = options.rescanAfterEvents ?? 4096;
    this.rescanQuietMs = options.rescanQuietMs ?? 500;
  }

  /**
   * Resolves once the folder is watched and its files' current state and commit SHAs are known;
   * changes from then on are captured (events that arrive while the state is read, after it).
   */
  static async start(options: FolderWatcherOptions): Promise<FolderWatcher> {
    const folderWatcher = new FolderWatcher(options);
    await folderWatcher.readState('', (relative, print) => folderWatcher.known.set(relative, print));
    // The SHA map (one git log over the history) is built now, not on the first event after start.
    await options.git.shasFor([]);
    folderWatcher.started = true;
    folderWatcher.schedule(0);
    return folderWatcher;
  }

  /** Stops watching and captures what is still pending. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watcher of this.directories.values()) watcher.close();
    this.directories.clear();
    clearTimeout(this.timer);
    await this.processing;
    if (this.started) await this.process(true);
  }

  /** Watches a directory (before it is read, so nothing created meanwhile goes unseen). */
  private watchDirectory(relative: string): void {
    if (this.closed || this.directories.has(relative)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(absolutePath(this.options.root, relative), { persistent: true }, (_event, name) =>
        this.onRaw(relative, name),
      );
    } catch (error) {
      // Gone already (its parent's rescan records that), or out of watches (warned).
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.reportError(error as NodeJS.ErrnoException);
      return;
    }
    watcher.on('error', (error: NodeJS.ErrnoException) => {
      this.unwatch(relative);
      if (error.code !== 'ENOENT' && error.code !== 'EPERM') this.reportError(error);
      this.markDirty(relative);
    });
    this.directories.set(relative, watcher);
  }

  private unwatch(relative: string): void {
    this.directories.get(relative)?.close();
    this.directories.delete(relative);
  }

  private relative(absolute: string): string {
    return path.relative(this.options.root, absolute).split(path.sep).join('/');
  }

  /** A directory's watch saw `name` (a file or subdirectory) change; without a name, the whole directory. */
  private onRaw(directory: string, name: string | Buffer | null): void {
    if (this.closed) return;
    const now = Date.now();
    this.stats.events++;
    this.eventsSinceRescan++;
    this.lastEventAt = now;
    if (!name) {
      this.markDirty(directory);
      return;
    }
    const relative = directory === '' ? String(name) : flatJoin([directory, String(name)], '/');
    if (this.options.isIgnored.relative(relative)) return;
    const entry = this.pending.get(relative);
    if (entry) entry.last = now;
    else this.pending.set(relative, { first: now, last: now });
    this.schedule(this.coalesceMs);
  }

  private markDirty(relativeDir: string): void {
    if (this.closed) return;
    this.dirty.add(relativeDir);
    this.schedule(this.coalesceMs);
  }

  /** Runs process() after `delayMs`, or sooner if it is already due sooner. */
  private schedule(delayMs: number): void {
    if (this.processing || this.closed || !this.started) return;
    const due = Date.now() + delayMs;
    if (this.timer && this.timerDue <= due) return;
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.processing = this.process(false)
        .catch((error: Error) => this.options.log?.warn(`File capture failed: ${error.message}`))
        .finally(() => {
          this.processing = undefined;
          if (this.dirty.size > 0) this.schedule(this.coalesceMs);
          if (this.pending.size > 0) this.schedule(Math.max(this.nextDueIn(), MIN_ROUND_GAP_MS));
          else if (this.eventsSinceRescan >= this.rescanAfterEvents) this.schedule(this.rescanQuietMs);
        });
    }, delayMs);
  }

  /** Milliseconds until the first pending path is due: coalesceMs after its last event, or maxWaitMs after its first. */
  private nextDueIn(): number {
    let due = Number.POSITIVE_INFINITY;
    for (const { first, last } of this.pending.values()) {
      due = Math.min(due, last + this.coalesceMs, first + this.maxWaitMs);
    }
    return due - Date.now();
  }

  /**
   * Reconciles dirty directories, then captures every path that has been quiet for coalesceMs (or
   * waited maxWaitMs); all of them when `everything`. Starts the rescan after a large burst.
   */
  private async process(everything: boolean): Promise<void> {
    let writing: Promise<void> | undefined;
    for (;;) {
      const now = Date.now();
      if (
        !everything &&
        this.eventsSinceRescan >= this.rescanAfterEvents &&
        this.pending.size === 0 &&
        now - this.lastEventAt >= this.rescanQuietMs &&
        this.writerSettled()
      ) {
        this.eventsSinceRescan = 0;
        this.stats.rescans++;
        this.dirty.add('');
      }
      if (this.dirty.size > 0) await this.reconcile();
      const due: string[] = [];
      for (const [relative, entry] of this.pending) {
        if (everything || now - entry.last >= this.coalesceMs || now - entry.first >= this.maxWaitMs) {
          due.push(relative);
          this.pending.delete(relative);
          if (due.length >= this.maxBatchPaths) break;
        }
      }
      if (due.length === 0) break;
      // The writer encodes the rows at once (nothing here keeps them) and appends them after the
      // previous batch; the next batch is lstatted while this one is spooled, not further ahead.
      const previous = writing;
      writing = this.write(await this.capture(due));
      writing.catch(() => undefined); // awaited (and so reported) by the next round or after the loop
      await previous;
    }
    await writing;
    // Nothing more is coming for now: the writer need not wait for a fuller statement.
    if (this.pending.size === 0) this.options.writer.sendNow();
  }

  private write(rows: CaptureRow[]): Promise<void> {
    const count = rows.length;
    return this.options.writer.write(rows).then(() => {
      this.stats.batches++;
      this.stats.rows += count;
    });
  }

  /** The burst's rows are committed (or the database is down): a rescan now does not slow their inserts. */
  private writerSettled(): boolean {
    const { writer } = this.options;
    return writer.databaseDown || writer.statistics.pending === 0;
  }

  /** lstat each path, classify it against `known`; the rows of what changed. */
  private async capture(paths: readonly string[]): Promise<CaptureRow[]> {
    const { root } = this.options;
    const stats = await lstatAll(paths.map((relative) => absolutePath(root, relative)));
    const observed: Observation[] = [];
    for (let i = 0; i < paths.length; i++) {
      const relative = paths[i]!;
      // A directory that appeared is watched and read; one that vanished takes its files along.
      const isDirectory = stats[i]?.isDirectory() ?? false;
      if (isDirectory !== this.directories.has(relative)) this.markDirty(relative);
      const print = fingerprint(stats[i]);
      const type = classify(this.known.get(relative), print);
      if (!type) continue;
      if (print === undefined) this.known.delete(relative);
      else this.known.set(relative, print);
      const event = { path: relative, type };
      const observation = type === 'unlink' ? await observe(root, event, undefined) : observeFile(event, stats[i]);
      if (observation) observed.push(observation);
    }
    return rowsFrom(this.options, observed);
  }

  /**
   * Compares the dirty directories' files (recursively) with `known`: a file that differs, is new,
   * or is known but gone goes to `pending`, where it is classified and captured like any event.
   */
  private async reconcile(): Promise<void> {
    const dirty = new Set(this.dirty);
    this.dirty.clear();
    /** Whether `relative` is a dirty directory or inside one (other than itself when `proper`). */
    const covered = (relative: string, proper: boolean) => {
      if (dirty.has('') && relative !== '') return true;
      if (!proper && dirty.has(relative)) return true;
      for (let i = relative.indexOf('/'); i !== -1; i = relative.indexOf('/', i + 1)) {
        if (dirty.has(relative.slice(0, i))) return true;
      }
      return false;
    };
    // A directory inside another dirty one is covered by that one's walk.
    const roots = [...dirty].filter((dir) => !covered(dir, true));
    const seen = new Set<string>();
    const visited = new Set<string>();
    const found = (relative: string) => {
      if (this.pending.has(relative)) return;
      const now = Date.now();
      this.pending.set(relative, { first: now, last: now - this.coalesceMs });
      this.stats.rescued++;
    };
    for (const dir of roots) {
      await this.readState(
        dir,
        (relative, print) => {
          seen.add(relative);
          if (this.known.get(relative) !== print) found(relative);
        },
        visited,
      );
    }
    for (const directory of [...this.directories.keys()]) {
      if (!visited.has(directory) && covered(directory, false)) this.unwatch(directory);
    }
    for (const relative of this.known.keys()) if (!seen.has(relative) && covered(relative, false)) found(relative);
  }

  /**
   * Walks `dir` (relative; '' is the root) without entering excluded trees, watching each directory
   * before reading it (and adding it to `visited`), and lstats every file.
   */
  private async readState(
    dir: string,
    each: (relative: string, print: Fingerprint) => void,
    visited?: Set<string>,
  ): Promise<void> {
    const { root, isIgnored } = this.options;
    const base = absolutePath(root, dir);
    if (dir !== '' && isIgnored(base)) return;
    const onDirectory = (absolute: string) => {
      const relative = this.relative(absolute);
      visited?.add(relative);
      this.watchDirectory(relative);
    };
    for await (const batch of walkFiles(base, isIgnored, 1000, undefined, onDirectory)) {
      const relatives = dir === '' ? batch : batch.map((p) => flatJoin([dir, p], '/'));
      const stats = await lstatAll(relatives.map((relative) => absolutePath(root, relative)));
      const prints = stats.map(fingerprint);
      relatives.forEach((relative, i) => {
        const print = prints[i];
        if (print !== undefined) each(relative, print);
      });
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
