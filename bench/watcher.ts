// File watcher benchmark: touch N files of a git repository with 1,000 commits while the watcher
// runs, wait until every row is committed (timed from the first touch), then insert the same rows
// straight through mysql2 (the raw ceiling). Usage: npm run bench:watcher -- [--files N]. Needs the
// MariaDB of test/support.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  CaptureWriter,
  createIgnoreMatcher,
  FolderWatcher,
  GitShaResolver,
  type Queryable,
} from '../src/core/watcher/index.js';
import { captureTuple, INSERT_COLUMNS, insertStatement, type CaptureRow } from '../src/core/watcher/rows.js';
import { createTestDatabase } from '../test/support/database.js';

const COMMITS = 1000;
const FILES_PER_DIRECTORY = 100;
const RAW_BATCH_ROWS = 1000;
const RAW_RUNS = 3;

const mb = (bytes: number) => bytes / 1048576;
const fileName = (i: number) =>
  `d${String(Math.floor(i / FILES_PER_DIRECTORY)).padStart(4, '0')}/f${String(i).padStart(6, '0')}.txt`;

/** A repository whose N files are spread over 1,000 commits, written in one `git fast-import`. */
function createRepository(root: string, files: number): void {
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1' };
  execFileSync('git', ['init', '-q', '-b', 'main', root], { env });
  const chunks: string[] = [];
  const base = 1_600_000_000;
  for (let commit = 0; commit < COMMITS; commit++) {
    const lines = [];
    for (let i = commit; i < files; i += COMMITS) {
      const content = `file ${i} revision ${commit}\n`;
      lines.push(`M 100644 inline ${fileName(i)}\ndata ${Buffer.byteLength(content)}\n${content}`);
    }
    const message = `commit ${commit}`;
    chunks.push(
      `commit refs/heads/main\ncommitter Bench <bench@example.com> ${base + commit * 60} +0000\ndata ${message.length}\n${message}\n` +
        lines.join(''),
    );
  }
  const result = spawnSync('git', ['fast-import', '--quiet'], { cwd: root, input: chunks.join('\n'), env });
  if (result.status !== 0) throw new Error(`git fast-import failed: ${result.stderr}`);
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: root, env });
}

async function count(pool: Queryable, table: string, projectId: string) {
  const [rows] = (await pool.query(
    `SELECT COUNT(*) AS total, COUNT(DISTINCT file_path) AS files FROM ${table} WHERE project_id = ?`,
    [projectId],
  )) as [Array<{ total: number | string; files: number | string }>];
  return { total: Number(rows[0]!.total), files: Number(rows[0]!.files) };
}

/**
 * CPU time (ms) the database server has used, when it runs on this machine (Linux): read from
 * /proc through the pid file it names; undefined elsewhere.
 */
