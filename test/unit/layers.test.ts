import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAsOfTimestampQuery, parseGitLog } from '../../src/core/time/layers.js';
import { parseUtcMicros } from '../../src/core/time/instant.js';
import { compareSemVer, parseSemVer } from '../../src/core/time/semver.js';

describe('layer 3: the TiDB point-in-time query', () => {
  it('reads the table AS OF the instant, in the UTC form TiDB expects, with bound values', () => {
    const at = parseUtcMicros('2026-01-01T14:30:45.123456Z');
    assert.equal(
      buildAsOfTimestampQuery('dashboards', ['id', 'name', 'layout'], 'profile_id', 2, at),
      "SELECT `id`, `name`, `layout` FROM `dashboards` AS OF TIMESTAMP '2026-01-01 14:30:45.123456' WHERE `profile_id` IN (?, ?)",
    );
  });

  it('keeps microseconds at whole seconds and refuses unsafe identifiers or instants', () => {
    const at = parseUtcMicros('2026-03-01 00:00:00');
    assert.match(
      buildAsOfTimestampQuery('profiles', ['id'], 'project_id', 1, at),
      /AS OF TIMESTAMP '2026-03-01 00:00:00\.000000' WHERE `project_id` IN \(\?\)$/,
    );
    assert.throws(
      () => buildAsOfTimestampQuery('dashboards; DROP TABLE x', ['id'], 'id', 1, at),
      /Unsafe SQL identifier/,
    );
    assert.throws(() => buildAsOfTimestampQuery('dashboards', ['id`'], 'id', 1, at), /Unsafe SQL identifier/);
    assert.throws(() => buildAsOfTimestampQuery('dashboards', ['id'], 'id', 0, at), /At least one value/);
    assert.throws(() => buildAsOfTimestampQuery('dashboards', ['id'], 'id', 1, 1.5), /whole microseconds/);
  });
});

describe('layer 2: git log parsing', () => {
  it('splits records and fields and shows dates as Zulu', () => {
    const output =
      'a'.repeat(40) +
      '\x1f2026-01-01T15:30:45+01:00\x1f2026-01-02T00:00:00Z\x1fAda\x1ffix: a | b\x1e\n' +
      'b'.repeat(40) +
      '\x1f2025-12-31T23:00:00-01:00\x1f2025-12-31T23:00:00-01:00\x1fBob\x1f\x1e\n';
    assert.deepEqual(parseGitLog(output), [
      {
        sha: 'a'.repeat(40),
        authorDate: '2026-01-01T14:30:45.000000Z',
        committerDate: '2026-01-02T00:00:00.000000Z',
        author: 'Ada',
        subject: 'fix: a | b',
      },
      {
        sha: 'b'.repeat(40),
        authorDate: '2026-01-01T00:00:00.000000Z',
        committerDate: '2026-01-01T00:00:00.000000Z',
        author: 'Bob',
        subject: '',
      },
    ]);
    assert.deepEqual(parseGitLog(''), []);
  });
});

describe('layer 4: SemVer precedence', () => {
  it('orders versions as semver.org §11 says', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.1.0',
      '2.0.0',
    ];
    const shuffled = [...ordered].reverse();
    assert.deepEqual(shuffled.sort(compareSemVer), ordered);
    assert.equal(compareSemVer('1.0.0+build.1', '1.0.0+build.2'), 0);
    assert.ok(compareSemVer('not-a-version', '0.0.1') < 0);
    assert.equal(parseSemVer('01.0.0'), undefined);
    assert.deepEqual(parseSemVer('1.2.3-rc.1+sha'), { major: 1, minor: 2, patch: 3, prerelease: ['rc', '1'] });
  });
});
