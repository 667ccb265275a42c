/**
 * The 5-layer versioning view of a project or one of its files:
 *   1 filesystem MAC times (filesystem_timestamps), 2 git, 3 database state at an instant
 *   (TiDB MVCC; elsewhere reconstructed from version_history), 4 SemVer, 5 project snapshots.
 */
import { and, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import packageJson from '../../../package.json';
import type { Database, Db } from '../../db/connection.js';
import {
  dashboards,
  dashboardVersions,
  extensionDashboards,
  filesystemTimestamps,
  profiles,
  projectExtensionMappings,
  projects,
  versionHistory,
} from '../../db/schema/index.js';
import { invalid, notFound } from '../errors.js';
import { listSnapshots, SNAPSHOT_RESOURCE_TYPE, type SnapshotInfo } from '../snapshots/snapshots.js';
import { hostClock } from './clock.js';
import { runGit } from './git.js';
import { databaseToIsoZulu, formatDatabaseInstant, formatIsoZulu } from './instant.js';
import { compareSemVer } from './semver.js';

/** The Cockpit's own API version (layer 4): the extension's package version. */
export const COCKPIT_API_VERSION: string = packageJson.version;

/** version_history rows that other features write for a dashboard's own versions. */
export const DASHBOARD_RESOURCE_TYPE = 'dashboard';

// ── Layer 1 ────────────────────────────────────────────────────────────────────────────────────

export interface MacCapture {
  filePath: string;
  atime: string;
  mtime: string;
  ctime: string;
  capturedAt: string;
  gitCommitSha: string | null;
}

export interface FilesystemLayer {
  captures: MacCapture[];
  /** atime is what the filesystem says: relatime updates it at most daily, noatime never. */
  note: string;
}

async function filesystemLayer(db: Db, projectId: string, filePaths: readonly string[] | null, limit: number) {
  const where = filePaths
    ? and(eq(filesystemTimestamps.projectId, projectId), inArray(filesystemTimestamps.filePath, [...filePaths]))
    : eq(filesystemTimestamps.projectId, projectId);
  const rows = await db
    .select()
    .from(filesystemTimestamps)
    .where(where)
    .orderBy(desc(filesystemTimestamps.capturedAt))
    .limit(limit);
  return {
    captures: rows.map((r) => ({
      filePath: r.filePath,
      atime: databaseToIsoZulu(r.atime)!,
      mtime: databaseToIsoZulu(r.mtime)!,
      ctime: databaseToIsoZulu(r.ctime)!,
      capturedAt: databaseToIsoZulu(r.capturedAt)!,
      gitCommitSha: r.gitCommitSha,
    })),
    note: 'atime is as the filesystem reports it: with relatime it changes at most once a day, with noatime never.',
  };
}

// ── Layer 2 ────────────────────────────────────────────────────────────────────────────────────

export interface GitCommit {
  sha: string;
  authorDate: string;
  committerDate: string;
  author: string;
  subject: string;
}

export type GitLayer =
  { available: true; head: GitCommit | null; commits: GitCommit[] } | { available: false; reason: string };

const FIELD = '\x1f';
const RECORD = '\x1e';
const LOG_FORMAT = ['%H', '%aI', '%cI', '%an', '%s'].join('%x1f') + '%x1e';

/** Git's strict ISO dates carry a zone offset and whole seconds: shown as Zulu with six decimals. */
const gitDateToZulu = (iso: string) => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : formatIsoZulu(ms * 1000);
};

export function parseGitLog(output: string): GitCommit[] {
  return output
    .split(RECORD)
    .map((record) => record.replace(/^\n/, ''))
    .filter(Boolean)
    .map((record) => {
      const [sha = '', authorDate = '', committerDate = '', author = '', subject = ''] = record.split(FIELD);
      return {
        sha,
        authorDate: gitDateToZulu(authorDate),
        committerDate: gitDateToZulu(committerDate),
        author,
        subject,
      };
    });
}