async function serverCpuMs(pool: Queryable): Promise<number | undefined> {
  try {
    const [rows] = (await pool.query('SELECT @@pid_file AS pidFile')) as [Array<{ pidFile: string }>];
    const pid = readFileSync(rows[0]!.pidFile, 'utf8').trim();
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { files: { type: 'string', default: '20000' } } });
  const files = Number(values.files);
  if (!Number.isInteger(files) || files < 1) throw new Error('--files must be a positive integer.');
  const work = mkdtempSync(path.join(os.tmpdir(), 'cockpit-bench-watcher-'));
  const root = path.join(work, 'repo');
  const database = await createTestDatabase();
  let rssPeak = 0;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 25);
  try {
    let started = performance.now();
    createRepository(root, files);
    console.log(`Repository: ${files} files in ${COMMITS} commits (${Math.round(performance.now() - started)} ms).`);

    const projectId = 'bench-watcher';
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed;
    rssPeak = rssBefore;
    const git = new GitShaResolver({ root });
    const writer = await CaptureWriter.open({
      spoolDir: path.join(work, 'spool'),
      spoolName: 'bench',
      connection: async () => database.pool,
    });
    started = performance.now();
    const watcher = await FolderWatcher.start({
      root,
      projectId,
      writer,
      git,
      isIgnored: createIgnoreMatcher(root, []),
      log: { info: console.log, warn: console.warn },
    });
    const rssReady = process.memoryUsage().rss;
    console.log(
      `Watcher ready in ${Math.round(performance.now() - started)} ms; RSS ${mb(rssBefore).toFixed(0)} → ${mb(rssReady).toFixed(0)} MB.`,
    );

    // The measured run: touch every file, wait until every row is committed. The clock starts at
    // the first touch (the touching process reports it): its Node start-up is not the watcher's time.
    const spawnedAt = performance.now();
    const serverCpuBefore = await serverCpuMs(database.pool);
    const cpuBefore = process.cpuUsage();
    // Another process touches the files, as editors, git and builds do: this event loop stays free.
    const toucher = spawn(
      process.execPath,
      [
        '-e',
        `const fs=require('fs'),p=require('path');const [root,n,per]=process.argv.slice(1).map((v,i)=>i?Number(v):v);` +
          `process.stdout.write(String(performance.timeOrigin+performance.now()));` +
          `for(let i=0;i<n;i++)fs.appendFileSync(p.join(root,'d'+String(Math.floor(i/per)).padStart(4,'0'),'f'+String(i).padStart(6,'0')+'.txt'),'touched\\n');` +
          `const c=process.cpuUsage();process.stdout.write(' '+(c.user+c.system));`,
        root,
        String(files),
        String(FILES_PER_DIRECTORY),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let report = '';
    toucher.stdout.on('data', (chunk: Buffer) => (report += chunk.toString()));
    const touchStatus = await new Promise<number | null>((resolve) => toucher.once('close', resolve));
    if (touchStatus !== 0) throw new Error('The touching process failed.');
    // It reports when it started touching and, at the end, its CPU time (µs).
    const [firstTouch, toucherCpuMicros] = report.split(' ').map(Number);
    started = firstTouch! - performance.timeOrigin;
    if (!Number.isFinite(started) || !Number.isFinite(toucherCpuMicros)) {
      throw new Error(`The touching process reported "${report}", not its start and CPU time.`);
    }
    const touchedMs = performance.now() - started;
    let lastProgress = performance.now();
    let lastCommitted = -1;
    let capturedMs = Number.NaN;
    while (writer.statistics.committed < files) {
      if (Number.isNaN(capturedMs) && writer.statistics.spooled >= files) capturedMs = performance.now() - started;
      if (writer.statistics.committed !== lastCommitted) {
        lastCommitted = writer.statistics.committed;
        lastProgress = performance.now();
      } else if (performance.now() - lastProgress > 30_000) {
        console.warn(`No progress for 30 s at ${lastCommitted} committed rows: counting the rest as lost.`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const watcherMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpuAfter = await serverCpuMs(database.pool);
    if (Number.isNaN(capturedMs)) capturedMs = watcherMs;
    // What the watcher keeps alive (its state, the SHA map, pending paths) as opposed to garbage not yet collected.
    global.gc?.();
    const liveHeapGrowth = process.memoryUsage().heapUsed - heapBefore;
    const stats = writer.statistics;
    const stored = await count(database.pool, 'filesystem_timestamps', projectId);
    const lost = files - stored.files;
    const duplicated = stored.total - stored.files;
    await watcher.close();
    await writer.close();
    const [shaCheck] = (await database.pool.query(
      'SELECT file_path, git_commit_sha FROM filesystem_timestamps WHERE project_id = ? ORDER BY file_path LIMIT 1',
      [projectId],
    )) as unknown as [Array<{ file_path: string; git_commit_sha: string | null }>];
    const expectedSha = execFileSync('git', ['log', '-1', '--format=%H', '--', shaCheck[0]!.file_path], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    if (shaCheck[0]!.git_commit_sha !== expectedSha) throw new Error(`Wrong SHA for ${shaCheck[0]!.file_path}.`);
    const rssWatcherPeak = rssPeak;

    // The raw ceiling: the same rows, multi-row INSERTs straight through mysql2 into an identical table.
    const [storedRows] = (await database.pool.query(
      'SELECT id, project_id AS projectId, file_path AS filePath, event_type AS eventType, atime, mtime, ctime, size_bytes AS sizeBytes, git_commit_sha AS gitCommitSha FROM filesystem_timestamps WHERE project_id = ?',
      [projectId],
    )) as unknown as [CaptureRow[]];
    /** ms to insert storedRows into a fresh copy of the table, RAW_BATCH_ROWS per statement. */
    const insertAll = async (table: string, statement: (rows: CaptureRow[]) => [string, unknown[]?]) => {
      await database.pool.query(`CREATE TABLE ${table} LIKE filesystem_timestamps`);
      const begun = performance.now();
      for (let i = 0; i < storedRows.length; i += RAW_BATCH_ROWS) {
        const [sql, values] = statement(storedRows.slice(i, i + RAW_BATCH_ROWS));
        await database.pool.query(sql.replace('INTO filesystem_timestamps ', `INTO ${table} `), values);
      }
      const ms = performance.now() - begun;
      if ((await count(database.pool, table, projectId)).total !== storedRows.length)
        throw new Error(`${table} lost rows.`);
      return ms;
    };
    // mysql2 formats the values into `?` placeholders (as the writer did before it built SQL text itself).
    const rawInsert = (table: string) =>
      insertAll(table, (rows) => [
        `INSERT IGNORE INTO filesystem_timestamps ${INSERT_COLUMNS} VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        rows.flatMap((r) => [
          r.id,
          r.projectId,
          r.filePath,
          r.eventType,
          r.atime,
          r.mtime,
          r.ctime,
          r.sizeBytes,
          r.gitCommitSha,
        ]),
      ]);
    // The same rows as SQL text from the writer's own statement builder (less client CPU than mysql2's formatting).
    const rawTextInsert = (table: string) =>
      insertAll(table, (rows) => [insertStatement(rows.map(captureTuple).join(', '))]);
    // One insert of the same rows ran at 31,000–53,000 rows/s from one bench run to the next on a
    // quiet machine, which swung the ratio more than the watcher did: each ceiling is the median of
    // three, alternated.
    const rawRuns: number[] = [];
    const rawTextRuns: number[] = [];
    for (let run = 0; run < RAW_RUNS; run++) {
      rawRuns.push(await rawInsert(`filesystem_timestamps_raw_${run}`));
      rawTextRuns.push(await rawTextInsert(`filesystem_timestamps_raw_text_${run}`));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const [rawMs, rawTextMs] = [median(rawRuns), median(rawTextRuns)];

    const rowsPerSecond = (stored.total / watcherMs) * 1000;
    const rawRowsPerSecond = (storedRows.length / rawMs) * 1000;
    const rawTextRowsPerSecond = (storedRows.length / rawTextMs) * 1000;
    console.log(
      `Touched ${files} files in ${Math.round(touchedMs)} ms; every row committed after ${Math.round(watcherMs)} ms ` +
        `(${Math.round(rowsPerSecond)} rows/s); ${stats.statements} INSERT statements, ${git.processes} git processes, ` +
        `${watcher.stats.events} directory events in ${watcher.stats.batches} batches, ${watcher.stats.rescans} rescan(s) finding ${watcher.stats.rescued} path(s).`,
    );
    console.log(
      `Raw ceiling: ${storedRows.length} rows in ${Math.round(rawMs)} ms (median of ${rawRuns.map(Math.round).join(', ')} ms; ${Math.round(rawRowsPerSecond)} rows/s, ${Math.ceil(storedRows.length / RAW_BATCH_ROWS)} statements); as SQL text from the writer's builder ${Math.round(rawTextMs)} ms (of ${rawTextRuns.map(Math.round).join(', ')}).`,
    );
    console.log(
      `RSS: ${mb(rssBefore).toFixed(0)} MB before the watcher, ${mb(rssReady).toFixed(0)} MB once it watched every file, peak ${mb(rssWatcherPeak).toFixed(0)} MB.`,
    );
    const figures = {
      files,
      commits: COMMITS,
      seconds: (watcherMs / 1000).toFixed(2),
      touch_ms: Math.round(touchedMs),
      toucher_startup_ms: Math.round(started - spawnedAt),
      captured_ms: Math.round(capturedMs),
      lag_after_touch_ms: Math.round(watcherMs - touchedMs),
      watcher_cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
      toucher_cpu_ms: Math.round(toucherCpuMicros! / 1000),
      database_cpu_ms:
        serverCpuBefore === undefined || serverCpuAfter === undefined ? 'n/a' : serverCpuAfter - serverCpuBefore,
      rows_per_s: Math.round(rowsPerSecond),
      raw_rows_per_s: Math.round(rawRowsPerSecond),
      raw_ms_runs: rawRuns.map(Math.round).join('/'),
      ratio: (rowsPerSecond / rawRowsPerSecond).toFixed(2),
      raw_text_rows_per_s: Math.round(rawTextRowsPerSecond),
      ratio_to_raw_text: (rowsPerSecond / rawTextRowsPerSecond).toFixed(2),
      lost,
      duplicated,
      inserts: stats.statements,
      git_processes: git.processes,
      peak_rss_mb: mb(rssWatcherPeak).toFixed(0),
      rss_growth_mb: mb(rssWatcherPeak - rssBefore).toFixed(0),
      rss_growth_after_ready_mb: mb(rssWatcherPeak - rssReady).toFixed(0),
      live_heap_growth_mb: global.gc ? mb(liveHeapGrowth).toFixed(0) : 'n/a',
      events: watcher.stats.events,
      rescans: watcher.stats.rescans,
      rescued: watcher.stats.rescued,
      load: os.loadavg()[0]!.toFixed(1),
    };
    console.log(
      Object.entries(figures)
        .map(([key, value]) => `${key}=${value}`)
        .join(' '),
    );
  } finally {
    clearInterval(sampler);
    await database.drop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
