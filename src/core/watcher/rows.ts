import { hash } from 'node:crypto';
import { literal } from '../bulk.js';

export type FileEventType = 'add' | 'change' | 'unlink' | 'scan';

/** One `filesystem_timestamps` row as the capture produces it; `captured_at` is set by the database. */
export interface CaptureRow {
  id: string;
  projectId: string;
  /** Relative to the captured folder, `/`-separated. */
  filePath: string;
  eventType: FileEventType;
  /** DATETIME(6) strings in UTC (`YYYY-MM-DD HH:MM:SS.ffffff`). */
  atime: string;
  mtime: string;
  ctime: string;
  sizeBytes: number | null;
  gitCommitSha: string | null;
}

/**
 * A deterministic id in UUID form (version 8, RFC 9562): the same observation — project, path,
 * event and the file's mtime/ctime in nanoseconds — always gets the same id, so replaying a spool
 * or capturing an unchanged file twice inserts nothing new.
 */
export function captureRowId(
  projectId: string,
  filePath: string,
  eventType: FileEventType,
  mtimeNs: bigint,
  ctimeNs: bigint,
): string {
  // One-shot hash(): a third of createHash()'s cost, and this runs once per captured file.
  const hex = hash('sha256', `${projectId}\0${filePath}\0${eventType}\0${mtimeNs}\0${ctimeNs}`, 'hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The spool's line format: a JSON array in column order (compact, and a torn line fails to parse). */
export function encodeRow(row: CaptureRow): string {
  return JSON.stringify([
    row.id,
    row.projectId,
    row.filePath,
    row.eventType,
    row.atime,
    row.mtime,
    row.ctime,
    row.sizeBytes,
    row.gitCommitSha,
  ]);
}

const EVENT_TYPES: ReadonlySet<string> = new Set(['add', 'change', 'unlink', 'scan']);
const DATETIME6 = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/;

/** Parses one spool line; undefined for a torn or corrupt line. */
export function decodeRow(line: string): CaptureRow | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 9) return undefined;
  const [id, projectId, filePath, eventType, atime, mtime, ctime, sizeBytes, gitCommitSha] = value as unknown[];
  const isString = (v: unknown): v is string => typeof v === 'string';
  if (!isString(id) || !isString(projectId) || !isString(filePath)) return undefined;
  if (!isString(eventType) || !EVENT_TYPES.has(eventType)) return undefined;
  if (![atime, mtime, ctime].every((t) => isString(t) && DATETIME6.test(t))) return undefined;
  if (sizeBytes !== null && typeof sizeBytes !== 'number') return undefined;
  if (gitCommitSha !== null && !isString(gitCommitSha)) return undefined;
  return {
    id,
    projectId,
    filePath,
    eventType: eventType as FileEventType,
    atime: atime as string,
    mtime: mtime as string,
    ctime: ctime as string,
    sizeBytes,
    gitCommitSha,
  };
}

export const INSERT_COLUMNS =
  '(id, project_id, file_path, event_type, atime, mtime, ctime, size_bytes, git_commit_sha)';

/**
 * One multi-row INSERT IGNORE as SQL text, literals escaped by bulk.ts (mysql2's placeholder
 * formatting cost the watcher ~20 µs of CPU per row, more than everything else it does per file
 * but the lstat). A row whose id exists already is skipped, and affectedRows counts only the rows
 * inserted (mysql2's CLIENT_FOUND_ROWS makes `ON DUPLICATE KEY UPDATE` count skipped rows as
 * well). IGNORE would also turn bad values into warnings, but every value here is produced or
 * validated by this module (decodeRow), and file paths stay far below TEXT's 64 KB.
 */
export function insertStatement(rows: readonly CaptureRow[]): string {
  const tuples = rows.map(
    (r) =>
      `(${literal(r.id)}, ${literal(r.projectId)}, ${literal(r.filePath)}, ${literal(r.eventType)}, ${literal(r.atime)}, ${literal(r.mtime)}, ${literal(r.ctime)}, ${literal(r.sizeBytes)}, ${literal(r.gitCommitSha)})`,
  );
  return `INSERT IGNORE INTO filesystem_timestamps ${INSERT_COLUMNS} VALUES ${tuples.join(', ')}`;
}