async function gitLayer(cwd: string | null, filePath: string | null, limit: number): Promise<GitLayer> {
  if (!cwd) return { available: false, reason: 'No trusted project folder: git is not run.' };
  try {
    const log = (args: string[]) => runGit(cwd, ['log', `-n${limit}`, `--format=${LOG_FORMAT}`, ...args]);
    if (!filePath) {
      // One call: the newest commit of HEAD's history is HEAD.
      const commits = parseGitLog(await log(['HEAD']));
      return { available: true, head: commits[0] ?? null, commits };
    }
    const [head, commits] = await Promise.all([log(['-n1', 'HEAD']), log(['--follow', 'HEAD', '--', filePath])]);
    return { available: true, head: parseGitLog(head)[0] ?? null, commits: parseGitLog(commits) };
  } catch (error) {
    return { available: false, reason: (error as Error).message };
  }
}

// ── Layer 3 ────────────────────────────────────────────────────────────────────────────────────

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const quote = (identifier: string) => {
  if (!IDENTIFIER.test(identifier)) throw new Error(`Unsafe SQL identifier "${identifier}".`);
  return `\`${identifier}\``;
};

/**
 * A TiDB stale read: `SELECT … FROM t AS OF TIMESTAMP '…' WHERE c IN (?, …)`. The instant is
 * formatted from a number (never user text) in the UTC form the session expects; TiDB reads the
 * MVCC version that was current then.
 */
export function buildAsOfTimestampQuery(
  table: string,
  columns: readonly string[],
  whereColumn: string,
  valueCount: number,
  atMicros: number,
): string {
  if (valueCount < 1) throw new Error('At least one value is needed for the IN list.');
  if (!Number.isSafeInteger(atMicros)) throw new Error('The instant must be whole microseconds.');
  const placeholders = Array.from({ length: valueCount }, () => '?').join(', ');
  return (
    `SELECT ${columns.map(quote).join(', ')} FROM ${quote(table)} ` +
    `AS OF TIMESTAMP '${formatDatabaseInstant(atMicros)}' WHERE ${quote(whereColumn)} IN (${placeholders})`
  );
}

export interface DashboardAt {
  id: string;
  name: string | null;
  /** The dashboard row (and, from TiDB, its modules) as it was; `null` when nothing was recorded by then. */
  state: unknown;
  /** Where `state` comes from, e.g. `TiDB AS OF TIMESTAMP`, `dashboard version 3`, `project snapshot 2`. */
  source: string | null;
}

export interface DatabaseLayer {
  at: string;
  source: 'tidb-mvcc' | 'version_history';
  /** Said in the UI beside the data: how the answer was obtained. */
  label: string;
  dashboards: DashboardAt[];
}

type Row = Record<string, unknown>;

async function tidbDashboardsAt(database: Database, projectId: string, atMicros: number): Promise<DashboardAt[]> {
  const query = async (table: string, columns: string[], where: string, values: string[]) => {
    if (values.length === 0) return [] as Row[];
    const [rows] = await database.pool.query(
      buildAsOfTimestampQuery(table, columns, where, values.length, atMicros),
      values,
    );
    return rows as Row[];
  };
  const profileRows = await query('profiles', ['id'], 'project_id', [projectId]);
  const dashboardRows = await query(
    'dashboards',
    ['id', 'profile_id', 'name', 'description', 'template_id', 'layout', 'position', 'created_at', 'updated_at'],
    'profile_id',
    profileRows.map((r) => String(r.id)),
  );
  const moduleRows = await query(
    'modules',
    ['id', 'dashboard_id', 'module_type', 'name', 'configuration', 'position', 'updated_at'],
    'dashboard_id',
    dashboardRows.map((r) => String(r.id)),
  );
  return dashboardRows.map((d) => ({
    id: String(d.id),
    name: String(d.name),
    state: { ...d, modules: moduleRows.filter((m) => m.dashboard_id === d.id) },
    source: 'TiDB AS OF TIMESTAMP',
  }));
}

