import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultMigrationsFolder, readSteps } from '../../src/db/migrate.js';
import { TEST_SERVER_URL } from '../support/database.js';

const STEP_COUNT = readSteps(defaultMigrationsFolder()).length;
const BIN = path.resolve(__dirname, '../../bin/cockpit');
const database = `cockpit_test_cli_${process.pid}`;
const url = `${TEST_SERVER_URL.replace(/\/?$/, '/')}${database}`;

function cockpit(args: string[], env: Record<string, string> = { COCKPIT_DATABASE_URL: url }) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/cockpit (needs `npm run build`)', () => {
  after(() => {
    cockpit(['rollback', '1.1.0']);
    spawnSync('mariadb', ['-h127.0.0.1', '-uroot', '-e', `DROP DATABASE IF EXISTS \`${database}\``]);
  });

  it('migrate creates the database, applies every step and is a no-op the second time', () => {
    const first = cockpit(['migrate']);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`Database is at model 1\\.2\\.0; ${STEP_COUNT} migration\\(s\\) applied`));
    assert.match(first.stderr, /Database: mariadb 10\./);
    const second = cockpit(['migrate']);
    assert.match(second.stdout, /0 migration\(s\) applied/);
  });

  it('verify prints a report and exits 0, or 1 when the schema drifted', () => {
    const ok = cockpit(['verify', '--json']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).ok, true);

    spawnSync('mariadb', ['-h127.0.0.1', '-uroot', database, '-e', 'DROP INDEX idx_model_cost_missing ON token_usage']);
    spawnSync('mariadb', ['-h127.0.0.1', '-uroot', database, '-e', 'DROP INDEX idx_version ON dashboard_versions']);
    const drifted = cockpit(['verify']);
    assert.equal(drifted.status, 1);
    assert.match(drifted.stdout, /Index dashboard_versions\.idx_version is missing/);
    spawnSync('mariadb', [
      '-h127.0.0.1',
      '-uroot',
      database,
      '-e',
      'CREATE INDEX idx_version ON dashboard_versions (version)',
    ]);
  });

  it('capture records every file of a folder once, skipping node_modules and --exclude globs', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'cockpit-cli-capture-'));
    const spool = mkdtempSync(path.join(tmpdir(), 'cockpit-cli-spool-'));
    try {
      for (const file of ['a.txt', 'src/b.ts', 'node_modules/x/i.js', 'out/c.js']) {
        mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
        writeFileSync(path.join(folder, file), file);
      }
      const args = ['capture', '--path', folder, '--exclude', 'out/**', '--spool-dir', spool];
      const first = cockpit(args);
      assert.equal(first.status, 0, first.stderr);
      // a.txt, src/b.ts and the link to the project created for the folder (it has no git remote).
      assert.match(
        first.stdout,
        /Captured 3 file\(s\) of cockpit-cli-capture-\w+ \([0-9a-f-]{36}, created\): 3 new row\(s\), 0 unchanged/,
      );
      const second = cockpit(args);
      assert.match(second.stdout, /\(([0-9a-f-]{36}), link\): 0 new row\(s\), 3 unchanged since the last capture/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('rollback 1.2.0 then 1.1.0 leaves model 1.0.0', () => {
    assert.equal(cockpit(['rollback', '1.2.0']).status, 0);
    assert.equal(cockpit(['version']).stdout.trim(), '1.1.0');
    const result = cockpit(['rollback', '1.1.0']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Database is at model 1\.0\.0/);
    assert.equal(cockpit(['version']).stdout.trim(), '1.0.0');
  });

  it('fails with a clear message and status, never the password', () => {
    const unreachable = cockpit(['verify'], { COCKPIT_DATABASE_URL: 'mysql://root:Sekr1t@127.0.0.1:1/x' });
    assert.equal(unreachable.status, 1);
    assert.match(
      unreachable.stderr,
      /cockpit verify: Cannot connect to 127\.0\.0\.1:1 \(database "x"\): connection refused/,
    );
    assert.ok(!unreachable.stderr.includes('Sekr1t'));

    assert.match(cockpit(['verify'], {}).stderr, /COCKPIT_DATABASE_URL is not set/);
    assert.equal(cockpit(['frobnicate']).status, 2);
    assert.equal(cockpit(['rollback', '9.9.9']).status, 2);
  });
});
