import { hostname } from 'node:os';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../../db/connection.js';
import type { Pricing } from '../pricing.js';
import { insertTokenUsageRows, prepareTokenUsage, type TokenUsageRow } from '../record.js';
import { readLines } from './lines.js';
import {
  loadOffsets,
  mtimeFromNs,
  pathHash,
  resumePoint,
  saveOffset,
  type FileIdentity,
  type StoredOffset,
} from './offsets.js';

/** One usage event found in a log line. */
export interface ParsedUsage {
  eventKey: string;
  /** ISO 8601 as the log wrote it. */
  timestamp: string;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** The directory the agent ran in: mapped to a project by the caller's resolver. */
  cwd?: string;
  gitBranch?: string;
}

export type LineOutcome =
  | { kind: 'usage'; usage: ParsedUsage }
  /** A line that is valid but carries no billable event (user messages, tool output, …). */
  | { kind: 'ignore' }
  /** A billable-looking event deliberately not recorded (e.g. Claude Code's `<synthetic>` model). */
  | { kind: 'skip'; reason: string }
  | { kind: 'malformed'; reason: string };

export interface LineParser {
  parse(text: string): LineOutcome;
  /** Serialisable state needed to resume after the last parsed line (null for stateless formats). */
  state(): string | null;
}

export interface LogFormat {
  /** token_usage.source and the offsets' source: 'claude-code', 'codex'. */
  source: string;
  createParser(savedState: string | null, filePath: string): LineParser;
}

/** Maps a log's working directory to a project id; undefined = not one of ours (not imported). */
export type ProjectResolver = (cwd: string | undefined) => string | undefined | Promise<string | undefined>;

export interface ImportOptions {
  db: Db;
  pricing: Pricing;
  resolveProject: ProjectResolver;
  /** Ignore stored offsets and read every file from the start (duplicates are skipped by id). */
  rescan?: boolean;
  host?: string;
  batchSize?: number;
  maxLineBytes?: number;
  /** Called after each batch is stored (progress, status-bar refresh). */
  onBatch?: (progress: ImportReport) => void;
  signal?: AbortSignal;
}

export interface ImportReport {
  files: number;
  /** Files that had new bytes. */
  filesRead: number;
  /** Files truncated, replaced or rewritten since the last import: read again from the start. */
  filesRestarted: number;
  imported: number;
  duplicates: number;
  malformed: number;
  /** Events deliberately not recorded (synthetic model, no model), by reason. */
  skipped: Record<string, number>;
  /** Events whose working directory maps to no project. */
  unassigned: number;
  bytesRead: number;
  /** The first few malformed lines: file, byte offset and why (never the line's content). */
  malformedSamples: Array<{ file: string; offset: number; reason: string }>;
  /** Files that could not be read (permissions, vanished), with the reason. */
  errors: Array<{ file: string; message: string }>;
}

export const emptyReport = (): ImportReport => ({
  files: 0,
  filesRead: 0,
  filesRestarted: 0,
  imported: 0,
  duplicates: 0,
  malformed: 0,
  skipped: {},
  unassigned: 0,
  bytesRead: 0,
  malformedSamples: [],
  errors: [],
});

const MAX_SAMPLES = 10;

/** Every `*.jsonl` file under the given directories (missing directories are skipped). */
export async function findLogFiles(roots: string[]): Promise<string[]> {
  const files: string[] = [];
  const visit = async (dir: string) => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await visit(full);
      else if (entry.isFile() && entry.name.endsWith('.jsonl')) files.push(full);
    }
  };
  for (const root of [...new Set(roots.map((r) => path.resolve(r)))]) await visit(root);
  return files.sort();
}

/** Imports the new lines of each file, remembering per file how far it got. */
export async function importFiles(format: LogFormat, files: string[], options: ImportOptions): Promise<ImportReport> {
  const report = emptyReport();
  const projects = new Map<string, string | undefined>();
  const resolve = async (cwd: string | undefined) => {
    const key = cwd ?? '';
    if (!projects.has(key)) projects.set(key, await options.resolveProject(cwd));
    return projects.get(key);
  };
  const host = options.host ?? hostname();
  const offsets = await loadOffsets(options.db, format.source, host);
  for (const file of files) {
    if (options.signal?.aborted) break;
    report.files++;
    try {
      await importFile(format, file, { ...options, host }, offsets.get(pathHash(file)), report, resolve);
    } catch (error) {
      // Only file-system failures of this file are reported and skipped; database errors stop the import.
      if ((error as NodeJS.ErrnoException).path !== file) throw error;
      report.errors.push({ file, message: (error as Error).message });
    }
  }
  return report;
}

