import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { classify } from '../../src/core/watcher/folder-watcher.js';
import { formatDuration, renderTimelineMarkdown } from '../../src/core/watcher/history.js';
import { createIgnoreMatcher, enabledGlobs } from '../../src/core/watcher/ignore.js';
import {
  captureRowId,
  captureTuple,
  insertStatement,
  spoolLineTuple,
  type CaptureRow,
} from '../../src/core/watcher/rows.js';
import { formatMicros, formatNanos, parseDatetime6 } from '../../src/core/watcher/time.js';

describe('file times as DATETIME(6)', () => {
  it('agrees with Date for whole milliseconds, before and after 1970 and across leap days', () => {
    for (const ms of [0, 1, -1, 951_782_400_000, 1_700_000_000_123, -2_208_988_800_000, 4_102_444_800_000]) {
      const expected = new Date(ms).toISOString().replace('T', ' ').replace('Z', '000');
      assert.equal(formatMicros(BigInt(ms) * 1000n), expected);
      assert.equal(parseDatetime6(expected), BigInt(ms) * 1000n);
    }
  });

  it('keeps microseconds from nanoseconds exactly, flooring towards the past', () => {
    assert.equal(formatNanos(1_700_000_000_123_456_789n), '2023-11-14 22:13:20.123456');
    assert.equal(formatNanos(-1n), '1969-12-31 23:59:59.999999');
    assert.equal(formatNanos(-1_000n), '1969-12-31 23:59:59.999999');
    assert.equal(formatNanos(-1_001n), '1969-12-31 23:59:59.999998');
  });

  it('clamps times outside DATETIME to its ends instead of failing the capture', () => {
    assert.equal(formatMicros(-(10n ** 18n)), '1000-01-01 00:00:00.000000');
    assert.equal(formatMicros(10n ** 18n), '9999-12-31 23:59:59.999999');
  });

  it('rejects malformed DATETIME strings', () => {
    assert.throws(() => parseDatetime6('2024-01-01T00:00:00Z'), /Not a DATETIME\(6\) value/);
  });
});

