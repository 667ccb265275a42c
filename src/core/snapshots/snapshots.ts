/**
 * Layer 5 of the versioning stack: whole-project snapshots, each ONE `version_history` row
 * (resource_type `project`, resource_id = project id, the next version_number), restored in ONE
 * transaction and portable as a JSON file. See document.ts for what a snapshot includes.
 */
import { and, desc, DrizzleQueryError, eq, sql } from 'drizzle-orm';
import type { Database, Db } from '../../db/connection.js';
import { projects, versionHistory } from '../../db/schema/index.js';
import { audited, type Executor } from '../audit.js';
import { CockpitError, invalid, notFound, parseJsonText } from '../errors.js';
import { hostClock } from '../time/clock.js';
import { gitHead, runGit } from '../time/git.js';
import { formatIsoZulu, parseUtcMicros } from '../time/instant.js';
import {
  EXPORT_FORMAT,
  exportFile,
  SNAPSHOT_FORMAT,
  SNAPSHOT_FORMAT_VERSION,
  snapshotDocument,
  type ExportFile,
  type ProjectState,
  type SnapshotDocument,
} from './document.js';
import { diffStates, summarizeDiff, type StateDiff } from './diff.js';
import { readProjectState, writeProjectState } from './state.js';
import type { z } from 'zod';

export const SNAPSHOT_RESOURCE_TYPE = 'project';
/** TiDB refuses a single row (transaction entry) above 6 MB by default (`txn-entry-size-limit`). */
const TIDB_ENTRY_LIMIT_BYTES = 6 * 1024 * 1024;
/** Largest export file `importSnapshot` reads. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

export interface SnapshotInfo {
  id: string;
  projectId: string;
  versionNumber: number;
  description: string | null;
  createdBy: string;
  /** ISO-8601 Zulu with microseconds. */
  createdAt: string;
  gitHead: string | null;
  gitTag: string | null;
  counts: { profiles: number; dashboards: number; modules: number };
}

