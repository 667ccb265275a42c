import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { filesystemTimestamps } from '../../db/schema/index.js';
import type { FileCommit, GitShaResolver } from './git.js';
import type { FileEventType } from './rows.js';
import { parseDatetime6 } from './time.js';

export interface TimelineCapture {
  eventType: FileEventType;
  atime: string;
  mtime: string;
  ctime: string;
  /** Database time of the insert (layer 3). */
  capturedAt: string;
  sizeBytes: number | null;
  gitCommitSha: string | null;
  /** mtime − committer date of gitCommitSha, in microseconds; null without a known commit. */
  driftMicros: bigint | null;
  /** mtime later than the commit: the file changed (or was checked out) after its last commit. */
  modifiedAfterCommit: boolean;
  /** capturedAt − mtime: how long after the change the capture reached the database. */
  captureLagMicros: bigint;
}

export interface FileTimeline {
  projectId: string;
  filePath: string;
  captures: TimelineCapture[];
  commits: FileCommit[];
  gitAvailable: boolean;
}

/** Drift below this is clock granularity (git keeps seconds), not a change after the commit. */
const DRIFT_TOLERANCE_MICROS = 2_000_000n;

/**
 * One file's history across the three layers: its MAC-time captures (filesystem), the author and
 * committer dates of its commits (git, one process) and the capture times (database), newest first.
 */
export async function fileTimeline(
  db: Db,
  git: GitShaResolver,
  options: { projectId: string; filePath: string; limit?: number },
): Promise<FileTimeline> {
  const limit = options.limit ?? 200;
  const t = filesystemTimestamps;
  const [rows, commits] = await Promise.all([
    db
      .select({
        eventType: t.eventType,
        atime: t.atime,
        mtime: t.mtime,
        ctime: t.ctime,
        capturedAt: t.capturedAt,
        sizeBytes: t.sizeBytes,
        gitCommitSha: t.gitCommitSha,
      })
      .from(t)
      .where(and(eq(t.projectId, options.projectId), eq(t.filePath, options.filePath)))
      .orderBy(desc(t.capturedAt), desc(t.mtime))
      .limit(limit),
    git.commitsOf(options.filePath, limit),
  ]);
  const commitDates = new Map(commits.map((c) => [c.sha, parseDatetime6(c.committerDate)]));
  const captures = rows.map((row) => {
    const mtime = parseDatetime6(row.mtime);
    const committed = row.gitCommitSha ? commitDates.get(row.gitCommitSha) : undefined;
    const driftMicros = committed === undefined ? null : mtime - committed;
    return {
      ...row,
      sizeBytes: row.sizeBytes === null ? null : Number(row.sizeBytes),
      driftMicros,
      modifiedAfterCommit: driftMicros !== null && row.eventType !== 'unlink' && driftMicros > DRIFT_TOLERANCE_MICROS,
      captureLagMicros: parseDatetime6(row.capturedAt) - mtime,
    };
  });
  return { projectId: options.projectId, filePath: options.filePath, captures, commits, gitAvailable: git.available };
}

/** `±1d 2h 3m 4.5s` */
export function formatDuration(micros: bigint): string {
  const sign = micros < 0n ? '−' : '+';
  let rest = micros < 0n ? -micros : micros;
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400_000_000n],
    ['h', 3_600_000_000n],
    ['m', 60_000_000n],
  ] as const) {
    if (rest >= size) {
      parts.push(`${rest / size}${unit}`);
      rest %= size;
    }
  }
  if (parts.length < 2)
    parts.push(`${(Number(rest) / 1e6).toFixed(parts.length === 0 ? 6 : 1).replace(/\.?0+$/, '') || '0'}s`);
  return sign + parts.join(' ');
}

/** Escapes text for a markdown table cell (the preview renders HTML, so `<` must not pass). */
function cell(text: string): string {
  return text.replace(/[\\`*_[\]<>|&#]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/\r?\n/g, ' ');
}

export const ATIME_NOTE =
  'atime is what the filesystem reports, not a reliable "last read": Linux mounts with `relatime` (the default) update it only when it is older than mtime/ctime or a day old, and `noatime` never updates it.';

/** The timeline as markdown for the read-only preview. */
export function renderTimelineMarkdown(timeline: FileTimeline): string {
  const lines = [
    `# File timeline: ${cell(timeline.filePath)}`,
    '',
    'Three clocks side by side: the filesystem (MAC times, µs, UTC), git (commit dates) and the database (capture time).',
    `_${ATIME_NOTE}_ An unlink row carries the deletion time taken from the parent folder's mtime.`,
    '',
    `## Captures (${timeline.captures.length}, newest first)`,
    '',
  ];
  if (timeline.captures.length === 0) {
    lines.push('No captures yet: run **Cockpit: Capture File Timestamps** or edit the file with the watcher on.');
  } else {
    lines.push(
      '| captured (DB) | event | mtime | ctime | atime | size | commit | mtime − commit date |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const c of timeline.captures) {
      const drift =
        c.driftMicros === null
          ? '—'
          : c.modifiedAfterCommit
            ? `**⚠ ${formatDuration(c.driftMicros)}** (changed after the commit)`
            : formatDuration(c.driftMicros);
      lines.push(
        `| ${c.capturedAt} | ${c.eventType} | ${c.mtime} | ${c.ctime} | ${c.atime} | ${c.sizeBytes ?? '—'} | ${c.gitCommitSha ? `\`${c.gitCommitSha.slice(0, 10)}\`` : 'untracked'} | ${drift} |`,
      );
    }
  }
  lines.push('', `## Commits (${timeline.commits.length})`, '');
  if (!timeline.gitAvailable) lines.push('git is not available: no commit history.');
  else if (timeline.commits.length === 0)
    lines.push('No commits touch this file (untracked, ignored or outside a repository).');
  else {
    lines.push('| commit | author date | committer date | author | subject |', '|---|---|---|---|---|');
    for (const c of timeline.commits) {
      lines.push(
        `| \`${c.sha.slice(0, 10)}\` | ${c.authorDate} | ${c.committerDate} | ${cell(c.author)} | ${cell(c.subject)} |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