describe('capture rows', () => {
  const row: CaptureRow = {
    id: captureRowId('p1', 'src/a.ts', 'change', 10n, 20n),
    projectId: 'p1',
    filePath: 'src/a "quoted"\nname.ts',
    eventType: 'change',
    atime: '2024-01-01 00:00:00.000001',
    mtime: '2024-01-01 00:00:00.000002',
    ctime: '2024-01-01 00:00:00.000003',
    sizeBytes: 12,
    gitCommitSha: null,
  };

  it('derives the same UUID-shaped id from the same observation, another from any difference', () => {
    assert.match(row.id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(captureRowId('p1', 'src/a.ts', 'change', 10n, 20n), row.id);
    assert.notEqual(captureRowId('p1', 'src/a.ts', 'change', 10n, 21n), row.id);
    assert.notEqual(captureRowId('p1', 'src/a.ts', 'add', 10n, 20n), row.id);
    assert.notEqual(captureRowId('p2', 'src/a.ts', 'change', 10n, 20n), row.id);
  });

  it('is one spool line: its SQL tuple and a comma, with no raw newline, taken back as it is', () => {
    const tuple = captureTuple(row);
    assert.ok(!tuple.includes('\n') && !tuple.includes('\r'));
    assert.equal(spoolLineTuple(`${tuple},`), tuple);
  });

  it('refuses torn, corrupt and injected lines', () => {
    const line = `${captureTuple(row)},`;
    assert.equal(spoolLineTuple(line.slice(0, -1)), undefined);
    assert.equal(spoolLineTuple(line.slice(0, -4)), undefined);
    assert.equal(spoolLineTuple('[1,2,3]'), undefined);
    assert.equal(spoolLineTuple(line.replace("'change'", "'delete'")), undefined);
    assert.equal(spoolLineTuple(line.replace('00:00:00.000002', '00:00:00')), undefined);
    assert.equal(spoolLineTuple(line.replace("'p1'", "'p1'), ('x'")), undefined);
    assert.equal(spoolLineTuple(line.replace("'p1'", "'p1'; DROP TABLE filesystem_timestamps; --'")), undefined);
  });

  it('converts lines of 0.1 spools (JSON arrays in column order) into the same tuple', () => {
    const columns = [row.id, row.projectId, row.filePath, row.eventType, row.atime, row.mtime, row.ctime];
    assert.equal(spoolLineTuple(JSON.stringify([...columns, row.sizeBytes, row.gitCommitSha])), captureTuple(row));
    assert.equal(spoolLineTuple(JSON.stringify([...columns, row.sizeBytes, "x', 'y"])), undefined);
    assert.equal(spoolLineTuple(JSON.stringify([...columns, '12', null])), undefined);
    assert.equal(spoolLineTuple(JSON.stringify([...columns, 12]).slice(0, -4)), undefined);
  });

  it('builds one multi-row statement that skips existing ids, with every value escaped', () => {
    const other = { ...row, filePath: "it's\\here.txt", sizeBytes: null, gitCommitSha: 'a'.repeat(40) };
    const sql = insertStatement([row, other].map(captureTuple).join(', '));
    const times = "'2024-01-01 00:00:00.000001', '2024-01-01 00:00:00.000002', '2024-01-01 00:00:00.000003'";
    assert.equal(
      sql,
      'INSERT IGNORE INTO filesystem_timestamps (id, project_id, file_path, event_type, atime, mtime, ctime, size_bytes, git_commit_sha) VALUES ' +
        `('${row.id}', 'p1', 'src/a "quoted"\\nname.ts', 'change', ${times}, 12, NULL), ` +
        `('${row.id}', 'p1', 'it\\'s\\\\here.txt', 'change', ${times}, NULL, '${'a'.repeat(40)}')`,
    );
  });
});

describe('exclusions', () => {
  const root = path.resolve('/work/project');
  const at = (...parts: string[]) => path.join(root, ...parts);

  it('always excludes .git and node_modules, including the directories themselves', () => {
    const ignored = createIgnoreMatcher(root, []);
    assert.ok(ignored(at('.git')));
    assert.ok(ignored(at('.git', 'objects', 'ab')));
    assert.ok(ignored(at('node_modules')));
    assert.ok(ignored(at('packages', 'x', 'node_modules', 'y', 'index.js')));
    assert.ok(!ignored(at('src', 'git.ts')));
    assert.ok(!ignored(at('my.git', 'x')) && !ignored(at('node_modules_old', 'x')) && !ignored(at('a', '.github')));
    assert.ok(ignored.relative('.git') && ignored.relative('a/.git/HEAD') && !ignored.relative('a/.gitignore'));
    assert.ok(!ignored(root));
    assert.ok(!ignored(path.resolve('/elsewhere/node_modules/x')));
  });

  it('applies user globs relative to the folder, or absolute ones', () => {
    const ignored = createIgnoreMatcher(root, ['dist/**', '**/*.log', path.join(root, 'tmp') + '/**']);
    assert.ok(ignored(at('dist')));
    assert.ok(ignored(at('dist', 'a.js')));
    assert.ok(ignored(at('logs', 'x.log')));
    assert.ok(ignored(at('tmp', 'a')));
    assert.ok(!ignored(at('src', 'dist.ts')));
    // The watcher's form: relative and `/`-separated, absolute globs included.
    assert.ok(ignored.relative('dist/a.js'));
    assert.ok(ignored.relative('logs/x.log'));
    assert.ok(ignored.relative('tmp/a'));
    assert.ok(ignored.relative('a/node_modules/b'));
    assert.ok(!ignored.relative('src/dist.ts'));
  });

  it('reports and skips malformed and oversized patterns', () => {
    const warnings: string[] = [];
    const ignored = createIgnoreMatcher(root, [42, '', '*'.repeat(600), '*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b'], (m) =>
      warnings.push(m),
    );
    assert.equal(warnings.length, 4);
    assert.match(warnings[0]!, /expected a non-empty glob string/);
    assert.match(warnings[2]!, /longer than 500 characters or more than 16 wildcards/);
    assert.ok(!ignored(at('aaaab')));
  });

  it('reads files.watcherExclude (glob → boolean)', () => {
    assert.deepEqual(enabledGlobs({ '**/.git/objects/**': true, '**/out/**': false, '**/x': 'yes' }), [
      '**/.git/objects/**',
    ]);
    assert.deepEqual(enabledGlobs(['a']), []);
    assert.deepEqual(enabledGlobs(null), []);
  });
});

describe('classifying a path against what was last recorded', () => {
  it('adds a new file, changes a different one, unlinks a gone one, and skips what is recorded already', () => {
    assert.equal(classify(undefined, 'a'), 'add', 'never recorded, however often it changed since');
    assert.equal(classify('a', 'b'), 'change', 'also when it was deleted and recreated in between');
    assert.equal(classify('a', undefined), 'unlink');
    assert.equal(classify('a', 'a'), undefined, 'this state is recorded already (an event reported twice, a rescan)');
    assert.equal(classify(undefined, undefined), undefined, 'created and deleted before it was captured');
  });
});

describe('timeline rendering', () => {
  it('formats drifts and escapes user text for the markdown preview', () => {
    assert.equal(formatDuration(1_500_000n), '+1.5s');
    assert.equal(formatDuration(-90_061_000_000n), '−1d 1h 1m');
    const markdown = renderTimelineMarkdown({
      projectId: 'p',
      filePath: 'a|<img src=x onerror=alert(1)>.md',
      gitAvailable: true,
      commits: [
        {
          sha: 'a'.repeat(40),
          author: '<b>Eve</b>',
          authorDate: '2024-01-01 00:00:00.000000',
          committerDate: '2024-01-01 00:00:00.000000',
          subject: 'fix | table',
        },
      ],
      captures: [
        {
          eventType: 'change',
          atime: '2024-01-01 00:00:00.000000',
          mtime: '2024-01-01 01:00:00.000000',
          ctime: '2024-01-01 01:00:00.000000',
          capturedAt: '2024-01-01 01:00:00.100000',
          sizeBytes: 3,
          gitCommitSha: 'a'.repeat(40),
          driftMicros: 3_600_000_000n,
          modifiedAfterCommit: true,
          captureLagMicros: 100_000n,
        },
      ],
    });
    assert.ok(!markdown.includes('<img'));
    assert.ok(!markdown.includes('<b>'));
    assert.ok(!markdown.includes('fix | table'));
    assert.match(markdown, /\*\*⚠ \+1h 0s\*\* \(changed after the commit\)/);
    assert.match(markdown, /relatime/);
  });
});
