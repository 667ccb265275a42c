/**
 * What the Time view shows, as plain functions over the database (the VS Code panel only adds the
 * active file, the git folder and the dialogs): the clock-sync history and latest status per
 * component, and the 5-layer view of a chosen project at a chosen instant.
 */
import type { Database, Db } from '../../db/connection.js';
import { invalid, notFound } from '../errors.js';
import { getSnapshot, listProjects, type SnapshotInfo } from '../snapshots/snapshots.js';
import { clockHistory, latestClockReadings, type ClockHistoryRow } from './check.js';
import { DRIFT_THRESHOLD_MICROS, hostClock } from './clock.js';
import { formatIsoZulu, parseUtcMicros } from './instant.js';
import { fiveLayerView, type FiveLayerOptions, type FiveLayerView } from './layers.js';

const HOUR_MICROS = 3600 * 1_000_000;
/** The chart draws at most this many points; older rows of a long range are left out. */
const HISTORY_LIMIT = 5000;

export interface ClockView {
  /** The drift target the chart draws (±). */
  thresholdMicros: number;
  /** The range shown, ISO-8601 Zulu with microseconds. */
  since: string;
  until: string;
  /** Oldest first. */
  history: ClockHistoryRow[];
  /** The newest row of each component in the range. */
  latest: ClockHistoryRow[];
}

export async function clockView(db: Db, options: { hours: number; nowMicros?: number }): Promise<ClockView> {
  const until = options.nowMicros ?? hostClock().nowMicros();
  const sinceMicros = until - options.hours * HOUR_MICROS;
  const [history, latest] = await Promise.all([
    clockHistory(db, { sinceMicros, limit: HISTORY_LIMIT }),
    latestClockReadings(db, sinceMicros),
  ]);
  return {
    thresholdMicros: DRIFT_THRESHOLD_MICROS,
    since: formatIsoZulu(sinceMicros),
    until: formatIsoZulu(until),
    history,
    latest,
  };
}

export interface LayersView {
  projects: Array<{ id: string; name: string }>;
  /** `mariadb`, `mysql` or `tidb`: whether layer 3 is a point-in-time read or reconstructed. */
  dialect: Database['server']['dialect'];
  /** Null when there is no project yet (`problem` says so). */
  view: FiveLayerView | null;
  problem: string | null;
}

export interface LayersQuery extends Omit<FiveLayerOptions, 'projectId' | 'atMicros'> {
  /** Omitted or no longer existing: the first project. */
  projectId?: string;
  /** ISO-8601 Zulu; omitted: now. */
  at?: string;
}

/** The 5-layer view of the requested project (or the first), with the projects to choose from. */
export async function layersView(database: Database, query: LayersQuery): Promise<LayersView> {
  const projects = await listProjects(database.db);
  const dialect = database.server.dialect;
  const project = projects.find((p) => p.id === query.projectId) ?? projects[0];
  if (!project) {
    return {
      projects,
      dialect,
      view: null,
      problem: 'There are no projects yet: open the Cockpit panel to create one.',
    };
  }
  const { projectId: _, at, ...rest } = query;
  const view = await fiveLayerView(database, {
    ...rest,
    projectId: project.id,
    atMicros: at === undefined ? undefined : parseUtcMicros(at, 'at'),
  });
  return { projects, dialect, view, problem: null };
}

export type SnapshotAction = 'create' | 'restore' | 'export' | 'import';

/**
 * What a snapshot button acts on, checked before any dialog opens: the project (create, import) and,
 * for restore/export, a snapshot of that very project — a view cannot restore another project's.
 */
export async function snapshotActionTarget(
  db: Db,
  action: SnapshotAction,
  projectId: string,
  snapshotId?: string,
): Promise<{ project: { id: string; name: string }; snapshot: SnapshotInfo | null }> {
  const project = (await listProjects(db)).find((p) => p.id === projectId);
  if (!project) throw notFound('Project', projectId);
  if (action === 'create' || action === 'import') return { project, snapshot: null };
  if (!snapshotId) throw invalid(`To ${action} a snapshot, name it.`, 'snapshotId');
  const snapshot = await getSnapshot(db, snapshotId);
  if (snapshot.projectId !== project.id) {
    throw invalid(`Snapshot ${snapshotId} belongs to another project.`, 'snapshotId');
  }
  return { project, snapshot };
}