/** Turns the first zod issues into one CockpitError naming the field path. */
function validationError(prefix: string, error: z.ZodError, root = ''): CockpitError {
  const issues = error.issues.slice(0, 3).map((issue) => {
    const path = [root, ...issue.path.map(String)].filter(Boolean).join('.');
    return { path, text: `${path || '(top level)'}: ${issue.message}` };
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return invalid(`${prefix}: ${issues.map((i) => i.text).join('; ')}${more}`, issues[0]?.path);
}

/**
 * drizzle's query errors quote every bound parameter (API key ciphertext among them): only the
 * driver's own message may reach the user, the log or the audit row.
 */
function withoutParameters(error: unknown): unknown {
  if (!(error instanceof DrizzleQueryError)) return error;
  const cause = error.cause as { code?: string; message?: string } | undefined;
  const message = cause?.message ?? 'a database statement failed';
  if (cause?.code === 'ER_DUP_ENTRY') {
    return new CockpitError('conflict', `A row of the snapshot collides with an existing one: ${message}`);
  }
  return new Error(`Database error: ${message}`);
}

/** Runs a transaction body and strips query parameters from its failure. */
function clean<T>(change: (tx: Executor) => Promise<T>): (tx: Executor) => Promise<T> {
  return async (tx) => {
    try {
      return await change(tx);
    } catch (error) {
      throw withoutParameters(error);
    }
  };
}

function parseDocument(value: unknown, what: string): SnapshotDocument {
  const parsed = snapshotDocument.safeParse(value);
  if (!parsed.success) throw validationError(what, parsed.error);
  return parsed.data;
}

async function nextVersionNumber(tx: Executor, projectId: string): Promise<number> {
  const [row] = await tx
    .select({ max: sql<number | null>`MAX(${versionHistory.versionNumber})` })
    .from(versionHistory)
    .where(and(eq(versionHistory.resourceType, SNAPSHOT_RESOURCE_TYPE), eq(versionHistory.resourceId, projectId)));
  return Number(row?.max ?? 0) + 1;
}

async function insertSnapshotRow(
  tx: Executor,
  database: Pick<Database, 'server'>,
  document: SnapshotDocument,
  description: string | null,
  createdBy: string,
): Promise<{ id: string; versionNumber: number }> {
  const projectId = document.state.project.id;
  const size = Buffer.byteLength(JSON.stringify(document));
  if (database.server.dialect === 'tidb' && size > TIDB_ENTRY_LIMIT_BYTES) {
    throw invalid(
      `The snapshot is ${(size / 1024 / 1024).toFixed(1)} MB; TiDB stores at most 6 MB in one row (txn-entry-size-limit).`,
    );
  }
  const id = crypto.randomUUID();
  // The unique key (resource_type, resource_id, version_number) refuses a concurrent duplicate.
  const versionNumber = await nextVersionNumber(tx, projectId);
  await tx.insert(versionHistory).values({
    id,
    resourceType: SNAPSHOT_RESOURCE_TYPE,
    resourceId: projectId,
    versionNumber,
    snapshot: document,
    changeDescription: description,
    createdBy,
  });
  return { id, versionNumber };
}

function newDocument(state: ProjectState, git: SnapshotDocument['git']): SnapshotDocument {
  return {
    format: SNAPSHOT_FORMAT,
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    takenAt: formatIsoZulu(hostClock().nowMicros()),
    git,
    state,
  };
}

export interface CreateSnapshotOptions {
  projectId: string;
  description?: string | null;
  createdBy: string;
  /** The project's git work tree: HEAD is recorded with the snapshot (omit in untrusted workspaces). */
  cwd?: string;
  /** Also tag HEAD with this name (lightweight tag), e.g. `cockpit-snapshot-7`. */
  gitTag?: string;
}

async function validTagName(cwd: string, tag: string): Promise<void> {
  try {
    await runGit(cwd, ['check-ref-format', `refs/tags/${tag}`]);
  } catch {
    throw invalid(`"${tag.slice(0, 100)}" is not a valid git tag name.`, 'gitTag');
  }
}

/** Stores the project's current state as the next snapshot version. */
export async function createSnapshot(
  database: Pick<Database, 'db' | 'server'>,
  options: CreateSnapshotOptions,
): Promise<SnapshotInfo> {
  const description = options.description?.trim() || null;
  if (description && description.length > 10_000)
    throw invalid('The description is longer than 10,000 characters.', 'description');
  if (options.gitTag !== undefined && !options.cwd) throw invalid('A git tag needs the project folder.', 'gitTag');
  const head = options.cwd ? await gitHead(options.cwd) : null;
  if (options.gitTag !== undefined) {
    await validTagName(options.cwd!, options.gitTag);
    if (!head) throw invalid('Cannot tag: the folder is not a git repository with a commit.', 'gitTag');
  }
  const git = options.cwd ? { head, tag: options.gitTag ?? null } : null;
  let tagged = false;
  try {
    const row = await audited(
      database.db,
      {
        userId: options.createdBy,
        action: 'project.snapshot_create',
        resourceType: SNAPSHOT_RESOURCE_TYPE,
        resourceId: options.projectId,
      },
      clean(async (tx) => {
        const state = await readProjectState(tx, options.projectId);
        const document = newDocument(state, git);
        const inserted = await insertSnapshotRow(tx, database, document, description, options.createdBy);
        // Last step inside the transaction: a tag that cannot be created rolls the snapshot back.
        if (options.gitTag !== undefined) {
          await runGit(options.cwd!, ['tag', options.gitTag, head!]);
          tagged = true;
        }
        return inserted;
      }),
      (inserted) => ({ metadata: { snapshotId: inserted.id, versionNumber: inserted.versionNumber } }),
    );
    return getSnapshot(database.db, row.id);
  } catch (error) {
    if (tagged) await runGit(options.cwd!, ['tag', '-d', options.gitTag!]).catch(() => undefined);
    throw error;
  }
}

const countOf = (collection: string) =>
  sql<number | null>`JSON_LENGTH(${versionHistory.snapshot}, ${`$.state.${collection}`})`;

const infoColumns = {
  id: versionHistory.id,
  projectId: versionHistory.resourceId,
  versionNumber: versionHistory.versionNumber,
  description: versionHistory.changeDescription,
  createdBy: versionHistory.createdBy,
  createdAt: versionHistory.createdAt,
  gitHead: sql<string | null>`JSON_UNQUOTE(JSON_EXTRACT(${versionHistory.snapshot}, '$.git.head'))`,
  gitTag: sql<string | null>`JSON_UNQUOTE(JSON_EXTRACT(${versionHistory.snapshot}, '$.git.tag'))`,
  profiles: countOf('profiles'),
  dashboards: countOf('dashboards'),
  modules: countOf('modules'),
};

type InfoRow = { [K in keyof typeof infoColumns]: unknown };

/** JSON null comes back as the string "null" from JSON_UNQUOTE. */
const jsonText = (value: unknown) => (value === null || value === undefined || value === 'null' ? null : String(value));

function toInfo(row: InfoRow): SnapshotInfo {
  return {
    id: String(row.id),
    projectId: String(row.projectId),
    versionNumber: Number(row.versionNumber),
    description: row.description === null ? null : String(row.description),
    createdBy: String(row.createdBy),
    createdAt: formatIsoZulu(parseUtcMicros(String(row.createdAt))),
    gitHead: jsonText(row.gitHead),
    gitTag: jsonText(row.gitTag),
    counts: {
      profiles: Number(row.profiles ?? 0),
      dashboards: Number(row.dashboards ?? 0),
      modules: Number(row.modules ?? 0),
    },
  };
}

/** The project's snapshots, newest first (without their documents). */
export async function listSnapshots(db: Db, projectId: string): Promise<SnapshotInfo[]> {
  const rows = await db
    .select(infoColumns)
    .from(versionHistory)
    .where(and(eq(versionHistory.resourceType, SNAPSHOT_RESOURCE_TYPE), eq(versionHistory.resourceId, projectId)))
    .orderBy(desc(versionHistory.versionNumber));
  return rows.map(toInfo);
}

export async function getSnapshot(db: Executor, snapshotId: string): Promise<SnapshotInfo> {
  const [row] = await db
    .select(infoColumns)
    .from(versionHistory)
    .where(and(eq(versionHistory.id, snapshotId), eq(versionHistory.resourceType, SNAPSHOT_RESOURCE_TYPE)));
  if (!row) throw notFound('Project snapshot', snapshotId);
  return toInfo(row);
}

async function loadDocument(
  db: Executor,
  snapshotId: string,
): Promise<{ info: SnapshotInfo; document: SnapshotDocument }> {
  const info = await getSnapshot(db, snapshotId);
  const [row] = await db
    .select({ snapshot: versionHistory.snapshot })
    .from(versionHistory)
    .where(eq(versionHistory.id, snapshotId));
  return { info, document: parseDocument(row?.snapshot, `Snapshot ${snapshotId} is damaged`) };
}

export interface RestorePreview {
  snapshot: SnapshotInfo;
  diff: StateDiff;
  /** One line per changed collection, for a confirmation dialog or the CLI. */
  summary: string[];
}

async function currentStateOrNull(tx: Executor, projectId: string, lock = false): Promise<ProjectState | null> {
  try {
    return await readProjectState(tx, projectId, { lock });
  } catch (error) {
    if (error instanceof CockpitError && error.code === 'not-found') return null;
    throw error;
  }
}

/** What restoring the snapshot would change, without changing anything. */
export async function previewRestore(db: Db, snapshotId: string): Promise<RestorePreview> {
  const { info, document } = await loadDocument(db, snapshotId);
  const diff = diffStates(await currentStateOrNull(db, info.projectId), document.state);
  return { snapshot: info, diff, summary: summarizeDiff(diff) };
}

export interface RestoreResult extends RestorePreview {
  /** The automatic snapshot of the state just before the restore (none when the project did not exist). */
  safetySnapshot: { id: string; versionNumber: number } | null;
}

/**
 * Snapshots the current state, then replaces it with the snapshot's — all in ONE transaction, so
 * a failure anywhere (including the safety snapshot) changes nothing.
 */
export async function restoreSnapshot(
  database: Pick<Database, 'db' | 'server'>,
  snapshotId: string,
  options: { createdBy: string },
): Promise<RestoreResult> {
  const { info, document } = await loadDocument(database.db, snapshotId);
  return audited(
    database.db,
    {
      userId: options.createdBy,
      action: 'project.snapshot_restore',
      resourceType: SNAPSHOT_RESOURCE_TYPE,
      resourceId: info.projectId,
      metadata: { snapshotId, versionNumber: info.versionNumber },
    },
    clean(async (tx) => {
      const current = await currentStateOrNull(tx, info.projectId, true);
      const diff = diffStates(current, document.state);
      const safetySnapshot = current
        ? await insertSnapshotRow(
            tx,
            database,
            newDocument(current, null),
            `Automatic snapshot before restoring version ${info.versionNumber}`,
            options.createdBy,
          )
        : null;
      await writeProjectState(tx, current, document.state);
      return { snapshot: info, diff, summary: summarizeDiff(diff), safetySnapshot };
    }),
    (result) => ({
      metadata: { snapshotId, versionNumber: info.versionNumber, safetySnapshotId: result.safetySnapshot?.id ?? null },
    }),
  );
}

/** The snapshot as an export file (secrets stay the stored ciphertext). */
export async function exportSnapshot(db: Db, snapshotId: string): Promise<ExportFile> {
  const { info, document } = await loadDocument(db, snapshotId);
  const [row] = await db
    .select({ createdAt: versionHistory.createdAt })
    .from(versionHistory)
    .where(eq(versionHistory.id, snapshotId));
  return {
    format: EXPORT_FORMAT,
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    exportedAt: formatIsoZulu(hostClock().nowMicros()),
    snapshot: {
      id: info.id,
      projectId: info.projectId,
      versionNumber: info.versionNumber,
      description: info.description,
      createdBy: info.createdBy,
      createdAt: String(row?.createdAt),
    },
    document,
  };
}

/** Parses and validates an export file's text; errors name the field (`document.state.modules.0.name`). */
export function parseExportFile(text: string): ExportFile {
  if (Buffer.byteLength(text) > MAX_IMPORT_BYTES) throw invalid('The snapshot file is larger than 64 MB.');
  const value = parseJsonText(text, 'The snapshot file');
  const parsed = exportFile.safeParse(value);
  if (!parsed.success) throw validationError('Invalid snapshot file', parsed.error);
  if (parsed.data.snapshot.projectId !== parsed.data.document.state.project.id) {
    throw invalid(
      'Invalid snapshot file: snapshot.projectId differs from document.state.project.id.',
      'snapshot.projectId',
    );
  }
  return parsed.data;
}

/** Stores an exported snapshot as the next version of its project (the project need not exist yet). */
export async function importSnapshot(
  database: Pick<Database, 'db' | 'server'>,
  text: string,
  options: { createdBy: string; source?: string },
): Promise<SnapshotInfo> {
  const file = parseExportFile(text);
  const original = file.snapshot;
  const from = options.source ? ` from ${options.source}` : '';
  const description = [
    original.description,
    `(imported${from}; version ${original.versionNumber} of ${formatIsoZulu(parseUtcMicros(original.createdAt))} by ${original.createdBy})`,
  ]
    .filter(Boolean)
    .join(' ');
  const row = await audited(
    database.db,
    {
      userId: options.createdBy,
      action: 'project.snapshot_import',
      resourceType: SNAPSHOT_RESOURCE_TYPE,
      resourceId: original.projectId,
      metadata: { originalSnapshotId: original.id },
    },
    clean((tx) => insertSnapshotRow(tx, database, file.document, description, options.createdBy)),
    (inserted) => ({ metadata: { originalSnapshotId: original.id, snapshotId: inserted.id } }),
  );
  return getSnapshot(database.db, row.id);
}

/** Projects to choose from (id and name), for pickers and the CLI. */
export async function listProjects(db: Db): Promise<Array<{ id: string; name: string }>> {
  return db.select({ id: projects.id, name: projects.name }).from(projects).orderBy(projects.name);
}