async function importFile(
  format: LogFormat,
  file: string,
  options: ImportOptions & { host: string },
  stored: StoredOffset | undefined,
  report: ImportReport,
  resolve: (cwd: string | undefined) => Promise<string | undefined>,
): Promise<void> {
  const info = await stat(file, { bigint: true });
  const identity: FileIdentity = {
    size: Number(info.size),
    inode: info.ino.toString(),
    mtime: mtimeFromNs(info.mtimeNs),
  };
  const key = { source: format.source, host: options.host, filePath: file };
  // Unchanged since the last import (same file, same size): nothing to open.
  if (!options.rescan && stored?.inode === identity.inode && stored.byteOffset === identity.size) return;
  const resume = options.rescan
    ? { offset: 0, restarted: false, parserState: null }
    : await resumePoint(file, identity, stored);
  if (resume.restarted) report.filesRestarted++;
  if (stored && !resume.restarted && !options.rescan && resume.offset === identity.size) return;
  report.filesRead++;

  const parser = format.createParser(resume.parserState, file);
  const batchSize = options.batchSize ?? 5000;
  let rows: TokenUsageRow[] = [];
  let end = resume.offset;
  let head: string | undefined;
  // One batch is written while the next is parsed (the database and the parser then use both
  // cores); batches are stored in order and an offset is saved only after its rows are stored.
  let writing: Promise<void> = Promise.resolve();
  const store = async (batch: TokenUsageRow[], offset: number, state: string | null) => {
    if (batch.length > 0) {
      const result = await insertTokenUsageRows(options.db, batch, batchSize);
      report.imported += result.inserted;
      report.duplicates += result.duplicates;
    }
    const size = Math.max(identity.size, offset);
    head = await saveOffset(options.db, key, { ...identity, size }, offset, state, head);
    options.onBatch?.(report);
  };
  const flush = async () => {
    const batch = rows;
    rows = [];
    const [offset, state] = [end, parser.state()];
    await writing;
    writing = store(batch, offset, state);
    // Handled when awaited at the next flush; this only keeps Node from calling it unhandled meanwhile.
    writing.catch(() => undefined);
  };

  for await (const line of readLines(file, resume.offset, { maxLineBytes: options.maxLineBytes })) {
    report.bytesRead += line.end - line.start;
    end = line.end;
    const outcome: LineOutcome =
      'oversized' in line
        ? { kind: 'malformed', reason: 'line longer than the import limit' }
        : parseSafely(parser, line.text);
    switch (outcome.kind) {
      case 'malformed':
        report.malformed++;
        if (report.malformedSamples.length < MAX_SAMPLES) {
          report.malformedSamples.push({ file, offset: line.start, reason: outcome.reason });
        }
        break;
      case 'skip':
        report.skipped[outcome.reason] = (report.skipped[outcome.reason] ?? 0) + 1;
        break;
      case 'usage': {
        const { cwd, ...usage } = outcome.usage;
        const projectId = await resolve(cwd);
        if (projectId === undefined) {
          report.unassigned++;
          break;
        }
        try {
          rows.push(
            prepareTokenUsage({ ...usage, projectId, source: format.source, operationType: 'chat' }, options.pricing),
          );
        } catch (error) {
          report.malformed++;
          if (report.malformedSamples.length < MAX_SAMPLES) {
            report.malformedSamples.push({ file, offset: line.start, reason: (error as Error).message });
          }
        }
        break;
      }
      case 'ignore':
        break;
    }
    if (rows.length >= batchSize) await flush();
    if (options.signal?.aborted) break;
  }
  await flush();
  await writing;
}

function parseSafely(parser: LineParser, text: string): LineOutcome {
  if (text.trim() === '') return { kind: 'ignore' };
  try {
    return parser.parse(text);
  } catch (error) {
    return { kind: 'malformed', reason: error instanceof SyntaxError ? 'invalid JSON' : (error as Error).message };
  }
}
