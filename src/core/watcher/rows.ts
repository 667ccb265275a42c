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

/**
 * A row as the SQL tuple of the writer's INSERT, on one line. With a comma after it, it is also a
 * line of the spool: a run of spool lines is a statement's VALUES list as it is (newlines are
 * whitespace to SQL), so each row is encoded once, and rows wait in that form.
 */
export function captureTuple(row: CaptureRow): string {
  return `(${literal(row.id)}, ${literal(row.projectId)}, ${literal(row.filePath)}, ${literal(row.eventType)}, ${literal(row.atime)}, ${literal(row.mtime)}, ${literal(row.ctime)}, ${literal(row.sizeBytes)}, ${literal(row.gitCommitSha)})`;
}

const STRING = String.raw`'(?:[^'\\\n\r]|\\.)*'`;
const TIME = String.raw`'\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}'`;
/** Exactly what captureTuple() writes: a spool line that does not match is torn or corrupt and never reaches SQL. */
const TUPLE = new RegExp(
  String.raw`^\('[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}', ${STRING}, ${STRING}, '(?:add|change|unlink|scan)', ${TIME}, ${TIME}, ${TIME}, (?:\d+|NULL), (?:'[0-9a-f]{40}'|NULL)\)$`,
);

/**
 * The tuple of one spool line (`tuple,`); undefined for a torn or corrupt line. Lines of spools
 * written by 0.1 (a JSON array in column order) are converted, so an upgrade replays them too.
 */
export function spoolLineTuple(line: string): string | undefined {
  if (line.startsWith('(')) {
    const tuple = line.slice(0, -1);
    return line.endsWith(',') && TUPLE.test(tuple) ? tuple : undefined;
  }
  const row = decodeJsonRow(line);
  return row && captureTuple(row);
}

function decodeJsonRow(line: string): CaptureRow | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 9) return undefined;
  const [id, projectId, filePath, eventType, atime, mtime, ctime, sizeBytes, gitCommitSha] = value as unknown[];
  const strings = [id, projectId, filePath, eventType, atime, mtime, ctime];
  if (!strings.every((v) => typeof v === 'string')) return undefined;
  if (sizeBytes !== null && !Number.isSafeInteger(sizeBytes)) return undefined;
  if (gitCommitSha !== null && typeof gitCommitSha !== 'string') return undefined;
  const row = {
    id,
    projectId,
    filePath,
    eventType,
    atime,
    mtime,
    ctime,
    sizeBytes,
    gitCommitSha,
  } as CaptureRow;
  // Its tuple passes the same check as a line written as a tuple (event type, times, id and SHA shapes).
  return TUPLE.test(captureTuple(row)) ? row : undefined;
}

export const INSERT_COLUMNS =
  '(id, project_id, file_path, event_type, atime, mtime, ctime, size_bytes, git_commit_sha)';

/**
 * One multi-row INSERT IGNORE as SQL text; `values` is captureTuple()s separated by commas (a run
 * of spool lines). mysql2's placeholder formatting cost the watcher ~20 µs of CPU per row, more
 * than everything else it does per file but the lstat. A row whose id exists already is skipped,
 * and affectedRows counts only the rows inserted (mysql2's CLIENT_FOUND_ROWS makes `ON DUPLICATE
 * KEY UPDATE` count skipped rows as well). IGNORE would also turn bad values into warnings, but
 * every value here is produced or checked by this module (spoolLineTuple), and file paths stay
 * far below TEXT's 64 KB.
 */
export function insertStatement(values: string): string {
  return `INSERT IGNORE INTO filesystem_timestamps ${INSERT_COLUMNS} VALUES ${values}`;
}