/** MySQL/MariaDB: the newest dashboard version or project snapshot recorded at or before the instant. */
async function historyDashboardsAt(db: Db, projectId: string, atMicros: number): Promise<DashboardAt[]> {
  const at = formatDatabaseInstant(atMicros);
  const [projectSnapshot] = await db
    .select({ versionNumber: versionHistory.versionNumber, snapshot: versionHistory.snapshot })
    .from(versionHistory)
    .where(
      and(
        eq(versionHistory.resourceType, SNAPSHOT_RESOURCE_TYPE),
        eq(versionHistory.resourceId, projectId),
        lte(versionHistory.createdAt, at),
      ),
    )
    .orderBy(desc(versionHistory.versionNumber))
    .limit(1);
  const snapshotDashboards = new Map<string, Row>();
  const state = (projectSnapshot?.snapshot as { state?: { dashboards?: Row[]; modules?: Row[] } } | undefined)?.state;
  for (const d of state?.dashboards ?? []) {
    snapshotDashboards.set(String(d.id), {
      ...d,
      modules: (state?.modules ?? []).filter((m) => m.dashboardId === d.id),
    });
  }
  const current = await db
    .select({ id: dashboards.id, name: dashboards.name })
    .from(dashboards)
    .innerJoin(profiles, eq(profiles.id, dashboards.profileId))
    .where(eq(profiles.projectId, projectId));
  const ids = [...new Set([...current.map((d) => d.id), ...snapshotDashboards.keys()])];
  const versions = new Map<string, { versionNumber: number; snapshot: unknown }>();
  if (ids.length > 0) {
    const rows = await db
      .select({
        id: versionHistory.resourceId,
        versionNumber: versionHistory.versionNumber,
        snapshot: versionHistory.snapshot,
      })
      .from(versionHistory)
      .where(
        and(
          eq(versionHistory.resourceType, DASHBOARD_RESOURCE_TYPE),
          inArray(versionHistory.resourceId, ids),
          lte(versionHistory.createdAt, at),
          // Only each dashboard's newest version at the instant.
          sql`${versionHistory.versionNumber} = (SELECT MAX(v.version_number) FROM version_history v
              WHERE v.resource_type = ${DASHBOARD_RESOURCE_TYPE} AND v.resource_id = ${versionHistory.resourceId}
              AND v.created_at <= ${at})`,
        ),
      );
    for (const row of rows) versions.set(row.id, row);
  }
  const names = new Map(current.map((d) => [d.id, d.name]));
  return ids.map((id) => {
    const version = versions.get(id);
    const fromSnapshot = snapshotDashboards.get(id);
    const name = names.get(id) ?? (typeof fromSnapshot?.name === 'string' ? fromSnapshot.name : null);
    if (version) return { id, name, state: version.snapshot, source: `dashboard version ${version.versionNumber}` };
    if (fromSnapshot)
      return { id, name, state: fromSnapshot, source: `project snapshot ${projectSnapshot!.versionNumber}` };
    return { id, name, state: null, source: null };
  });
}

/** TiDB refuses stale reads older than its GC safe point (tidb_gc_life_time, 10 min by default). */
const TIDB_HISTORY_GONE = /GC (life ?time|safe ?point)|snapshot is older than/i;

async function databaseLayer(database: Database, projectId: string, atMicros: number): Promise<DatabaseLayer> {
  const at = formatIsoZulu(atMicros);
  if (database.server.dialect === 'tidb') {
    try {
      return {
        at,
        source: 'tidb-mvcc',
        label: `TiDB point-in-time read (AS OF TIMESTAMP ${at})`,
        dashboards: await tidbDashboardsAt(database, projectId, atMicros),
      };
    } catch (error) {
      if (!TIDB_HISTORY_GONE.test((error as Error).message)) throw error;
      return {
        at,
        source: 'version_history',
        label: `TiDB no longer keeps MVCC versions from ${at} (older than its GC safe point): reconstructed from version_history`,
        dashboards: await historyDashboardsAt(database.db, projectId, atMicros),
      };
    }
  }
  const engine = database.server.dialect === 'mariadb' ? 'MariaDB' : 'MySQL';
  return {
    at,
    source: 'version_history',
    label: `${engine} has no point-in-time reads: reconstructed from version_history (dashboard versions and project snapshots recorded by ${at})`,
    dashboards: await historyDashboardsAt(database.db, projectId, atMicros),
  };
}

// ── Layer 4 ────────────────────────────────────────────────────────────────────────────────────

export interface SemVerLayer {
  api: string;
  dashboards: Array<{ id: string; name: string; versionNumber: number | null }>;
  extensionTemplates: Array<{
    templateId: string;
    extensionId: string;
    name: string;
    version: string | null;
    versionCreatedAt: string | null;
  }>;
}

