import { existsSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

export interface LogWatcherOptions {
  dirs: string[];
  /** Imports the given files (only their new lines); called one batch at a time, never concurrently. */
  importFiles: (files: string[]) => Promise<void>;
  /** Collects change events for this long before importing (agents append many lines per second). */
  debounceMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Watches log directories recursively (fs.watch: inotify/FSEvents/ReadDirectoryChangesW, no polling)
 * and imports the `.jsonl` files that changed. Directories that do not exist yet are skipped; call
 * `start()` again later to pick them up.
 */
export class LogWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private disposed = false;

  constructor(private readonly options: LogWatcherOptions) {}

  /** Starts watching every directory that exists and is not watched yet. Returns how many are watched. */
  start(): number {
    for (const dir of this.options.dirs) {
      if (this.watchers.has(dir) || !existsSync(dir)) continue;
      try {
        const watcher = watch(dir, { recursive: true, persistent: false }, (_event, name) => {
          if (name && String(name).endsWith('.jsonl')) this.changed(path.join(dir, String(name)));
        });
        watcher.on('error', (error) => {
          this.watchers.delete(dir);
          watcher.close();
          this.options.onError?.(error);
        });
        this.watchers.set(dir, watcher);
      } catch (error) {
        this.options.onError?.(error);
      }
    }
    return this.watchers.size;
  }

  private changed(file: string): void {
    if (this.disposed) return;
    this.pending.add(file);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.options.debounceMs ?? 300);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    // One import at a time: what arrives meanwhile is imported right after the current batch.
    if (this.running || this.disposed) return;
    const files = [...this.pending].filter((f) => existsSync(f)).sort();
    this.pending.clear();
    if (files.length === 0) return;
    this.running = this.options.importFiles(files).catch((error: unknown) => this.options.onError?.(error));
    await this.running;
    this.running = undefined;
    if (this.pending.size > 0 && !this.timer && !this.disposed) this.timer = setTimeout(() => void this.flush(), 0);
  }

  /** Resolves when no import is running or scheduled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.timer) {
      await (this.running ?? new Promise((resolve) => setTimeout(resolve, 20)));
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}
