import os from 'node:os';
import path from 'node:path';
import type { Database } from '../../db/connection.js';
import { ensureFolderProject, type FolderMatch } from '../projects.js';
import { captureFolder, type ScanProgress } from './capture.js';
import { GitShaResolver } from './git.js';
import { createIgnoreMatcher } from './ignore.js';
import { CaptureWriter, type WriterLog } from './writer.js';

export { captureFolder, captureRows, walkFiles, type CaptureTarget, type FileEvent } from './capture.js';
export { FolderWatcher, classify, fingerprint, type WatcherStats } from './folder-watcher.js';
export { GitShaResolver, type FileCommit } from './git.js';
export { fileTimeline, renderTimelineMarkdown, ATIME_NOTE, type FileTimeline } from './history.js';
export { createIgnoreMatcher, enabledGlobs } from './ignore.js';
export { CaptureWriter, type Queryable, type WriterStats } from './writer.js';

/** Where `cockpit capture` spools rows by default: $XDG_STATE_HOME/devguide-cockpit/spool. */
export function defaultSpoolDir(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(state, 'devguide-cockpit', 'spool');
}

export interface CaptureReport {
  project: { id: string; name: string; matchedBy: FolderMatch };
  files: number;
  rows: number;
  inserted: number;
  duplicates: number;
  statements: number;
  gitProcesses: number;
  /** Rows left in the spool (not committed within the timeout). */
  pending: number;
  spoolPath: string;
  durationMs: number;
}

/** One full capture of a folder with its own writer (the CLI's `cockpit capture`). */
export async function captureOnce(
  database: Database,
  options: {
    root: string;
    spoolDir?: string;
    exclude?: readonly unknown[];
    signal?: AbortSignal;
    onProgress?: (progress: ScanProgress) => void;
    log?: WriterLog;
    flushTimeoutMs?: number;
  },
): Promise<CaptureReport> {
  const started = performance.now();
  const root = path.resolve(options.root);
  const found = await ensureFolderProject(database.db, root);
  const project = { id: found.project.id, name: found.project.name, matchedBy: found.matchedBy };
  const git = new GitShaResolver({ root, warn: (m) => options.log?.warn(m) });
  const writer = await CaptureWriter.open({
    spoolDir: options.spoolDir ?? defaultSpoolDir(),
    spoolName: `capture-${project.id}`,
    connection: async () => database.pool,
    log: options.log,
  });
  try {
    const isIgnored = createIgnoreMatcher(root, options.exclude ?? [], (m) => options.log?.warn(m));
    const scan = await captureFolder({ root, projectId: project.id, git, writer }, isIgnored, options);
    await writer.flush(options.flushTimeoutMs ?? 60_000).catch((error: Error) => options.log?.warn(error.message));
    const stats = writer.statistics;
    return {
      project,
      files: scan.files,
      rows: scan.rows,
      inserted: stats.inserted,
      duplicates: stats.duplicates,
      statements: stats.statements,
      gitProcesses: git.processes,
      pending: stats.pending,
      spoolPath: writer.spoolPath,
      durationMs: performance.now() - started,
    };
  } finally {
    await writer.close(1000);
  }
}