async function semverLayer(db: Db, projectId: string): Promise<SemVerLayer> {
  const dashboardVersionRows = await db
    .select({
      id: dashboards.id,
      name: dashboards.name,
      versionNumber: sql<number | null>`(SELECT MAX(v.version_number) FROM version_history v
        WHERE v.resource_type = ${DASHBOARD_RESOURCE_TYPE} AND v.resource_id = ${dashboards.id})`,
    })
    .from(dashboards)
    .innerJoin(profiles, eq(profiles.id, dashboards.profileId))
    .where(eq(profiles.projectId, projectId))
    .orderBy(dashboards.position, dashboards.name);
  const templates = await db
    .select({
      templateId: extensionDashboards.id,
      extensionId: extensionDashboards.extensionId,
      name: extensionDashboards.name,
    })
    .from(projectExtensionMappings)
    .innerJoin(extensionDashboards, eq(extensionDashboards.id, projectExtensionMappings.dashboardId))
    .where(eq(projectExtensionMappings.projectId, projectId))
    .orderBy(extensionDashboards.extensionId);
  const versions =
    templates.length === 0
      ? []
      : await db
          .select({
            templateId: dashboardVersions.dashboardId,
            version: dashboardVersions.version,
            createdAt: dashboardVersions.createdAt,
          })
          .from(dashboardVersions)
          .where(
            inArray(
              dashboardVersions.dashboardId,
              templates.map((t) => t.templateId),
            ),
          );
  return {
    api: COCKPIT_API_VERSION,
    dashboards: dashboardVersionRows.map((d) => ({
      id: d.id,
      name: d.name,
      versionNumber: d.versionNumber === null ? null : Number(d.versionNumber),
    })),
    extensionTemplates: templates.map((t) => {
      const newest = versions
        .filter((v) => v.templateId === t.templateId)
        .sort((a, b) => compareSemVer(b.version, a.version))[0];
      return {
        ...t,
        version: newest?.version ?? null,
        versionCreatedAt: newest ? databaseToIsoZulu(newest.createdAt) : null,
      };
    }),
  };
}

// ── The view ───────────────────────────────────────────────────────────────────────────────────

export interface FiveLayerView {
  projectId: string;
  projectName: string;
  /** The file the view is about, or `null` for the whole project. */
  file: string | null;
  filesystem: FilesystemLayer;
  git: GitLayer;
  database: DatabaseLayer;
  semver: SemVerLayer;
  snapshots: SnapshotInfo[];
}

export interface FiveLayerOptions {
  projectId: string;
  /** A file: its path relative to `cwd` (git) and the forms filesystem_timestamps may store it in. */
  file?: { relativePath: string; storedPaths: readonly string[] };
  /** The project's git work tree; `null` in untrusted workspaces (no git is run). */
  cwd: string | null;
  /** The instant of layer 3 (µs since the epoch); default now. */
  atMicros?: number;
  /** Captures and commits shown. Default 20. */
  limit?: number;
}

/** All five layers for a project, or for one file (layers 3–5 are the file's project's). */
export async function fiveLayerView(database: Database, options: FiveLayerOptions): Promise<FiveLayerView> {
  const now = hostClock().nowMicros();
  const atMicros = options.atMicros ?? now;
  if (atMicros > now + 1_000_000) throw invalid('The instant of the database layer lies in the future.', 'at');
  const limit = Math.min(Math.max(options.limit ?? 20, 1), 500);
  const [project] = await database.db
    .select({ id: projects.id, name: projects.name })
    .from(projects)
    .where(eq(projects.id, options.projectId));
  if (!project) throw notFound('Project', options.projectId);
  const [filesystem, git, databaseState, semver, snapshots] = await Promise.all([
    filesystemLayer(database.db, project.id, options.file?.storedPaths ?? null, limit),
    gitLayer(options.cwd, options.file?.relativePath ?? null, limit),
    databaseLayer(database, project.id, Math.min(atMicros, now)),
    semverLayer(database.db, project.id),
    listSnapshots(database.db, project.id),
  ]);
  return {
    projectId: project.id,
    projectName: project.name,
    file: options.file?.relativePath ?? null,
    filesystem,
    git,
    database: databaseState,
    semver,
    snapshots,
  };
}
