import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  promises as fs,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from '../../src/db/connection.js';
import {
  captureFolder,
  captureOnce,
  CaptureWriter,
  createIgnoreMatcher,
  fileTimeline,
  FolderWatcher,
  GitShaResolver,
} from '../../src/core/watcher/index.js';
import { createFolderProjectFromTemplate, ensureFolderProject, findFolderProject } from '../../src/core/projects.js';
import { captureRowId, captureTuple, type CaptureRow } from '../../src/core/watcher/rows.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

const temporaryDirectories: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `cockpit-${prefix}-`));
  temporaryDirectories.push(dir);
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
}

function newRepository(): string {
  const dir = tempDir('repo');
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}

function write(root: string, relative: string, content: string): void {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface StoredRow {
  file_path: string;
  event_type: string;
  atime: string;
  mtime: string;
  ctime: string;
  git_commit_sha: string | null;
  size_bytes: string | null;
  captured_at: string;
}

describe('file watcher and capture (real files, real MariaDB)', () => {
  let database: TestDatabase;
  const writers: CaptureWriter[] = [];
  const watchers: FolderWatcher[] = [];

  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    await Promise.all(watchers.map((w) => w.close()));
    await Promise.all(writers.map((w) => w.close(500)));
    await database?.drop();
    for (const dir of temporaryDirectories) rmSync(dir, { recursive: true, force: true });
  });

  const rowsOf = async (projectId: string): Promise<StoredRow[]> => {
    const [rows] = await database.pool.query(
      'SELECT file_path, event_type, atime, mtime, ctime, git_commit_sha, size_bytes, captured_at FROM filesystem_timestamps WHERE project_id = ? ORDER BY captured_at, file_path',
      [projectId],
    );
    return rows as StoredRow[];
  };

  const openWriter = async (options: Partial<Parameters<typeof CaptureWriter.open>[0]> = {}) => {
    const writer = await CaptureWriter.open({
      spoolDir: tempDir('spool'),
      spoolName: 'test',
      connection: async () => database.pool,
      retryDelayMs: { min: 20, max: 200 },
      ...options,
    });
    writers.push(writer);
    return writer;
  };

  const startWatcher = async (
    root: string,
    projectId: string,
    writer: CaptureWriter,
    exclude: string[] = [],
    coalesceMs = 50,
  ) => {
    const gitResolver = new GitShaResolver({ root });
    const watcher = await FolderWatcher.start({
      root,
      projectId,
      writer,
      git: gitResolver,
      isIgnored: createIgnoreMatcher(root, exclude),
      coalesceMs,
    });
    watchers.push(watcher);
    return { watcher, gitResolver };
  };

  it('records create, modify, delete and rename as add, change, unlink and unlink + add', async () => {
    const root = newRepository();
    const writer = await openWriter();
    await startWatcher(root, 'p-events', writer);

    write(root, 'a.txt', 'one');
    await until('the add', async () => (await rowsOf('p-events')).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    write(root, 'a.txt', 'one two');
    await until('the change', async () => (await rowsOf('p-events')).length === 2);
    await fs.rename(path.join(root, 'a.txt'), path.join(root, 'b.txt'));
    await until('the rename', async () => (await rowsOf('p-events')).length === 4);
    await fs.rm(path.join(root, 'b.txt'));
    await until('the delete', async () => (await rowsOf('p-events')).length === 5);

    const rows = await rowsOf('p-events');
    assert.deepEqual(
      rows.slice(0, 2).map((r) => [r.file_path, r.event_type, r.size_bytes]),
      [
        ['a.txt', 'add', '3'],
        ['a.txt', 'change', '7'],
      ],
    );
    assert.deepEqual(
      rows
        .slice(2, 4)
        .map((r) => `${r.file_path}:${r.event_type}`)
        .sort(),
      ['a.txt:unlink', 'b.txt:add'],
    );
    assert.deepEqual([rows[4]!.file_path, rows[4]!.event_type, rows[4]!.size_bytes], ['b.txt', 'unlink', null]);
  });

  it('coalesces a burst of writes to one path into one row', async () => {
    const root = newRepository();
    const writer = await openWriter();
    const { watcher } = await startWatcher(root, 'p-burst', writer, [], 400);
    write(root, 'log.txt', '');
    for (let i = 0; i < 10; i++) {
      appendFileSync(path.join(root, 'log.txt'), `${i}\n`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await until('the capture', async () => (await rowsOf('p-burst')).length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rows = await rowsOf('p-burst');
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rows[0]!.event_type, 'add');
    assert.equal(rows[0]!.size_bytes, String(readFileSync(path.join(root, 'log.txt')).length));
    assert.ok(watcher.stats.events > 1);
  });

  it('captures a path when it is due, and its row goes at once when nothing else is pending', async () => {
    const root = newRepository();
    // A writer that would hold rows for a minute to fill a statement: only sendNow() sends them sooner.
    const writer = await openWriter({ maxBatchDelayMs: 60_000 });
    const watcher = await FolderWatcher.start({
      root,
      projectId: 'p-due',
      writer,
      git: new GitShaResolver({ root }),
      isIgnored: createIgnoreMatcher(root, []),
      coalesceMs: 1_500,
      maxWaitMs: 10_000,
    });
    watchers.push(watcher);
    write(root, 'a.txt', 'a');
    await new Promise((resolve) => setTimeout(resolve, 150));
    write(root, 'b.txt', 'b');
    const writtenB = performance.now();
    await until('both rows', async () => (await rowsOf('p-due')).length === 2, 10_000);
    // b.txt is due 1.5 s after its write; the round that captured a.txt ended before that, and the
    // next round runs when b.txt is due, not a whole window after it (3 s after b.txt's write).
    const latency = performance.now() - writtenB;
    assert.ok(latency >= 1_400 && latency < 2_600, `b.txt committed ${Math.round(latency)} ms after its write`);
  });

  it('keeps the filesystem microseconds exactly through the database', async () => {
    const root = newRepository();
    write(root, 'old.txt', 'x');
    execFileSync('touch', ['-m', '-d', '1969-07-20 20:17:40.123456789 UTC', path.join(root, 'old.txt')]);
    execFileSync('touch', ['-a', '-d', '2038-01-19 03:14:08.000001 UTC', path.join(root, 'old.txt')]);
    const writer = await openWriter();
    const gitResolver = new GitShaResolver({ root });
    await captureFolder({ root, projectId: 'p-micro', git: gitResolver, writer }, createIgnoreMatcher(root, []));
    await writer.flush(10_000);
    const [row] = await rowsOf('p-micro');
    assert.equal(row!.mtime, '1969-07-20 20:17:40.123456');
    assert.equal(row!.atime, '2038-01-19 03:14:08.000001');
    const stats = await fs.lstat(path.join(root, 'old.txt'), { bigint: true });
    const ctimeMicros = stats.ctimeNs / 1000n;
    assert.equal(row!.ctime.slice(-6), String(ctimeMicros % 1_000_000n).padStart(6, '0'));
  });

  it('attaches the SHA of the last commit touching each file; untracked and ignored-by-git get null', async () => {
    const root = newRepository();
    write(root, '.gitignore', 'build/\n');
    write(root, 'a.txt', '1');
    write(root, 'dir/b.txt', '1');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'first');
    write(root, 'a.txt', '2');
    git(root, 'commit', '-qam', 'second');
    write(root, 'dir/b.txt', '2');
    git(root, 'commit', '-qam', 'third');
    write(root, 'untracked.txt', 'u');
    write(root, 'build/out.js', 'o');

    const writer = await openWriter();
    const gitResolver = new GitShaResolver({ root });
    await captureFolder({ root, projectId: 'p-sha', git: gitResolver, writer }, createIgnoreMatcher(root, []));
    await writer.flush(10_000);
    const byPath = new Map((await rowsOf('p-sha')).map((r) => [r.file_path, r.git_commit_sha]));
    for (const file of ['a.txt', 'dir/b.txt', '.gitignore']) {
      assert.equal(byPath.get(file), git(root, 'log', '-1', '--format=%H', '--', file), file);
    }
    assert.notEqual(byPath.get('a.txt'), byPath.get('dir/b.txt'));
    assert.equal(byPath.get('untracked.txt'), null);
    assert.equal(byPath.get('build/out.js'), null);
    assert.equal(byPath.size, 5);
    assert.equal(gitResolver.processes, 2, 'rev-parse once, then one git log for the whole batch');
  });

  it('rebuilds the SHA map when HEAD moves (commit, branch switch) and only then', async () => {
    const root = newRepository();
    write(root, 'f.txt', '1');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'one');
    const resolver = new GitShaResolver({ root });
    const first = git(root, 'rev-parse', 'HEAD');
    assert.equal((await resolver.shasFor(['f.txt'])).get('f.txt'), first);
    await resolver.shasFor(['f.txt']);
    assert.equal(resolver.processes, 2, 'an unchanged HEAD costs no process');

    git(root, 'checkout', '-qb', 'topic');
    write(root, 'f.txt', '2');
    git(root, 'commit', '-qam', 'two');
    const second = git(root, 'rev-parse', 'HEAD');
    assert.equal((await resolver.shasFor(['f.txt'])).get('f.txt'), second);
    assert.equal(resolver.processes, 3);

    git(root, 'checkout', '-q', 'main');
    assert.equal((await resolver.shasFor(['f.txt'])).get('f.txt'), first);
    git(root, 'pack-refs', '--all');
    git(root, 'checkout', '-q', 'topic');
    assert.equal((await resolver.shasFor(['f.txt'])).get('f.txt'), second, 'packed refs are read too');
    assert.equal(resolver.processes, 5);
  });

  it('records null SHAs with a single warning when git is not installed', async () => {
    const root = newRepository();
    write(root, 'f.txt', '1');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'one');
    const warnings: string[] = [];
    const resolver = new GitShaResolver({ root, env: { PATH: '/nonexistent' }, warn: (m) => warnings.push(m) });
    assert.equal((await resolver.shasFor(['f.txt'])).get('f.txt'), null);
    assert.equal((await resolver.shasFor(['f.txt'])).get('f.txt'), null);
    assert.deepEqual(await resolver.commitsOf('f.txt'), []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /git is not installed/);
    assert.equal(resolver.available, false);
  });

  it('gives null SHAs outside a repository', async () => {
    const root = tempDir('plain');
    write(root, 'f.txt', '1');
    const resolver = new GitShaResolver({ root });
    assert.equal((await resolver.shasFor(['f.txt'])).get('f.txt'), null);
  });

  it('honours .git, node_modules and user excludes in the watcher and the scan', async () => {
    const root = newRepository();
    write(root, 'node_modules/pkg/index.js', 'x');
    write(root, 'dist/bundle.js', 'x');
    write(root, 'keep.txt', 'x');
    const writer = await openWriter();
    await startWatcher(root, 'p-ignore', writer, ['dist/**', '**/*.tmp']);
    write(root, 'node_modules/pkg/other.js', 'y');
    write(root, 'dist/new.js', 'y');
    write(root, 'scratch.tmp', 'y');
    write(root, 'src/new.ts', 'y');
    git(root, 'add', '.');
    await until('src/new.ts', async () => (await rowsOf('p-ignore')).some((r) => r.file_path === 'src/new.ts'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(
      (await rowsOf('p-ignore')).map((r) => r.file_path),
      ['src/new.ts'],
    );

    const gitResolver = new GitShaResolver({ root });
    const scanned = await captureFolder(
      { root, projectId: 'p-ignore-scan', git: gitResolver, writer },
      createIgnoreMatcher(root, ['dist/**', '**/*.tmp']),
    );
    await writer.flush(10_000);
    assert.equal(scanned.files, 2);
    assert.deepEqual((await rowsOf('p-ignore-scan')).map((r) => r.file_path).sort(), ['keep.txt', 'src/new.ts']);
  });

  it('records every change of a burst that overflowed the kernel event queue, once (the rescan finds them)', async (t) => {
    const queueLimit = Number(await fs.readFile('/proc/sys/fs/inotify/max_queued_events', 'utf8').catch(() => 'NaN'));
    if (!(queueLimit > 0 && queueLimit <= 1_000_000)) return t.skip('needs Linux inotify');
    const files = 2000;
    const root = tempDir('overflow');
    const name = (i: number) => path.join(root, `d${Math.floor(i / 500)}`, `f${i}.txt`);
    for (let i = 0; i < files; i += 500) mkdirSync(path.dirname(name(i)));
    for (let i = 0; i < files; i++) writeFileSync(name(i), '');
    const writer = await openWriter();
    const { watcher } = await startWatcher(root, 'p-overflow', writer);
    // While this event loop is blocked, another process fills inotify's queue with alternating
    // write/chmod events of one file (consecutive equal events would merge), then writes 2,000
    // others: their events are dropped, and libuv drops the overflow notice too.
    execFileSync(process.execPath, [
      '-e',
      `const fs = require('fs'), path = require('path'), root = ${JSON.stringify(root)};
       const fd = fs.openSync(path.join(root, 'noise.txt'), 'w');
       for (let i = 0; i < ${queueLimit} / 2 + 100; i++) { fs.writeSync(fd, 'x'); fs.fchmodSync(fd, i % 2 ? 0o644 : 0o600); }
       for (let i = 0; i < ${files}; i++) fs.appendFileSync(path.join(root, 'd' + Math.floor(i / 500), 'f' + i + '.txt'), 'x');`,
    ]);
    const count = async () => {
      const [rows] = (await database.pool.query(
        'SELECT COUNT(*) AS total, COUNT(DISTINCT file_path) AS paths, SUM(event_type = ?) AS changes FROM filesystem_timestamps WHERE project_id = ?',
        ['change', 'p-overflow'],
      )) as unknown as [Array<Record<string, string>>];
      return Object.fromEntries(Object.entries(rows[0]!).map(([key, value]) => [key, Number(value)]));
    };
    await until('every file of the burst', async () => (await count()).total! >= files + 1, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(await count(), { total: files + 1, paths: files + 1, changes: files });
    assert.ok(watcher.stats.events <= queueLimit, `the queue overflowed: ${watcher.stats.events} events seen`);
    assert.equal(watcher.stats.rescans, 1);
    assert.equal(watcher.stats.rescued, files, 'the rescan found every change the kernel dropped');
  });

  it('spools a burst while the database refuses, then commits every event exactly once', async () => {
    const root = newRepository();
    let refusing = true;
    let attempts = 0;
    const refused = { ...testConfig(database.config.database), port: 1 };
    const writer = await openWriter({
      connection: async () => {
        attempts++;
        if (refusing) return (await connect(refused, { retries: 0 })).pool;
        return database.pool;
      },
    });
    await startWatcher(root, 'p-down', writer);
    for (let i = 0; i < 300; i++) write(root, `burst/f${i}.txt`, String(i));
    await until('the burst in the spool', async () => writer.statistics.spooled >= 300);
    await until('the refused insert', async () => writer.databaseDown);
    assert.equal((await rowsOf('p-down')).length, 0);
    assert.ok(writer.statistics.spoolBytes > 0);
    assert.ok(attempts >= 1);

    refusing = false;
    await writer.flush(20_000);
    const rows = await rowsOf('p-down');
    assert.equal(rows.length, 300);
    assert.equal(new Set(rows.map((r) => r.file_path)).size, 300);
    assert.equal(writer.statistics.pending, 0);
    assert.equal(writer.statistics.spoolBytes, 0, 'the spool is truncated once everything committed');
    assert.equal((await fs.stat(writer.spoolPath)).size, 0);
  });

  it('sends a statement as soon as the rows fill one by bytes, without waiting for more rows', async () => {
    const statements: number[] = [];
    const writer = await openWriter({
      maxBatchRows: 1000,
      maxStatementBytes: 4000,
      maxBatchDelayMs: 60_000,
      connection: async () => ({
        query: async (sql: string) => {
          statements.push(sql.length);
          return database.pool.query(sql);
        },
      }),
    });
    await writer.write(Array.from({ length: 60 }, (_, i) => makeRow('p-bytes', `f${i}`)));
    // 60 rows of ~160 bytes: the full statements go at once, the rest waits for more rows or the delay.
    await until('the full statements', async () => statements.length >= 2, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(statements.length, 2);
    assert.ok(writer.statistics.committed > 40 && writer.statistics.committed < 60);
    assert.ok(statements.every((length) => length < 4_000 + 200));
    // sendNow(): the caller has no more rows for now, so the rest goes without waiting for the delay.
    writer.sendNow();
    await until('the rest', async () => writer.statistics.committed === 60, 5_000);
    assert.equal((await rowsOf('p-bytes')).length, 60);
  });

  it('keeps two INSERTs in flight; when the first fails, the rows after it are sent again and skipped once committed', async () => {
    let queries = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const writer = await openWriter({
      maxBatchRows: 100,
      connection: async () => ({
        query: async (sql: string) => {
          const n = ++queries;
          concurrent++;
          maxConcurrent = Math.max(maxConcurrent, concurrent);
          try {
            // The first statement fails only after the second (sent meanwhile) has committed.
            if (n === 1) {
              await until('the second statement', async () => writer.statistics.committed === 0 && queries >= 2);
              await new Promise((resolve) => setTimeout(resolve, 200));
              throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
            }
            return await database.pool.query(sql);
          } finally {
            concurrent--;
          }
        },
      }),
    });
    await writer.write(Array.from({ length: 300 }, (_, i) => makeRow('p-in-flight', `f${i}`)));
    await writer.flush(20_000);
    const rows = await rowsOf('p-in-flight');
    assert.equal(rows.length, 300);
    assert.equal(new Set(rows.map((r) => r.file_path)).size, 300);
    assert.equal(maxConcurrent, 2);
    const stats = writer.statistics;
    assert.equal(stats.failedAttempts, 1);
    // The second statement's rows were committed before the first failed: sent again, they count as duplicates.
    assert.equal(stats.inserted, 200);
    assert.equal(stats.duplicates, 100);
    assert.equal(stats.committed, 300);
    assert.equal(stats.pending, 0);
  });

  it('bounds the spool: rows beyond it are dropped with one clear warning', async () => {
    const warnings: string[] = [];
    const writer = await openWriter({
      connection: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
      maxSpoolBytes: 2000,
      log: { info: () => undefined, warn: (m) => warnings.push(m) },
    });
    for (let i = 0; i < 20; i++) await writer.write([makeRow('p-full', `f${i}`)]);
    assert.ok(writer.statistics.spooled > 0 && writer.statistics.spooled < 20);
    assert.equal(writer.statistics.spooled + writer.statistics.dropped, 20);
    assert.equal(warnings.filter((w) => /spool is full \(2 KB at /.test(w)).length, 1);
    await until('the first insert attempt', async () => writer.databaseDown);
    assert.ok(warnings.some((w) => /Cannot write file captures \(connect ECONNREFUSED\)/.test(w)));
  });

  it('loses nothing and duplicates nothing when the process is killed between spool write and commit', async () => {
    const spoolDir = tempDir('crash');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(__dirname, 'fixtures', 'watcher-crash-child.ts'),
        spoolDir,
        database.config.database,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until('the child to spool its rows', async () => output.includes('spooled'), 30_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const committedBeforeCrash = (await rowsOf('p-crash')).length;
    assert.equal(committedBeforeCrash, 500, 'the first batch committed before the crash');

    const restarted = await openWriter({ spoolDir, spoolName: 'crash' });
    await restarted.flush(20_000);
    const rows = await rowsOf('p-crash');
    assert.equal(rows.length, 1500);
    assert.equal(new Set(rows.map((r) => r.file_path)).size, 1500);
    assert.equal(restarted.statistics.duplicates, 500, 'the committed batch was replayed and skipped');
  });

  it('adopts the spool of a dead process under another name, lines of 0.1 spools too', async () => {
    const spoolDir = tempDir('orphan');
    const strange = "it's a\nnew\\line.txt";
    const line = `${captureTuple(makeRow('p-orphan', strange))},`;
    const old = makeRow('p-orphan', 'lost.txt');
    const oldLine = JSON.stringify([
      old.id,
      old.projectId,
      old.filePath,
      old.eventType,
      old.atime,
      old.mtime,
      old.ctime,
      old.sizeBytes,
      old.gitCommitSha,
    ]);
    await fs.writeFile(path.join(spoolDir, 'other-window.spool'), `${line}\n${oldLine}\n('torn`);
    await fs.writeFile(path.join(spoolDir, 'other-window.lock'), '999999999');
    const writer = await openWriter({ spoolDir, spoolName: 'mine' });
    await writer.flush(10_000);
    assert.deepEqual((await rowsOf('p-orphan')).map((r) => r.file_path).sort(), [strange, 'lost.txt'].sort());
    assert.deepEqual((await fs.readdir(spoolDir)).sort(), ['mine.lock', 'mine.spool']);
  });

  it('captures a folder once (the CLI path): project created and linked once, a rescan adds nothing', async () => {
    const root = newRepository();
    write(root, 'a.txt', 'a');
    write(root, 'node_modules/x.js', 'x');
    const spoolDir = tempDir('once');
    const first = await captureOnce(database, { root, spoolDir });
    assert.equal(first.project.matchedBy, 'created');
    assert.equal(first.project.name, path.basename(root));
    // a.txt and the link: no remote to find the project by, so the folder is linked, as a project
    // created in the Cockpit is.
    assert.deepEqual([first.files, first.inserted, first.pending], [2, 2, 0]);
    assert.deepEqual(JSON.parse(readFileSync(path.join(root, '.vscode/cockpit.json'), 'utf8')), {
      projectId: first.project.id,
    });
    const second = await captureOnce(database, { root, spoolDir });
    assert.equal(second.project.id, first.project.id);
    assert.equal(second.project.matchedBy, 'link');
    assert.deepEqual([second.inserted, second.duplicates], [0, 2]);
  });

  it("finds a folder's project as the Cockpit does: link, else the same repository in any URL form", async () => {
    const configured = newRepository();
    write(configured, '.vscode/cockpit.json', JSON.stringify({ projectId: 'proj-configured' }));
    assert.equal(
      await findFolderProject(database.db, configured),
      undefined,
      'linked to a project not in the database',
    );
    const created = await ensureFolderProject(database.db, configured, 'dev@example.com');
    assert.deepEqual([created.project.id, created.matchedBy], ['proj-configured', 'created']);
    const linked = await findFolderProject(database.db, configured);
    assert.deepEqual([linked?.project.id, linked?.matchedBy], ['proj-configured', 'link']);

    await database.pool.query(
      "INSERT INTO projects (id, name, owner_user_id, git_repository, created_at) VALUES ('proj-remote', 'Remote', 'x', 'https://github.com/acme/widget.git', '2020-01-01'), ('proj-remote-later', 'Later', 'x', 'git@github.com:acme/widget.git', '2021-01-01')",
    );
    const cloned = newRepository();
    git(cloned, 'remote', 'add', 'origin', 'git@github.com:Acme/widget');
    const byRemote = await ensureFolderProject(database.db, cloned, 'dev@example.com');
    assert.deepEqual(
      [byRemote.project.id, byRemote.matchedBy],
      ['proj-remote', 'git'],
      'the oldest of that repository',
    );
    assert.equal(readFileSync(path.join(cloned, '.git/config'), 'utf8').includes('cockpit'), false);

    const fresh = newRepository();
    git(fresh, 'remote', 'add', 'origin', 'https://user:token@example.com/team/fresh.git');
    const made = await ensureFolderProject(database.db, fresh, 'dev@example.com');
    assert.deepEqual([made.matchedBy, made.project.gitRepository], ['created', 'https://example.com/team/fresh.git']);
    assert.equal(existsSync(path.join(fresh, '.vscode/cockpit.json')), false, 'found by its remote: no link written');
    assert.equal((await findFolderProject(database.db, fresh))?.project.id, made.project.id);

    const broken = tempDir('broken');
    write(broken, '.vscode/cockpit.json', '{"projectId": ');
    await assert.rejects(findFolderProject(database.db, broken), /cockpit\.json is not valid JSON/);
    write(broken, '.vscode/cockpit.json', '{"projectId": 42}');
    await assert.rejects(ensureFolderProject(database.db, broken, 'dev@example.com'), /projectId/);
  });

  it('makes one project when several windows meet a new folder at once', async () => {
    // Two clones of one repository (remote in two URL forms), one of them opened ten times more:
    // more callers than a pool has connections (5), which must not starve the one holding the lock.
    const clone = newRepository();
    git(clone, 'remote', 'add', 'origin', 'git@example.com:team/shared.git');
    const otherClone = newRepository();
    git(otherClone, 'remote', 'add', 'origin', 'https://example.com/team/shared');
    // Its own pool, as another window's process has.
    const otherWindow = await connect(database.config, { retries: 0 });
    try {
      const byRemote = await Promise.all([
        ensureFolderProject(database.db, clone, 'a@example.com'),
        ensureFolderProject(otherWindow.db, otherClone, 'b@example.com'),
        ...Array.from({ length: 10 }, (_, i) =>
          ensureFolderProject(i % 2 ? database.db : otherWindow.db, clone, 'c@example.com'),
        ),
      ]);
      assert.equal(new Set(byRemote.map((r) => r.project.id)).size, 1);
      assert.deepEqual(byRemote.filter((r) => r.matchedBy === 'created').length, 1);
      const [shared] = (await database.pool.query(
        "SELECT COUNT(*) AS n FROM projects WHERE git_repository LIKE '%example.com%team/shared%'",
      )) as unknown as [Array<{ n: number | string }>];
      assert.equal(Number(shared[0]!.n), 1);

      // No remote: the first one links the folder, the others find it by that link.
      const plain = tempDir('plain');
      const byLink = await Promise.all(
        Array.from({ length: 6 }, (_, i) => ensureFolderProject(i % 2 ? database.db : otherWindow.db, plain)),
      );
      const ids = new Set(byLink.map((r) => r.project.id));
      assert.equal(ids.size, 1);
      assert.deepEqual(JSON.parse(readFileSync(path.join(plain, '.vscode/cockpit.json'), 'utf8')), {
        projectId: [...ids][0],
      });
      const [named] = (await database.pool.query('SELECT COUNT(*) AS n FROM projects WHERE name = ?', [
        path.basename(plain),
      ])) as unknown as [Array<{ n: number | string }>];
      assert.equal(Number(named[0]!.n), 1);
    } finally {
      await otherWindow.close();
    }
  });

  it("creates from a template only when the folder still has no project (another window's is shown instead)", async () => {
    const clone = newRepository();
    git(clone, 'remote', 'add', 'origin', 'https://example.com/team/templated.git');
    const captured = await ensureFolderProject(database.db, clone, 'a@example.com');
    const fromTemplate = await createFolderProjectFromTemplate(database.db, 'b@example.com', clone, {
      name: 'Mine',
      template: 'vibe_coding',
      writeLink: true,
    });
    assert.deepEqual(fromTemplate, { projectId: captured.project.id, created: false });

    // A window's "Create" and captures of a folder without a remote, at once: one project, linked.
    const plain = tempDir('plain');
    const results = await Promise.all([
      createFolderProjectFromTemplate(database.db, 'b@example.com', plain, {
        name: 'Planned',
        template: 'vibe_coding',
        writeLink: true,
      }),
      ...Array.from({ length: 3 }, () =>
        ensureFolderProject(database.db, plain).then((r) => ({ projectId: r.project.id, created: false })),
      ),
    ]);
    const ids = new Set(results.map((r) => r.projectId));
    assert.equal(ids.size, 1);
    assert.deepEqual(JSON.parse(readFileSync(path.join(plain, '.vscode/cockpit.json'), 'utf8')), {
      projectId: [...ids][0],
    });
  });

  it('correlates a file across the filesystem, git and the database', async () => {
    const root = newRepository();
    write(root, 'doc.md', '1');
    git(root, 'add', '.');
    execFileSync('git', ['commit', '-qm', 'doc'], {
      cwd: root,
      env: { ...GIT_ENV, GIT_AUTHOR_DATE: '2020-01-02T03:04:05Z', GIT_COMMITTER_DATE: '2020-01-02T03:04:06Z' },
    });
    const writer = await openWriter();
    const resolver = new GitShaResolver({ root });
    await captureFolder({ root, projectId: 'p-timeline', git: resolver, writer }, createIgnoreMatcher(root, []));
    await writer.flush(10_000);
    const before = resolver.processes;
    const timeline = await fileTimeline(database.db, resolver, { projectId: 'p-timeline', filePath: 'doc.md' });
    assert.equal(resolver.processes - before, 1, 'one git process for the commit dates');
    assert.equal(timeline.commits.length, 1);
    assert.equal(timeline.commits[0]!.authorDate, '2020-01-02 03:04:05.000000');
    assert.equal(timeline.commits[0]!.committerDate, '2020-01-02 03:04:06.000000');
    const [capture] = timeline.captures;
    assert.equal(capture!.gitCommitSha, timeline.commits[0]!.sha);
    assert.ok(capture!.modifiedAfterCommit, 'written today, committed "in 2020"');
    assert.ok(capture!.driftMicros! > 0n);
    assert.match(capture!.capturedAt, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
  });
});

function makeRow(projectId: string, filePath: string): CaptureRow {
  return {
    id: captureRowId(projectId, filePath, 'scan', 1n, 1n),
    projectId,
    filePath,
    eventType: 'scan',
    atime: '2024-01-01 00:00:00.000001',
    mtime: '2024-01-01 00:00:00.000001',
    ctime: '2024-01-01 00:00:00.000001',
    sizeBytes: 1,
    gitCommitSha: null,
  };
}
